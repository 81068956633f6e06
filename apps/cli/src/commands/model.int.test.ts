import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smartmirror } from '../../test/run.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const modelsDir = join(dirname(repo), 'shared', 'models');
const present = existsSync(join(modelsDir, 'darknet-tiny', 'model.json'));
if (!present) console.warn(`model pull: skipping, ${modelsDir}/darknet-tiny is absent`);

describe('smartmirror model list', () => {
  it('lists every preset with where it is found', async () => {
    const r = await smartmirror(['model', 'list', '--json', '--models-dir', modelsDir]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; available: boolean; where: string }[];
    expect(rows.map((x) => x.name)).toEqual(expect.arrayContaining(['mobilenet-v2', 'mobilenet-v1', 'darknet-tiny']));
    expect(rows.find((x) => x.name === 'mobilenet-v2')?.available).toBe(true);
  });

  it('marks folder presets missing from an empty models dir', async () => {
    const r = await smartmirror(['model', 'list', '--json', '--models-dir', tmpdir()]);
    const rows = JSON.parse(r.stdout) as { name: string; available: boolean }[];
    expect(rows.find((x) => x.name === 'darknet-tiny')?.available).toBe(false);
  });
});

describe.skipIf(!present)('smartmirror model pull', () => {
  let server: Server;
  let base: string;
  let tmp: string;
  const shard = 'group19-shard1of1';

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'smartmirror-pull-'));
    // Serves ../shared/models; /missing/… answers 404 for one shard, /truncated/… half of it.
    server = createServer((req, res) => {
      const parts = (req.url ?? '/').split('/').filter(Boolean);
      const mode = parts[0] === 'missing' || parts[0] === 'truncated' ? parts.shift() : 'ok';
      const file = join(modelsDir, ...parts);
      if (!file.startsWith(modelsDir) || (mode === 'missing' && parts.at(-1) === shard)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      readFile(file).then(
        (body) => res.end(mode === 'truncated' && parts.at(-1) === shard ? body.subarray(0, body.length >> 1) : body),
        () => {
          res.statusCode = 404;
          res.end();
        },
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await rm(tmp, { recursive: true, force: true });
  });

  it('copies model.json and every weight file, byte for byte', async () => {
    const to = join(tmp, 'ok', 'darknet-tiny');
    const r = await smartmirror(['model', 'pull', `${base}/darknet-tiny/model.json`, '--to', to]);
    expect(r.code, r.stderr).toBe(0);
    const want = (await readdir(join(modelsDir, 'darknet-tiny'))).filter((f) => f.startsWith('group'));
    expect((await readdir(to)).sort()).toEqual([...want, 'model.json'].sort());
    for (const f of want) expect((await stat(join(to, f))).size).toBe((await stat(join(modelsDir, 'darknet-tiny', f))).size);
    const again = await smartmirror(['model', 'pull', `${base}/darknet-tiny/`, '--to', to]);
    expect(again.code).toBe(2);
  });

  it('pulls a folder preset by name from a base URL into the models dir', async () => {
    const dir = join(tmp, 'models');
    const r = await smartmirror(['model', 'pull', 'darknet-tiny', '--from', base, '--models-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse((await smartmirror(['model', 'list', '--json', '--models-dir', dir])).stdout) as { name: string; available: boolean }[];
    expect(list.find((x) => x.name === 'darknet-tiny')?.available).toBe(true);
  });

  for (const mode of ['missing', 'truncated'] as const) {
    it(`fails with exit 2, one line and nothing left behind when a shard is ${mode}`, async () => {
      const parent = join(tmp, mode);
      const r = await smartmirror(['model', 'pull', `${base}/${mode}/darknet-tiny/model.json`, '--to', join(parent, 'darknet-tiny')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('MODEL_WEIGHTS_MISMATCH')]);
      expect(existsSync(parent) ? await readdir(parent) : []).toEqual([]);
    });
  }
});
