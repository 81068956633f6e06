import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Embedder, RawImage } from '@smartmirror/core';
import { openSqliteStore } from '../store/sqlite.ts';
import { DEMO_PRODUCTS, recommendationsForLabel } from './catalog.ts';
import { drawDemoProduct } from './draw.ts';
import { seedDemoCatalog, seedFromDataset } from './seed.ts';

// Real SQLite and real image files; a stub embedder (mean colour) keeps it fast: the real
// model's behaviour on the drawings is covered by recognition.int.test.ts.
const embedder: Embedder = {
  info: { id: 'stub@1', inputSize: 32, inputRange: [0, 1], cutLayers: ['x'], dim: 3 },
  embed: (images: readonly RawImage[]) =>
    Promise.resolve(
      images.map((img) => {
        const v = new Float32Array(3);
        for (let i = 0; i < img.data.length; i++) v[i % 3]! += img.data[i] ?? 0;
        const n = Math.hypot(...v) || 1;
        return v.map((x) => x / n);
      }),
    ),
  dispose: () => undefined,
};

describe('demo seeding into a real store', () => {
  const root = mkdtempSync(join(tmpdir(), 'ship-seed-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function dataset(name: string, folders: Record<string, number>): Promise<string> {
    const dir = join(root, name);
    let k = 0;
    for (const [folder, n] of Object.entries(folders)) {
      mkdirSync(join(dir, folder), { recursive: true });
      for (let i = 0; i < n; i++) writeFileSync(join(dir, folder, `img-${i}.png`), await drawDemoProduct(DEMO_PRODUCTS[k++ % DEMO_PRODUCTS.length]!));
    }
    return dir;
  }

  it('teaches one label per folder with demo recommendations, and re-seeding replaces instead of duplicating', async () => {
    const dir = await dataset('ds', { 'Oatly-Oat-Milk': 3, 'Bravo-Orange-Juice': 2, Quux: 1 });
    const repos = openSqliteStore(join(root, 'store-ds'));
    try {
      const first = await seedFromDataset({ repos, embedder }, dir, { perLabel: 2 });
      expect(first).toEqual({ labels: 3, examples: 5 });
      const labels = await repos.examples.labels('stub@1');
      expect(labels.map((l) => [l.label, l.examples])).toEqual([
        ['Bravo Orange Juice', 2],
        ['Oatly Oat Milk', 2],
        ['Quux', 1],
      ]);
      expect(await repos.recommendations.get('Oatly Oat Milk')).toEqual(recommendationsForLabel('Oatly Oat Milk'));
      expect(await repos.recommendations.get('Quux')).toEqual(recommendationsForLabel('Quux'));
      expect((await repos.products.list()).length).toBe(DEMO_PRODUCTS.length);
      expect((await repos.products.image('demo-oat-milk'))?.type).toBe('image/png');

      await seedFromDataset({ repos, embedder }, dir, { perLabel: 2 });
      expect(await repos.examples.count('stub@1')).toBe(5);
    } finally {
      await repos.close();
    }
  });

  it('writes nothing when an image cannot be decoded, or the folder is not a dataset', async () => {
    const dir = await dataset('broken', { Good: 2, Bad: 1 });
    writeFileSync(join(dir, 'Bad', 'img-0.png'), 'not a png');
    const repos = openSqliteStore(join(root, 'store-broken'));
    try {
      await expect(seedFromDataset({ repos, embedder }, dir)).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
      await expect(seedFromDataset({ repos, embedder }, join(root, 'missing'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(seedFromDataset({ repos, embedder }, dir, { perLabel: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      expect(await repos.examples.labels('stub@1')).toEqual([]);
      expect(await repos.products.list()).toEqual([]);
    } finally {
      await repos.close();
    }
  });

  it('seeds the demo catalog once into a fresh store', async () => {
    const repos = openSqliteStore(join(root, 'store-demo'));
    try {
      expect((await seedDemoCatalog({ repos, embedder }, { variants: 2 })).seeded).toBe(true);
      expect(await repos.examples.count('stub@1')).toBe(DEMO_PRODUCTS.length * 2);
      expect(await repos.recommendations.get('Bananas')).toEqual(DEMO_PRODUCTS[0]?.recommends);
      expect((await seedDemoCatalog({ repos, embedder })).seeded).toBe(false);
      expect(await repos.examples.count('stub@1')).toBe(DEMO_PRODUCTS.length * 2);
    } finally {
      await repos.close();
    }
  });
});
