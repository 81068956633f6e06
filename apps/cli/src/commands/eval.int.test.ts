import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smartmirror } from '../../test/run.ts';


const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const trainDir = join(dirname(repo), 'shared', 'datasets', 'grocery-store', 'train');
const present = existsSync(trainDir);
if (!present) console.warn(`eval: skipping the dataset test, ${trainDir} is absent`);

let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smartmirror-eval-'));
  env = { XDG_CACHE_HOME: join(tmp, 'cache') };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function oneLine(stderr: string): string[] {
  return stderr.trim().split('\n');
}

describe('smartmirror eval: bad input', () => {
  it('answers a missing dataset folder with exit 2 and one line', async () => {
    const r = await smartmirror(['eval', join(tmp, 'nope')], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('nope');
  });

  it('answers a folder without images with exit 2 and one line', async () => {
    await mkdir(join(tmp, 'empty', 'label'), { recursive: true });
    await writeFile(join(tmp, 'empty', 'label', 'notes.txt'), 'no images here');
    const r = await smartmirror(['eval', join(tmp, 'empty')], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
  });

  it('answers an unknown model with exit 2 and one line', async () => {
    await mkdir(join(tmp, 'one', 'a'), { recursive: true });
    await writeFile(join(tmp, 'one', 'a', 'x.jpg'), 'not a jpeg');
    const r = await smartmirror(['eval', join(tmp, 'one'), '--model', 'no-such-model'], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([expect.stringContaining('MODEL_NOT_FOUND')]);
  });

  it('answers a bad flag value with exit 2 and one line', async () => {
    const r = await smartmirror(['eval', join(tmp, 'one'), '--shots', '1,zero'], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([expect.stringContaining('--shots')]);
  });

  it('answers an unreadable image with exit 2 and one line naming it', async () => {
    const r = await smartmirror(['eval', join(tmp, 'one'), '--json'], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([expect.stringContaining('x.jpg')]);
    expect(r.stdout).toBe('');
  });
});

describe.skipIf(!present)('smartmirror eval on real photos', () => {
  it('prints one JSON report, and a rerun from the cache gives the same numbers', async () => {
    const ds = join(tmp, 'photos');
    for (const label of (await readdir(trainDir)).sort().slice(0, 3)) {
      await mkdir(join(ds, label), { recursive: true });
      for (const f of (await readdir(join(trainDir, label))).sort().slice(0, 4)) await copyFile(join(trainDir, label, f), join(ds, label, f));
    }
    const args = ['eval', ds, '--shots', '1,3', '--episodes', '3', '--seed', '7', '--open-set', '--known', '2', '--json'];
    const first = await smartmirror(args, env);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? '') as { model: string; dim: number; msPerImage: number; results: { shots: number; accuracy: number; ci95: number; episodes: number }[]; openSet: { auroc: number } };
    expect(report.model).toMatch(/^mobilenet-v2@/);
    expect(report.dim).toBeGreaterThan(0);
    expect(report.msPerImage).toBeGreaterThan(0);
    expect(report.results.map((r) => r.shots)).toEqual([1, 3]);
    for (const r of report.results) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(r.episodes).toBe(3);
    }
    expect(report.openSet.auroc).toBeGreaterThanOrEqual(0);
    expect(report.openSet.auroc).toBeLessThanOrEqual(1);
    const again = JSON.parse((await smartmirror(args, env)).stdout) as typeof report;
    expect(again.results).toEqual(report.results);
    expect(again.openSet).toEqual(report.openSet);
    // The default metric is the whitened one; --no-whiten scores the same episodes with cosine.
    const cosine = JSON.parse((await smartmirror([...args, '--no-whiten'], env)).stdout) as typeof report & { classifier: { whiten: boolean } };
    expect((report as typeof cosine).classifier.whiten).toBe(true);
    expect(cosine.classifier.whiten).toBe(false);
    expect(cosine.results.map((r) => r.shots)).toEqual([1, 3]);
  });
});
