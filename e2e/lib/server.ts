import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is e2e/lib/server.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The real CLI binary the helper starts. */
export const SMARTMIRROR_BIN = join(REPO_ROOT, 'apps', 'cli', 'bin', 'smartmirror.js');

/** ../shared/models beside the repository (model presets for tests). */
export const MODELS_DIR = join(REPO_ROOT, '..', 'shared', 'models');

/** A server child process started by startServer. */
export interface StartedServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  adminToken: string;
  kioskToken: string;
  /** The data folder the server runs on. */
  dataDir: string;
  child: ChildProcess;
  /** Everything the server printed so far (stdout + stderr), for failure messages. */
  output(): string;
  /** SIGTERM, wait for a clean exit (SIGKILL after 15 s); removes the data folder when the helper made it. */
  stop(): Promise<void>;
  /** Sends a signal without cleaning up (crash tests: SIGKILL); resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** How to start the server. */
export interface StartServerOptions {
  /** Data folder; default a new temp folder (removed by stop()). */
  dataDir?: string;
  /** Port; default 0 (a free one, read from the server's "listening on" line). */
  port?: number;
  /** Model preset or path; default the server's default (mobilenet-v2 from nsfwjs). */
  model?: string;
  /** Extra environment variables (e.g. SMARTMIRROR_THRESHOLD). */
  env?: Record<string, string>;
  /** Fixed tokens; default random ones. */
  adminToken?: string;
  kioskToken?: string;
  /** How long to wait for /api/health, ms. Default 120 000 (model loading on a busy 2-core box). */
  timeoutMs?: number;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()));

/**
 * Starts the REAL server binary (`node apps/cli/bin/smartmirror.js serve --port 0 --data <tmp>`) as a
 * child process and waits until /api/health answers. Always call stop() (e.g. in afterAll).
 */
export async function startServer(options: StartServerOptions = {}): Promise<StartedServer> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'smartmirror-e2e-')));
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const kioskToken = options.kioskToken ?? randomBytes(24).toString('base64url');
  const args = [SMARTMIRROR_BIN, 'serve', '--port', String(options.port ?? 0), '--host', '127.0.0.1', '--data', dataDir];
  if (options.model) args.push('--model', options.model);
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SMARTMIRROR_ADMIN_TOKEN: adminToken,
      SMARTMIRROR_KIOSK_TOKEN: kioskToken,
      SMARTMIRROR_MODELS_DIR: process.env.SMARTMIRROR_MODELS_DIR ?? MODELS_DIR,
      SMARTMIRROR_LOG_LEVEL: process.env.SMARTMIRROR_LOG_LEVEL ?? 'warn',
      // Tests start from an empty store; pass SMARTMIRROR_DEMO=true to get the demo catalog.
      SMARTMIRROR_DEMO: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));

  const cleanup = async (): Promise<void> => {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited(child);
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    }
    await cleanup();
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let url: string | null = null;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`smartmirror serve exited early:\n${out}`);
      url ??= /listening on (http:\/\/[^\s]+)/.exec(out)?.[1] ?? null;
      if (url) {
        const ok = await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return { url, adminToken, kioskToken, dataDir, child, output: () => out, stop, kill };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`smartmirror serve did not become healthy in time:\n${out}`);
  } catch (err) {
    await kill('SIGKILL');
    await cleanup();
    throw err;
  }
}

/** A TCP port free on 127.0.0.1 right now, for a child process that must be told its port. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
