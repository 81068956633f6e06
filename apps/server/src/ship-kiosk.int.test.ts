import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The kiosk launcher and the container health check, run for real against a stub server and a
// stub "Chromium" that records its arguments and dies at once (as a crashing browser would).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('deploy: kiosk launcher and health check against a stub server', () => {
  let server: Server;
  let port = 0;
  let healthy = false;
  let healthHits = 0;
  const dir = mkdtempSync(join(tmpdir(), 'ship-kiosk-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/api/health') {
        healthHits++;
        res.statusCode = healthy ? 200 : 503;
        res.end(JSON.stringify({ ok: healthy }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for /api/health, starts Chromium in kiosk mode, restarts it when it dies, stops on SIGTERM', async () => {
    const launches = join(dir, 'launches.txt');
    const fakeChromium = join(dir, 'chromium');
    writeFileSync(fakeChromium, `#!/bin/sh\necho "$*" >> '${launches}'\nexit 1\n`);
    chmodSync(fakeChromium, 0o755);
    healthy = false;
    const child = spawn('bash', [join(root, 'deploy/kiosk/smartmirror-kiosk.sh')], {
      env: {
        ...process.env,
        CHROMIUM: fakeChromium,
        SMARTMIRROR_URL: `http://127.0.0.1:${port}/`,
        SMARTMIRROR_KIOSK_PROFILE: join(dir, 'profile'),
        SMARTMIRROR_KIOSK_RESTART_DELAY: '0.1',
        DISPLAY: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = exitOf(child);
    try {
      await until(() => healthHits >= 2, 'the launcher to poll health');
      expect(existsSync(launches)).toBe(false);

      healthy = true;
      await until(() => existsSync(launches) && readFileSync(launches, 'utf8').trim().split('\n').length >= 2, 'two launches');
      const first = readFileSync(launches, 'utf8').split('\n')[0] ?? '';
      for (const flag of ['--kiosk', '--noerrdialogs', '--disable-infobars', '--check-for-update-interval=31536000', '--autoplay-policy=no-user-gesture-required'])
        expect(first).toContain(flag);
      expect(first).toContain(`http://127.0.0.1:${port}/`);
      // 127.0.0.1 is a secure context already: no insecure-origin override needed.
      expect(first).not.toContain('--unsafely-treat-insecure-origin-as-secure');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('marks a LAN http origin as secure so the camera works there', async () => {
    const launches = join(dir, 'lan.txt');
    const fakeChromium = join(dir, 'chromium-lan');
    writeFileSync(fakeChromium, `#!/bin/sh\necho "$*" >> '${launches}'\nexit 0\n`);
    chmodSync(fakeChromium, 0o755);
    healthy = true;
    // 127.0.0.2 stands in for a LAN address: not "localhost", so not a secure context by default.
    const lan = createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((r) => lan.listen(0, '127.0.0.2', r));
    const origin = `http://127.0.0.2:${(lan.address() as AddressInfo).port}`;
    const child = spawn('bash', [join(root, 'deploy/kiosk/smartmirror-kiosk.sh')], {
      env: { ...process.env, CHROMIUM: fakeChromium, SMARTMIRROR_URL: `${origin}/`, SMARTMIRROR_KIOSK_PROFILE: join(dir, 'p2'), DISPLAY: '' },
      stdio: 'ignore',
    });
    const exited = exitOf(child);
    try {
      await until(() => existsSync(launches), 'a launch');
    } finally {
      child.kill('SIGTERM');
      lan.close();
    }
    await exited;
    expect(readFileSync(launches, 'utf8')).toContain(`--unsafely-treat-insecure-origin-as-secure=${origin}`);
  });

  it('health check exits 0 on 2xx, 1 on 503 and 1 when nothing listens', async () => {
    const check = async (env: Record<string, string>): Promise<number | null> => {
      const child = spawn(process.execPath, [join(root, 'deploy/healthcheck.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
      return (await exitOf(child)).code;
    };
    healthy = true;
    expect(await check({ SMARTMIRROR_PORT: String(port) })).toBe(0);
    healthy = false;
    expect(await check({ SMARTMIRROR_PORT: String(port) })).toBe(1);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await check({ SMARTMIRROR_PORT: String(deadPort) })).toBe(1);
  });
});
