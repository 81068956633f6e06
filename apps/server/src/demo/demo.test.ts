import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LabelName, ProductInput } from '@smartmirror/api';
import type { Embedder, RawImage } from '@smartmirror/core';
import type { ProductRecord, StoreDump } from '../store/types.ts';
import { DEMO_FEATURED, DEMO_PRODUCTS, matchDemoProduct, recommendationsForLabel } from './catalog.ts';
import { DEMO_IMAGE_SIZE, demoShowings, demoVariants, drawDemoPixels, drawDemoProduct, SHOW_BACKGROUNDS, TEACH_BACKGROUNDS } from './draw.ts';
import { seedDemoCatalog, type DemoSeedDeps } from './seed.ts';

describe('demo catalog', () => {
  it('has unique ids and names that are valid products and labels', () => {
    expect(new Set(DEMO_PRODUCTS.map((p) => p.id)).size).toBe(DEMO_PRODUCTS.length);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.name)).size).toBe(DEMO_PRODUCTS.length);
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(8);
    for (const p of DEMO_PRODUCTS) {
      expect(ProductInput.safeParse({ id: p.id, name: p.name, description: p.description, price: p.price, tags: p.tags }).success).toBe(true);
      expect(LabelName.safeParse(p.name).success).toBe(true);
    }
  });

  it('recommends only other products of the catalog', () => {
    const ids = new Set(DEMO_PRODUCTS.map((p) => p.id));
    for (const p of DEMO_PRODUCTS) {
      expect(p.recommends.length).toBeGreaterThan(0);
      for (const r of p.recommends) {
        expect(ids.has(r)).toBe(true);
        expect(r).not.toBe(p.id);
      }
    }
    for (const id of DEMO_FEATURED) expect(ids.has(id)).toBe(true);
  });

  it('maps dataset folder names to the product they name', () => {
    expect(matchDemoProduct('Bravo-Orange-Juice')?.id).toBe('demo-orange-juice');
    expect(matchDemoProduct('Orange')?.id).toBe('demo-orange');
    expect(matchDemoProduct('Oatly-Oat-Milk')?.id).toBe('demo-oat-milk');
    expect(matchDemoProduct('Alpro-Blueberry-Soyghurt')?.id).toBe('demo-yoghurt');
    expect(matchDemoProduct('Granny-Smith')?.id).toBe('demo-apple');
    expect(matchDemoProduct('Quux')).toBeNull();
    expect(recommendationsForLabel('Quux')).toEqual([...DEMO_FEATURED]);
    const recs = recommendationsForLabel('Banana');
    expect(recs[0]).toBe('demo-banana');
    expect(new Set(recs).size).toBe(recs.length);
  });
});

function meanAbsDiff(a: RawImage, b: RawImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
  return sum / a.data.length;
}

describe('demo drawings', () => {
  it('renders each product as a 480-px PNG, the same bytes every time', async () => {
    const first = DEMO_PRODUCTS[0];
    if (!first) throw new Error('empty catalog');
    const png = await drawDemoProduct(first);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([DEMO_IMAGE_SIZE, DEMO_IMAGE_SIZE]);
    expect(Buffer.from(await drawDemoProduct(first)).equals(Buffer.from(png))).toBe(true);
  });

  it('draws products that look different from each other', async () => {
    const pixels = await Promise.all(DEMO_PRODUCTS.map((p) => drawDemoPixels(p, {}, 64)));
    for (let i = 0; i < pixels.length; i++)
      for (let j = i + 1; j < pixels.length; j++) expect(meanAbsDiff(pixels[i]!, pixels[j]!)).toBeGreaterThan(5);
  });

  it('makes deterministic variants, the first being the catalog picture', async () => {
    const v = demoVariants(5, 42);
    expect(v).toHaveLength(5);
    expect(v[0]).toEqual({});
    expect(demoVariants(5, 42)).toEqual(v);
    const p = DEMO_PRODUCTS[1]!;
    const base = await drawDemoPixels(p, {}, 64);
    const moved = await drawDemoPixels(p, v[1] ?? {}, 64);
    expect(moved.width).toBe(64);
    expect(moved.channels).toBe(3);
    expect(meanAbsDiff(base, moved)).toBeGreaterThan(1);
  });

  it('gives every product its own background pattern and colours', () => {
    expect(new Set(DEMO_PRODUCTS.map((p) => p.pattern.kind)).size).toBe(DEMO_PRODUCTS.length);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.pattern.colours.join())).size).toBe(DEMO_PRODUCTS.length);
  });

  it('checks recognition on showings that are never taught: other backgrounds, deterministic', async () => {
    const shown = demoShowings(12, 7);
    expect(demoShowings(12, 7)).toEqual(shown);
    for (const bg of SHOW_BACKGROUNDS) expect(TEACH_BACKGROUNDS).not.toContain(bg);
    for (const v of shown) {
      expect(SHOW_BACKGROUNDS).toContain(v.background);
      expect(v.scale).toBeGreaterThanOrEqual(0.7);
    }
    // A camera-sized frame (4:3) with the picture held up in it.
    const png = await drawDemoProduct(DEMO_PRODUCTS[3]!, shown[0], 640, 480);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([640, 480]);
  });
});

// An in-memory stand-in for the three repositories the seed uses.
function fakeRepos(initial: { products?: number; labels?: string[] } = {}) {
  const loads: StoreDump[] = [];
  const repos = {
    products: { list: () => Promise.resolve(Array.from({ length: initial.products ?? 0 }, (_, i) => ({ id: `p${i}` }) as ProductRecord)) },
    examples: {
      labels: () => Promise.resolve((initial.labels ?? []).map((label) => ({ label, examples: 1, otherModelExamples: 0, thumbnailIds: [], updatedAt: null, recommendations: 0 }))),
    },
    transfer: {
      load: (dump: StoreDump) => {
        loads.push(dump);
        return Promise.resolve();
      },
    },
  } as unknown as DemoSeedDeps['repos'];
  return { repos, loads };
}

// Mean colour as a 3-d "embedding": enough to tell that each drawing went through embed().
function stubEmbedder(fail = false): Embedder & { calls: number } {
  const e = {
    calls: 0,
    info: { id: 'stub@1', inputSize: 32, inputRange: [0, 1] as const, cutLayers: ['x'], dim: 3 },
    embed: (images: readonly RawImage[]) => {
      e.calls++;
      if (fail) return Promise.reject(new Error('out of memory'));
      return Promise.resolve(images.map((img) => {
        const v = new Float32Array(3);
        for (let i = 0; i < img.data.length; i++) v[i % 3]! += img.data[i] ?? 0;
        const n = Math.hypot(...v);
        return v.map((x) => x / n);
      }));
    },
    dispose: () => undefined,
  };
  return e;
}

describe('seedDemoCatalog', () => {
  const clock = { now: () => new Date('2026-01-02T03:04:05Z') };

  it('writes products with images, recommendations per label and embedded drawings in one load', async () => {
    const { repos, loads } = fakeRepos();
    const embedder = stubEmbedder();
    const r = await seedDemoCatalog({ repos, embedder, clock }, { variants: 2 });
    expect(r).toEqual({ seeded: true, products: DEMO_PRODUCTS.length, labels: DEMO_PRODUCTS.length, examples: DEMO_PRODUCTS.length * 2 });
    expect(loads).toHaveLength(1);
    const dump = loads[0]!;
    expect(dump.products.map((p) => p.id)).toEqual(DEMO_PRODUCTS.map((p) => p.id));
    for (const p of dump.products) {
      expect(p.imageType).toBe('image/png');
      expect(p.image?.length).toBeGreaterThan(1000);
      expect(p.createdAt).toBe('2026-01-02T03:04:05.000Z');
    }
    expect(dump.recommendations.find((r) => r.label === 'Bananas')?.productIds).toEqual(DEMO_PRODUCTS[0]?.recommends);
    for (const e of dump.examples) {
      expect(e.modelId).toBe('stub@1');
      expect(e.embedding).toHaveLength(3);
      expect(e.thumbnail?.length).toBeGreaterThan(100);
      expect(DEMO_PRODUCTS.map((p) => p.name)).toContain(e.label);
    }
    expect(new Set(dump.examples.map((e) => e.id)).size).toBe(dump.examples.length);
  });

  it('leaves a store that already has products or labels alone', async () => {
    for (const initial of [{ products: 1 }, { labels: ['Mine'] }]) {
      const { repos, loads } = fakeRepos(initial);
      const embedder = stubEmbedder();
      expect((await seedDemoCatalog({ repos, embedder, clock })).seeded).toBe(false);
      expect(loads).toHaveLength(0);
      expect(embedder.calls).toBe(0);
    }
  });

  it('writes nothing when embedding fails', async () => {
    const { repos, loads } = fakeRepos();
    await expect(seedDemoCatalog({ repos, embedder: stubEmbedder(true), clock })).rejects.toThrow('out of memory');
    expect(loads).toHaveLength(0);
  });

  it('seeds products and recommendations without examples when there is no embedder', async () => {
    const { repos, loads } = fakeRepos();
    const r = await seedDemoCatalog({ repos, clock });
    expect(r.examples).toBe(0);
    expect(loads[0]?.examples).toEqual([]);
    expect(loads[0]?.products).toHaveLength(DEMO_PRODUCTS.length);
  });
});
