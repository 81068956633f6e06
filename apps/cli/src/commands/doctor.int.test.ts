import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smartmirror } from '../../test/run.ts';
import { loadConfig, openStore, type Config } from '@smartmirror/server';
import { formatDoctor, runDoctor, type DoctorCheck, type DoctorDeps } from './doctor.ts';


const byName = (checks: DoctorCheck[], name: string): DoctorCheck => {
  const c = checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c;
};

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

describe('smartmirror doctor', () => {
  const root = mkdtempSync(join(tmpdir(), 'ship-doctor-'));
  const dev = join(root, 'dev');
  const groupFile = join(root, 'group');
  // A pretend desktop user (not root, so group membership matters) with a camera.
  const deps: DoctorDeps = { devDir: dev, groupFile, uid: 1000, gids: [44], env: { PATH: '' } };
  let freePort = 0;

  beforeAll(async () => {
    mkdirSync(dev);
    writeFileSync(join(dev, 'video0'), '');
    writeFileSync(groupFile, 'root:x:0:\nvideo:x:44:pi\n');
    const probe = createTcpServer();
    freePort = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A data folder as a first start leaves it: a migrated database and two 0600 token files. */
  async function healthyDataDir(name: string): Promise<Config> {
    const config = loadConfig({}, { dataDir: join(root, name), port: freePort, host: '127.0.0.1' });
    const repos = openStore(config);
    await repos.close();
    for (const role of ['admin', 'kiosk']) writeFileSync(join(config.dataDir, `${role}.token`), `${role}-0123456789abcdef0123\n`, { mode: 0o600 });
    return config;
  }

  it('passes every check on a healthy machine', async () => {
    const config = await healthyDataDir('healthy');
    const checks = await runDoctor(config, deps);
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['chromium']);
    expect(byName(checks, 'database').detail).toContain('integrity ok');
    expect(byName(checks, 'camera').detail).toContain('video0');
    expect(formatDoctor(checks)).toContain('All essential checks passed.');
  });

  it('fails a world-readable token and says how to fix it', async () => {
    const config = await healthyDataDir('loose-token');
    chmodSync(join(config.dataDir, 'admin.token'), 0o644);
    const admin = byName(await runDoctor(config, deps), 'admin token');
    expect(admin.ok).toBe(false);
    expect(admin.fix).toBe(`chmod 600 ${join(config.dataDir, 'admin.token')}`);
  });

  it('fails a corrupt database and a data folder that is a file', async () => {
    const config = await healthyDataDir('corrupt');
    writeFileSync(join(config.dataDir, 'smartmirror.db'), Buffer.alloc(8192, 7));
    expect(byName(await runDoctor(config, deps), 'database').ok).toBe(false);
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'x');
    const checks = await runDoctor({ ...config, dataDir: file }, deps);
    expect(byName(checks, 'data folder').ok).toBe(false);
  });

  it('accepts a port held by our own server but not one held by another program', async () => {
    const config = await healthyDataDir('ports');
    const other = createTcpServer((s) => s.destroy());
    const otherPort = await listen(other);
    const ours = createHttpServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api/health' ? '{"status":"ok"}' : '{}');
    });
    const oursPort = await listen(ours);
    try {
      expect(byName(await runDoctor({ ...config, port: otherPort }, deps), 'port').ok).toBe(false);
      const p = byName(await runDoctor({ ...config, port: oursPort }, deps), 'port');
      expect(p.ok).toBe(true);
      expect(p.detail).toContain('running smartmirror server');
    } finally {
      other.close();
      ours.close();
    }
  });

  it('fails an unknown model and an old Node, and only hints at camera, group and Chromium', async () => {
    const config = await healthyDataDir('hints');
    const checks = await runDoctor({ ...config, model: join(root, 'no-such-model') }, { ...deps, nodeVersion: '18.20.0', devDir: join(root, 'empty'), gids: [] });
    expect(checks.filter((c) => !c.ok && c.essential).map((c) => c.name)).toEqual(['node', 'model']);
    expect(checks.filter((c) => !c.ok && !c.essential).map((c) => c.name)).toEqual(['camera', 'video group', 'chromium']);
    const text = formatDoctor(checks);
    expect(text).toMatch(/^✗ node/m);
    expect(text).toMatch(/^! camera/m);
    expect(text).toContain('2 essential checks failed.');
  });

  it('exits 0 when healthy, 1 when an essential check fails, 2 on a bad flag (real binary)', async () => {
    const config = await healthyDataDir('binary');
    const env = { SMARTMIRROR_DATA: config.dataDir, SMARTMIRROR_PORT: String(freePort), SMARTMIRROR_HOST: '127.0.0.1' };
    const good = await smartmirror(['doctor'], env);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^✓ database/m);
    chmodSync(join(config.dataDir, 'kiosk.token'), 0o640);
    const bad = await smartmirror(['doctor', '--json'], env);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; checks: DoctorCheck[] };
    expect(report.ok).toBe(false);
    expect(byName(report.checks, 'kiosk token').ok).toBe(false);
    const flag = await smartmirror(['doctor', '--port', 'http'], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    expect(flag.stderr).toContain('--port');
  });
});
