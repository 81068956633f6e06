import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse, ProductsResponse } from '@smartmirror/api';
import { DEMO_PRODUCTS, drawDemoProduct } from './demo/index.ts';
import { freePort } from '../../../e2e/lib/server.ts';

// No Docker engine on the build machines, so the image's start command is run as a plain process:
// the Dockerfile's ENTRYPOINT + CMD (without tini) with its ENV, on an empty data folder.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dockerfile = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const directive = (op: string): string => [...runtime.matchAll(new RegExp(`^${op}\\s+(.*)$`, 'gm'))].at(-1)?.[1] ?? '';
const command = [...(JSON.parse(directive('ENTRYPOINT')) as string[]), ...(JSON.parse(directive('CMD')) as string[])];
const imageEnv = Object.fromEntries([...directive('ENV').matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']));

interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts the image's command (tini dropped: SIGTERM goes straight to node, as tini forwards it). */
function startImageCommand(env: Record<string, string>): Proc {
  expect(command.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
  const [exe, ...args] = command.slice(2);
  const child = spawn(exe === 'node' ? process.execPath : (exe ?? ''), args, { cwd: root, env: { ...process.env, ...imageEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

describe("the container's start command, run as a plain process", () => {
  const work = mkdtempSync(join(tmpdir(), 'ship-entry-'));
  const data = join(work, 'data');
  let proc: Proc;
  let port = 0;
  let origin = '';

  beforeAll(async () => {
    port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    proc = startImageCommand({ SMARTMIRROR_DATA: data, SMARTMIRROR_PORT: String(port), SMARTMIRROR_HOST: '127.0.0.1', SMARTMIRROR_LOG_LEVEL: 'warn' });
    for (;;) {
      if (await fetch(`${origin}/api/health`).then((r) => r.ok, () => false)) break;
      if (proc.child.exitCode !== null) throw new Error(`server exited:\n${proc.output()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  afterAll(() => {
    if (proc?.child.exitCode === null) proc.child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('starts on an empty data folder with the demo catalog taught, and passes the image health check', async () => {
    const products = ((await (await fetch(`${origin}/api/products`)).json()) as ProductsResponse).products;
    expect(products.map((p) => p.id).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.id).sort());
    // The catalog picture itself, uploaded as a photo would be, is recognised as its product.
    const form = new FormData();
    form.append('image', new Blob([Buffer.from(await drawDemoProduct(DEMO_PRODUCTS[0]!))], { type: 'image/png' }), 'bananas.png');
    const answer = (await (await fetch(`${origin}/api/classify`, { method: 'POST', body: form })).json()) as ClassifyResponse;
    expect(answer.label).toBe(DEMO_PRODUCTS[0]?.name);
    expect(answer.recommendations.map((p) => p.id)).toEqual(DEMO_PRODUCTS[0]?.recommends);

    const hc = spawn(process.execPath, [join(root, 'deploy/healthcheck.js')], { env: { ...process.env, SMARTMIRROR_PORT: String(port) }, stdio: 'ignore' });
    expect(await new Promise((r) => hc.once('exit', r))).toBe(0);
  });

  it('on SIGTERM refuses new connections, finishes the request in flight, closes the store and exits 0', async () => {
    const png = Buffer.from(await drawDemoProduct(DEMO_PRODUCTS[2]!));
    const boundary = 'ship-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="o.png"\r\nContent-Type: image/png\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = Buffer.concat([head, png, tail]);
    const half = Math.floor(body.length / 2);
    // A request whose body is still arriving when the signal comes.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${origin}/api/classify`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, half));
      setTimeout(() => {
        proc.child.kill('SIGTERM');
        setTimeout(() => {
          void fetch(`${origin}/api/health`).then(
            () => req.end(body.subarray(half)),
            (err: unknown) => {
              refused = err;
              req.end(body.subarray(half));
            },
          );
        }, 700);
      }, 700);
    });
    let refused: unknown = null;
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as ClassifyResponse).label).toBe(DEMO_PRODUCTS[2]?.name);
    expect(refused).not.toBeNull();
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.output()).toContain('smartmirror: closed');
    // better-sqlite3 checkpoints and removes the WAL when the last connection closes cleanly.
    expect(existsSync(join(data, 'smartmirror.db'))).toBe(true);
    expect(existsSync(join(data, 'smartmirror.db-wal'))).toBe(false);
  });

  it.each([
    ['SMARTMIRROR_PORT', 'eighty'],
    ['SMARTMIRROR_THRESHOLD', '2'],
    ['SMARTMIRROR_LOG_LEVEL', 'loud'],
    ['SMARTMIRROR_DEMO', 'maybe'],
  ])('refuses to start with a broken %s, names it in one line, writes nothing', async (key, value) => {
    const dir = join(work, `broken-${key}`);
    const p = startImageCommand({ SMARTMIRROR_DATA: dir, SMARTMIRROR_HOST: '127.0.0.1', [key]: value });
    expect(await p.exited).toEqual({ code: 2, signal: null });
    const lines = p.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(key);
    expect(lines[0]).toContain('CONFIG_INVALID');
    expect(existsSync(dir)).toBe(false);
  });
});
