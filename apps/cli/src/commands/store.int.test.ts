import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../../server/test/tiny-model.ts';

const bin = fileURLToPath(new URL('../../bin/smartmirror.js', import.meta.url));
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('store commands of the real binary (train, classify, labels, export, import, token)', () => {
  const root = mkdtempSync(join(tmpdir(), 'smartmirror-cli-'));
  const data = join(root, 'data');
  const model = writeTinyModel(join(root, 'tiny'));
  const photos = join(root, 'photos');
  const sm = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> => {
    const full = [bin, ...args];
    // Every store command takes --data/--model; token only --data.
    if (args[0] !== 'token') full.push('--model', model);
    if (!args.includes('--data')) full.push('--data', data);
    try {
      const { stdout, stderr } = await run(process.execPath, full, { env: { ...process.env, SMARTMIRROR_DEMO: 'false', ...env } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const solid = (rgb: [number, number, number]): Promise<Buffer> =>
    sharp({ create: { width: 80, height: 60, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).jpeg().toBuffer();

  beforeAll(async () => {
    mkdirSync(join(photos, 'red'), { recursive: true });
    writeFileSync(join(photos, 'red', 'a.jpg'), await solid([220, 20, 20]));
    writeFileSync(join(photos, 'red', 'b.jpg'), await solid([200, 40, 30]));
    writeFileSync(join(photos, 'red', 'notes.txt'), 'ignored: not an image extension');
    writeFileSync(join(photos, 'green.jpg'), await solid([20, 200, 30]));
    writeFileSync(join(photos, 'query.jpg'), await solid([210, 30, 25]));
    writeFileSync(join(photos, 'fake.jpg'), 'just text with a .jpg name');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains from a folder and a file, lists labels, classifies', async () => {
    const red = await sm(['train', 'Red apple', join(photos, 'red')]);
    expect(red.code, red.stderr).toBe(0);
    expect(red.stdout).toContain('taught 2 example(s) to "Red apple"');
    expect(red.stderr).toMatch(/\[#+\] 2\/2 Red apple/);
    expect((await sm(['train', 'Green pear', join(photos, 'green.jpg')])).code).toBe(0);
    const labels = await sm(['labels', '--json']);
    const parsed = JSON.parse(labels.stdout) as { labels: { label: string; examples: number }[] };
    expect(parsed.labels.map((l) => [l.label, l.examples])).toEqual([
      ['Green pear', 1],
      ['Red apple', 2],
    ]);
    const c = await sm(['classify', join(photos, 'query.jpg'), '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ label: 'Red apple', unknown: false });
    expect((await sm(['classify', join(photos, 'query.jpg')])).stdout).toMatch(/^Red apple \(confidence/);
  });

  it('refuses bad input with one line and exit 2, leaving the store unchanged', async () => {
    const before = (await sm(['labels', '--json'])).stdout;
    for (const args of [
      ['train', 'Red apple', join(photos, 'red'), join(photos, 'fake.jpg')],
      ['train', '', join(photos, 'missing-folder')],
      ['import', join(photos, 'green.jpg')],
    ]) {
      const r = await sm(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('smartmirror:'))).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await sm(['labels', '--json'])).stdout).toBe(before);
    const badConfig = await sm(['labels'], { SMARTMIRROR_THRESHOLD: 'high' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('SMARTMIRROR_THRESHOLD');
  });

  it('exports to a file and imports into another data folder with the same answers', async () => {
    const file = join(root, 'mirror.smb');
    const exp = await sm(['export', file]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(100);
    const other = join(root, 'other');
    const imp = await sm(['import', file, '--replace', '--data', other]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('3 examples');
    const a = JSON.parse((await sm(['classify', join(photos, 'query.jpg'), '--json'])).stdout) as { label: string; similarity: number };
    const b = JSON.parse((await sm(['classify', join(photos, 'query.jpg'), '--json', '--data', other])).stdout) as { label: string; similarity: number };
    expect(b.label).toBe(a.label);
    expect(b.similarity).toBeCloseTo(a.similarity, 5);
    const tampered = readFileSync(file);
    tampered[50] = (tampered[50] ?? 0) ^ 0xff;
    writeFileSync(file, tampered);
    const bad = await sm(['import', file, '--data', other]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BUNDLE_CHECKSUM_MISMATCH|INVALID_BUNDLE/);
  });

  it('prints, creates and rotates tokens in the data folder (mode 0600)', async () => {
    const first = await sm(['token']);
    expect(first.code).toBe(0);
    const token = first.stdout.trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(data, 'admin.token')).mode & 0o777).toBe(0o600);
    const rotated = (await sm(['token', '--rotate'])).stdout.trim();
    expect(rotated).not.toBe(token);
    expect(readFileSync(join(data, 'admin.token'), 'utf8').trim()).toBe(rotated);
    const kiosk = (await sm(['token', '--kiosk'])).stdout.trim();
    expect(kiosk).not.toBe(rotated);
  });
});
