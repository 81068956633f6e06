import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, LabelName } from '@smartmirror/api';
import type { Embedder, RawImage } from '@smartmirror/core';
import { decodeImage, embedFiles, listDataset, type EmbeddingCache } from '@smartmirror/node';
import type { Clock } from '../deps.ts';
import type { NewExample, Repositories, StoreDump } from '../store/types.ts';
import { thumbnailFromPixels } from '../thumbnails.ts';
import { DEMO_PRODUCTS, recommendationsForLabel, type DemoProduct } from './catalog.ts';
import { demoVariants, drawDemoPixels, drawDemoProduct } from './draw.ts';

/** Examples taught per demo product from its drawings. */
export const DEFAULT_DEMO_VARIANTS = 24;

/** Images taught per label by `seedFromDataset`. */
export const DEFAULT_PER_LABEL = 10;

/** What seeding needs: the store, and the embedder whose space the examples belong to. */
export interface DemoSeedDeps {
  repos: Pick<Repositories, 'products' | 'examples' | 'transfer'>;
  /** Embeds the drawings; without it only products and recommendations are written. */
  embedder?: Embedder;
  /** Default: the system clock. */
  clock?: Clock;
}

/** What a seed wrote. */
export interface DemoSeedResult {
  /** False when the store already had content and nothing was written. */
  seeded: boolean;
  products: number;
  labels: number;
  examples: number;
}

const systemClock: Clock = { now: () => new Date() };

function demoDump(at: string, images: Map<string, Uint8Array>, examples: NewExample[]): StoreDump {
  return {
    labels: DEMO_PRODUCTS.map((p) => ({ name: p.name, createdAt: at })),
    products: DEMO_PRODUCTS.map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      price: p.price,
      tags: [...p.tags, 'demo'],
      imageType: 'image/png',
      imageVersion: 1,
      image: images.get(p.id) ?? null,
      createdAt: at,
      updatedAt: at,
    })),
    // Each drawn product is its own label: recognising it recommends its related products.
    recommendations: DEMO_PRODUCTS.map((p) => ({ label: p.name, productIds: [...p.recommends] })),
    examples,
  };
}

async function embedDrawings(product: DemoProduct, embedder: Embedder, variants: number, at: string): Promise<NewExample[]> {
  const pixels: RawImage[] = [];
  for (const v of demoVariants(variants, hashSeed(product.id))) pixels.push(await drawDemoPixels(product, v, embedder.info.inputSize));
  const vectors = await embedder.embed(pixels);
  const out: NewExample[] = [];
  for (const [i, embedding] of vectors.entries()) {
    const img = pixels[i];
    out.push({
      id: `${product.id}-${i}`,
      label: product.name,
      modelId: embedder.info.id,
      embedding,
      thumbnail: img ? await thumbnailFromPixels(img) : null,
      source: 'import',
      createdAt: at,
    });
  }
  return out;
}

function hashSeed(s: string): number {
  return createHash('sha1').update(s).digest().readUInt32LE(0);
}

/**
 * Seeds a fresh store with the demo catalog (11 drawn products with prices, tags and
 * recommendations) and, with an embedder, `variants` taught examples per product. Does nothing
 * when the store already holds products or labels, so it is safe on every start. Everything is
 * embedded first and written in one transaction: a failure leaves the store empty.
 */
export async function seedDemoCatalog(deps: DemoSeedDeps, options: { variants?: number } = {}): Promise<DemoSeedResult> {
  const none: DemoSeedResult = { seeded: false, products: 0, labels: 0, examples: 0 };
  const [products, labels] = await Promise.all([deps.repos.products.list(), deps.repos.examples.labels(deps.embedder?.info.id ?? '')]);
  if (products.length > 0 || labels.length > 0) return none;
  const at = (deps.clock ?? systemClock).now().toISOString();
  const images = new Map<string, Uint8Array>();
  for (const p of DEMO_PRODUCTS) images.set(p.id, await drawDemoProduct(p));
  const examples: NewExample[] = [];
  if (deps.embedder) {
    const variants = Math.max(1, options.variants ?? DEFAULT_DEMO_VARIANTS);
    for (const p of DEMO_PRODUCTS) examples.push(...(await embedDrawings(p, deps.embedder, variants, at)));
  }
  await deps.repos.transfer.load(demoDump(at, images, examples), 'merge');
  return { seeded: true, products: DEMO_PRODUCTS.length, labels: DEMO_PRODUCTS.length, examples: examples.length };
}

/** What seeding from a dataset needs. */
export interface DatasetSeedDeps {
  repos: Pick<Repositories, 'products' | 'examples' | 'transfer'>;
  embedder: Embedder;
  clock?: Clock;
  /** Reuses embeddings of files embedded before with the same model. */
  cache?: EmbeddingCache;
  /** Called after each label is embedded (for progress output). */
  onLabel?: (label: string, examples: number) => void;
}

/** What `seedFromDataset` wrote. */
export interface DatasetSeedResult {
  labels: number;
  examples: number;
}

/** A dataset folder name as a label: "Oatly-Oat-Milk" → "Oatly Oat Milk". */
export function labelFromFolder(folder: string): string {
  return folder.replace(/[-_]+/g, ' ').trim();
}

/**
 * Teaches labels from a dataset folder (one sub-folder per label; the first `perLabel` images
 * of each, by file name) and gives each label the recommendations of the demo product it names
 * (see recommendationsForLabel), adding the demo products when they are missing. Example ids
 * derive from the file path, so seeding twice replaces rather than duplicates. Everything is
 * embedded first and written in one transaction: an unreadable image (INVALID_IMAGE) or a bad
 * folder (BAD_REQUEST) leaves the store untouched.
 */
export async function seedFromDataset(deps: DatasetSeedDeps, dir: string, options: { perLabel?: number } = {}): Promise<DatasetSeedResult> {
  const perLabel = options.perLabel ?? DEFAULT_PER_LABEL;
  if (!Number.isInteger(perLabel) || perLabel < 1) throw new AppError('BAD_REQUEST', `--per-label must be a whole number ≥ 1 (got ${perLabel}).`);
  const dataset = await listDataset(dir);
  const at = (deps.clock ?? systemClock).now().toISOString();
  const examples: NewExample[] = [];
  for (const folder of dataset.labels) {
    const label = labelFromFolder(folder);
    const ok = LabelName.safeParse(label);
    if (!ok.success) throw new AppError('BAD_REQUEST', `Folder "${folder}" is not a valid label name (1–80 characters).`);
    const files = dataset.items.filter((i) => i.label === folder).slice(0, perLabel).map((i) => i.path);
    const { embeddings } = await embedFiles(deps.embedder, files, deps.cache ? { cache: deps.cache } : {});
    for (const [i, embedding] of embeddings.entries()) {
      const file = files[i] ?? '';
      examples.push({
        id: `ds-${createHash('sha1').update(`${folder}/${basename(file)}`).digest('hex').slice(0, 24)}`,
        label,
        modelId: deps.embedder.info.id,
        embedding,
        thumbnail: await thumbnailFromPixels(await decodeImage(await readFile(file))),
        source: 'import',
        createdAt: at,
      });
    }
    deps.onLabel?.(label, embeddings.length);
  }
  const existing = new Set((await deps.repos.products.list()).map((p) => p.id));
  const images = new Map<string, Uint8Array>();
  for (const p of DEMO_PRODUCTS) if (!existing.has(p.id)) images.set(p.id, await drawDemoProduct(p));
  const taught = [...new Set(examples.map((e) => e.label))];
  await deps.repos.transfer.load(
    {
      labels: taught.map((name) => ({ name, createdAt: at })),
      products: demoDump(at, images, []).products.filter((p) => !existing.has(p.id)),
      recommendations: taught.map((label) => ({ label, productIds: recommendationsForLabel(label) })),
      examples,
    },
    'merge',
  );
  return { labels: taught.length, examples: examples.length };
}
