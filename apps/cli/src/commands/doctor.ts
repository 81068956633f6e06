import { constants, existsSync } from 'node:fs';
import { access, readdir, readFile, stat, statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isAppError, type Role } from '@smartmirror/api';
import { resolveModel } from '@smartmirror/node';
import { DB_FILE, loadConfig, openStore, tokenFile, type Config } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';

/** One line of the doctor's report. */
export interface DoctorCheck {
  name: string;
  /** Essential checks decide the exit code; the others are hints. */
  essential: boolean;
  ok: boolean;
  /** What was found, one line. */
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
}

/** Everything the doctor reads from the machine, injectable for tests. Defaults: the real system. */
export interface DoctorDeps {
  env?: NodeJS.ProcessEnv;
  /** Node version, e.g. "20.19.0". */
  nodeVersion?: string;
  /** Where camera device nodes live. Default /dev. */
  devDir?: string;
  /** The group database. Default /etc/group. */
  groupFile?: string;
  /** Effective uid and supplementary gids of the user running the kiosk. */
  uid?: number;
  gids?: number[];
  /** Free bytes under which the disk check fails. Default 200 MB. */
  minFreeBytes?: number;
}

/** Lowest Node version the project supports (package.json engines). */
export const MIN_NODE = [20, 19] as const;

const MB = 1024 * 1024;

function versionOk(v: string): boolean {
  const [major = 0, minor = 0] = v.replace(/^v/, '').split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

async function canWrite(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
}

/** The closest existing ancestor of `path` (itself when it exists). */
function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function checkDataDir(dir: string): Promise<DoctorCheck> {
  const name = 'data folder';
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) return { name, essential: true, ok: false, detail: `${dir} is a file`, fix: 'set SMARTMIRROR_DATA (or --data) to a folder' };
  if (info) {
    return (await canWrite(dir))
      ? { name, essential: true, ok: true, detail: `${dir} (writable)` }
      : { name, essential: true, ok: false, detail: `${dir} is not writable by uid ${process.getuid?.() ?? '?'}`, fix: `sudo chown -R $(id -u):$(id -g) ${dir}` };
  }
  const parent = existingAncestor(dir);
  return (await canWrite(parent))
    ? { name, essential: true, ok: true, detail: `${dir} (absent; created on first start)` }
    : { name, essential: true, ok: false, detail: `${dir} is absent and ${parent} is not writable`, fix: `sudo mkdir -p ${dir} && sudo chown $(id -u):$(id -g) ${dir}` };
}

async function checkDatabase(config: Config): Promise<DoctorCheck> {
  const name = 'database';
  const file = join(config.dataDir, DB_FILE);
  if (!existsSync(file)) return { name, essential: true, ok: true, detail: `${file} (absent; created on first start)` };
  try {
    const repos = openStore(config);
    try {
      const rows = await repos.sql.all<{ integrity_check: string }>('PRAGMA integrity_check');
      const result = rows.map((r) => r.integrity_check).join('; ');
      const products = await repos.sql.get<{ n: number }>('SELECT count(*) AS n FROM products');
      const examples = await repos.sql.get<{ n: number }>('SELECT count(*) AS n FROM examples');
      return result === 'ok'
        ? { name, essential: true, ok: true, detail: `${file}: integrity ok, ${examples?.n ?? 0} examples, ${products?.n ?? 0} products` }
        : { name, essential: true, ok: false, detail: `${file}: ${result.slice(0, 200)}`, fix: 'stop the server, move the data folder aside, start fresh and restore a bundle (POST /api/import)' };
    } finally {
      await repos.close();
    }
  } catch (err) {
    return { name, essential: true, ok: false, detail: `${file} does not open: ${message(err)}`, fix: 'check the file is a SQLite database and the data folder is writable; restore a backup' };
  }
}

async function checkModel(config: Config): Promise<DoctorCheck> {
  const name = 'model';
  try {
    const r = resolveModel(config.model, config.modelsDir ? { modelsDir: config.modelsDir } : {});
    const members = r.kind === 'model' ? [r] : r.members;
    let bytes = 0;
    for (const m of members) {
      const files = await m.files();
      bytes += files.weights.reduce((n, w) => n + w.bytes.byteLength, 0);
    }
    return { name, essential: true, ok: true, detail: `${config.model} → ${r.id} (${r.where}, ${(bytes / MB).toFixed(1)} MB of weights)` };
  } catch (err) {
    return {
      name,
      essential: true,
      ok: false,
      detail: isAppError(err) ? err.message : `${config.model}: ${message(err)}`,
      fix: 'use the default model (unset SMARTMIRROR_MODEL) or point SMARTMIRROR_MODELS_DIR at the models folder',
    };
  }
}

async function checkDisk(dir: string, minFree: number): Promise<DoctorCheck> {
  const name = 'disk space';
  try {
    const fs = await statfs(existingAncestor(dir));
    const free = fs.bavail * fs.bsize;
    const detail = `${(free / MB).toFixed(0)} MB free of ${((fs.blocks * fs.bsize) / MB).toFixed(0)} MB`;
    return free >= minFree
      ? { name, essential: true, ok: true, detail }
      : { name, essential: true, ok: false, detail, fix: `free at least ${(minFree / MB).toFixed(0)} MB (SQLite needs room to write)` };
  } catch (err) {
    return { name, essential: true, ok: false, detail: message(err), fix: 'check the data folder path' };
  }
}

function listenOnce(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => done(err));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => done(null)));
  });
}

async function checkPort(config: Config): Promise<DoctorCheck> {
  const name = 'port';
  if (config.port === 0) return { name, essential: true, ok: true, detail: 'any free port (SMARTMIRROR_PORT=0)' };
  const err = await listenOnce(config.port, config.host);
  if (!err) return { name, essential: true, ok: true, detail: `${config.host}:${config.port} is free` };
  if (err.code === 'EADDRINUSE') {
    const url = `http://127.0.0.1:${config.port}/api/health`;
    const ours = await fetch(url, { signal: AbortSignal.timeout(3000) })
      .then(async (r) => r.ok && JSON.stringify(await r.json()).length > 0)
      .catch(() => false);
    return ours
      ? { name, essential: true, ok: true, detail: `${config.port} is in use by a running smartmirror server (${url} answers)` }
      : { name, essential: true, ok: false, detail: `${config.port} is in use by another program`, fix: `stop it (sudo ss -ltnp 'sport = :${config.port}') or set SMARTMIRROR_PORT` };
  }
  return { name, essential: true, ok: false, detail: `cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`, fix: 'ports below 1024 need root: use 8080, or check SMARTMIRROR_HOST' };
}

async function checkToken(config: Config, role: Role): Promise<DoctorCheck> {
  const name = `${role} token`;
  if ((role === 'admin' ? config.adminToken : config.kioskToken) !== undefined) return { name, essential: true, ok: true, detail: `set by SMARTMIRROR_${role.toUpperCase()}_TOKEN` };
  const file = join(config.dataDir, tokenFile(role));
  const info = await stat(file).catch(() => null);
  if (!info) return { name, essential: true, ok: true, detail: `${file} (absent; generated and printed on first start)` };
  const mode = info.mode & 0o777;
  if ((mode & 0o077) !== 0) return { name, essential: true, ok: false, detail: `${file} is readable by others (mode ${mode.toString(8)})`, fix: `chmod 600 ${file}` };
  const text = (await readFile(file, 'utf8').catch(() => '')).trim();
  return text.length >= 16
    ? { name, essential: true, ok: true, detail: `${file} (mode 600)` }
    : { name, essential: true, ok: false, detail: `${file} is empty or too short`, fix: `delete ${file}; a new token is generated on the next start` };
}

async function videoGid(groupFile: string): Promise<number | null> {
  const text = await readFile(groupFile, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith('video:'));
  const gid = line ? Number(line.split(':')[2]) : NaN;
  return Number.isInteger(gid) ? gid : null;
}

async function checkCamera(deps: Required<Pick<DoctorDeps, 'devDir' | 'groupFile' | 'uid' | 'gids'>>): Promise<DoctorCheck[]> {
  const devices = (await readdir(deps.devDir).catch(() => [] as string[])).filter((f) => /^video\d+$/.test(f)).sort();
  const readable: string[] = [];
  for (const d of devices) if (await access(join(deps.devDir, d), constants.R_OK | constants.W_OK).then(() => true, () => false)) readable.push(d);
  const camera: DoctorCheck =
    devices.length === 0
      ? { name: 'camera', essential: false, ok: false, detail: `no ${deps.devDir}/video* device`, fix: 'plug in a USB camera (or enable the Pi camera); ignore on a server without the mirror screen' }
      : readable.length === 0
        ? { name: 'camera', essential: false, ok: false, detail: `${devices.join(', ')} present but not readable by this user`, fix: 'sudo usermod -aG video $USER, then log in again' }
        : { name: 'camera', essential: false, ok: true, detail: `${readable.map((d) => `${deps.devDir}/${d}`).join(', ')} readable` };
  const gid = await videoGid(deps.groupFile);
  const inGroup = deps.uid === 0 || (gid !== null && deps.gids.includes(gid));
  const group: DoctorCheck = inGroup
    ? { name: 'video group', essential: false, ok: true, detail: deps.uid === 0 ? 'running as root' : 'user is in the video group' }
    : { name: 'video group', essential: false, ok: false, detail: gid === null ? 'no video group on this system' : 'user is not in the video group', fix: 'sudo usermod -aG video $USER, then log in again' };
  return [camera, group];
}

async function findOnPath(names: readonly string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const n of names) {
      const p = join(dir, n);
      if (await access(p, constants.X_OK).then(() => true, () => false)) return p;
    }
  return null;
}

/**
 * Runs every check against the validated config. Never throws for a failed check: each becomes a
 * ✗ line with what to fix. Order: runtime, data, model, network, secrets, kiosk hardware.
 */
export async function runDoctor(config: Config, deps: DoctorDeps = {}): Promise<DoctorCheck[]> {
  const env = deps.env ?? process.env;
  const node = deps.nodeVersion ?? process.versions.node;
  const chromium = await findOnPath(['chromium', 'chromium-browser', 'google-chrome'], env);
  return [
    versionOk(node)
      ? { name: 'node', essential: true, ok: true, detail: `v${node}` }
      : { name: 'node', essential: true, ok: false, detail: `v${node} is older than ${MIN_NODE.join('.')}`, fix: 'install Node.js 20 LTS (≥ 20.19) from NodeSource or use the container' },
    await checkDataDir(config.dataDir),
    await checkDatabase(config),
    await checkModel(config),
    await checkDisk(config.dataDir, deps.minFreeBytes ?? 200 * MB),
    await checkPort(config),
    await checkToken(config, 'admin'),
    await checkToken(config, 'kiosk'),
    ...(await checkCamera({
      devDir: deps.devDir ?? '/dev',
      groupFile: deps.groupFile ?? '/etc/group',
      uid: deps.uid ?? process.getuid?.() ?? -1,
      gids: deps.gids ?? process.getgroups?.() ?? [],
    })),
    chromium
      ? { name: 'chromium', essential: false, ok: true, detail: chromium }
      : { name: 'chromium', essential: false, ok: false, detail: 'not found on PATH', fix: 'sudo apt install chromium (needed on the machine that shows the mirror)' },
  ];
}

/** The report as a ✓/✗ table followed by what to fix; `!` marks a failed non-essential check. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => `${c.ok ? '✓' : c.essential ? '✗' : '!'} ${c.name.padEnd(width)}  ${c.detail}`);
  const fixes = checks.filter((c) => !c.ok && c.fix).map((c) => `  ${c.name}: ${c.fix}`);
  const failed = checks.filter((c) => !c.ok && c.essential).length;
  return [
    ...lines,
    ...(fixes.length ? ['', 'To fix:', ...fixes] : []),
    '',
    failed === 0 ? 'All essential checks passed.' : `${failed} essential check${failed === 1 ? '' : 's'} failed.`,
  ].join('\n');
}

/** `smartmirror doctor [--data dir] [--port n] [--model m] [--json]`: exit 0 when every essential check passes, 1 otherwise. */
export const registerDoctor: RegisterCommand = (program: Command) => {
  program
    .command('doctor')
    .description('Check this machine for running the mirror: data, database, model, disk, port, tokens, camera, Chromium')
    .option('--data <dir>', 'data folder (SMARTMIRROR_DATA)')
    .option('--port <port>', 'port (SMARTMIRROR_PORT)')
    .option('--host <host>', 'interface (SMARTMIRROR_HOST)')
    .option('--model <model>', 'model preset or path (SMARTMIRROR_MODEL)')
    .option('--models-dir <dir>', 'model presets folder (SMARTMIRROR_MODELS_DIR)')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { data?: string; port?: string; host?: string; model?: string; modelsDir?: string; json?: boolean }) => {
      const config = loadConfig(process.env, { dataDir: opts.data, port: opts.port, host: opts.host, model: opts.model, modelsDir: opts.modelsDir });
      const checks = await runDoctor(config);
      process.stdout.write(opts.json ? `${JSON.stringify({ ok: checks.every((c) => c.ok || !c.essential), checks }, null, 2)}\n` : `${formatDoctor(checks)}\n`);
      if (!checks.every((c) => c.ok || !c.essential)) process.exitCode = 1;
    });
};
