import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, DEFAULT_K, DEFAULT_PRESET, defaultThreshold, SMOOTHER_DEFAULTS, type Classifier, type Embedder } from '@smartmirror/core';
import { decodeImage, loadNodeEmbedder } from '@smartmirror/node';
import { readFile } from 'node:fs/promises';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Repositories } from '../store/types.ts';
import { DEMO_PRODUCTS, matchDemoProduct } from './catalog.ts';
import { demoShowings, drawDemoProduct } from './draw.ts';
import { seedDemoCatalog } from './seed.ts';

// Does the demo work for a person trying it? The demo catalog is seeded into a real store with the
// default model, exactly as a first `npm start` does; then each drawn product is shown as a camera
// would see it held up on a phone or a printout in ways never taught (demoShowings: other
// backgrounds, framing, angle, light, focus, JPEG; 640×480 like the kiosk's camera) and judged by
// the kiosk's rule: k-NN over the stored examples with the preset's own unknown threshold, and a
// confidence the kiosk's smoother accepts before it names a product (SMOOTHER_DEFAULTS.enter).

const SHOWINGS = 8;
const DATASET = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'datasets', 'grocery-store', 'val');

const seedOf = (id: string): number => createHash('sha1').update(`shown:${id}`).digest().readUInt32LE(0);

describe('the seeded demo catalog, shown to the default model', () => {
  const root = mkdtempSync(join(tmpdir(), 'demo-recognition-'));
  let repos: Repositories;
  let embedder: Embedder;
  let classifier: Classifier;
  const threshold = defaultThreshold(DEFAULT_PRESET);

  beforeAll(async () => {
    repos = openSqliteStore(root);
    embedder = await loadNodeEmbedder(DEFAULT_PRESET);
    expect((await seedDemoCatalog({ repos, embedder })).seeded).toBe(true);
    classifier = createClassifier({ k: DEFAULT_K, threshold });
    for (const v of await repos.examples.vectors(embedder.info.id)) classifier.add(v);
  }, 600_000);

  afterAll(async () => {
    embedder?.dispose();
    await repos?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('names the products held up in ways it was not taught, and never names the wrong one', async () => {
    const results: { product: string; showing: number; label: string | null; similarity: number; confidence: number }[] = [];
    for (const product of DEMO_PRODUCTS) {
      const images = [];
      for (const v of demoShowings(SHOWINGS, seedOf(product.id))) images.push(await decodeImage(await drawDemoProduct(product, v, 640, 480)));
      for (const [showing, embedding] of (await embedder.embed(images)).entries()) {
        const p = classifier.predict(embedding);
        results.push({ product: product.name, showing, label: p.label, similarity: p.similarity, confidence: p.confidence });
      }
    }
    const named = results.filter((r) => r.label === r.product && r.confidence >= SMOOTHER_DEFAULTS.enter);
    // Nearest its own label and above the preset's unknown threshold (the label is null below it).
    const nearest = results.filter((r) => r.label === r.product);
    const missed = results.filter((r) => !named.includes(r)).map((r) => `${r.product} #${r.showing}: ${r.label ?? 'unknown'} (similarity ${r.similarity.toFixed(4)}, confidence ${r.confidence.toFixed(2)})`);
    console.info(
      `demo (${embedder.info.id}, threshold ${threshold}): ${nearest.length}/${results.length} showings nearest their own label above the threshold, ` +
        `${named.length}/${results.length} also with confidence ≥ ${SMOOTHER_DEFAULTS.enter}${missed.length ? `; not named: ${missed.join('; ')}` : ''}`,
    );
    // Wrong is worse than "I don't know": no showing is confidently another demo product.
    expect(results.filter((r) => r.label !== null && r.label !== r.product && r.confidence >= SMOOTHER_DEFAULTS.enter)).toEqual([]);
    // Every product is named in most of its showings, and nearly all showings are named at once.
    for (const product of DEMO_PRODUCTS) expect(named.filter((r) => r.product === product.name).length, product.name).toBeGreaterThanOrEqual(SHOWINGS * 0.75);
    expect(named.length / results.length).toBeGreaterThanOrEqual(0.9);
  }, 600_000);

  it.skipIf(!existsSync(DATASET))('rarely calls a real photo confidently a demo product it is not', async () => {
    // The first val/ photo of every grocery product (real photos, another shooting session than
    // any drawing). A real banana called "Bananas" would be fair; any other demo label is not.
    const folders = readdirSync(DATASET).sort();
    expect(folders.length).toBeGreaterThan(10);
    const accepted: string[] = [];
    for (const folder of folders) {
      const file = readdirSync(join(DATASET, folder)).filter((f) => f.endsWith('.jpg')).sort()[0] ?? '';
      const [embedding] = await embedder.embed([await decodeImage(await readFile(join(DATASET, folder, file)))]);
      if (!embedding) throw new Error('no embedding');
      const p = classifier.predict(embedding);
      const fair = matchDemoProduct(folder)?.name;
      if (p.label !== null && p.label !== fair && p.confidence >= SMOOTHER_DEFAULTS.enter) accepted.push(`${folder} → ${p.label} (${p.similarity.toFixed(4)})`);
    }
    console.info(`demo: ${accepted.length}/${folders.length} photos confidently called another demo product${accepted.length ? `: ${accepted.join('; ')}` : ''}`);
    // The default model's open-set rejection is weak on real products (README: most never-seen
    // products pass its threshold); the drawn demo labels must not add to that: at most 1 in 20.
    expect(accepted.length).toBeLessThanOrEqual(Math.floor(folders.length / 20));
  }, 600_000);
});

if (!existsSync(DATASET)) console.warn(`demo: ${DATASET} is absent; the open-set check of the demo labels is skipped.`);
