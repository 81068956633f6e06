import { z } from 'zod';
import { AppError, ExampleSource, Id, LabelName, ModelId, type ImportResponse } from '@smartmirror/api';
import { decodeContainer, encodeContainer } from '@smartmirror/core';
import { sniffImageType } from '@smartmirror/node';
import type { Clock } from '../deps.ts';
import type { EventHub } from '../sse.ts';
import type { Repositories, StoreDump } from '../store/types.ts';

/** Container kind of a whole-store export. */
export const EXPORT_KIND = 'smartmirror.export';
/** Layout version of the export written by this build. */
export const EXPORT_VERSION = 1;

/** Whole-store export and import through the core's checksummed container. */
export interface TransferService {
  exportBundle(): Promise<Uint8Array>;
  /** Validates the whole bundle, then writes it in one transaction; nothing is written when invalid. */
  importBundle(bytes: Uint8Array, mode: 'merge' | 'replace'): Promise<ImportResponse>;
}

// A slice of a binary section: [offset, length] in bytes.
const Slice = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

const ExportHeader = z.object({
  exportedAt: z.string(),
  labels: z.array(z.object({ name: LabelName, createdAt: z.string().max(40) })).max(100_000),
  examples: z
    .array(
      z.object({
        id: Id,
        label: LabelName,
        modelId: ModelId,
        dim: z.number().int().min(1).max(8192),
        source: ExampleSource,
        createdAt: z.string().max(40),
        thumbnail: Slice.nullable(),
      }),
    )
    .max(1_000_000),
  products: z
    .array(
      z.object({
        id: Id,
        name: z.string().min(1).max(200),
        description: z.string().max(5000),
        price: z.number().nonnegative().nullable(),
        tags: z.array(z.string().min(1).max(50)).max(30),
        createdAt: z.string().max(40),
        updatedAt: z.string().max(40),
        image: Slice.nullable(),
      }),
    )
    .max(100_000),
  recommendations: z.array(z.object({ label: LabelName, productIds: z.array(Id).max(50) })).max(100_000),
});
type ExportHeader = z.infer<typeof ExportHeader>;

const IMAGE_MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' } as const;

/** Concatenates byte chunks, returning the slices they occupy. */
function pack(chunks: readonly (Uint8Array | null)[]): { bytes: Uint8Array; slices: ([number, number] | null)[] } {
  const total = chunks.reduce((n, c) => n + (c?.byteLength ?? 0), 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  const slices = chunks.map((c) => {
    if (c === null) return null;
    bytes.set(c, off);
    const s: [number, number] = [off, c.byteLength];
    off += c.byteLength;
    return s;
  });
  return { bytes, slices };
}

/** Creates the transfer service. */
export function createTransferService(deps: { repos: Repositories; clock: Clock; events: EventHub; afterImport: () => Promise<void> }): TransferService {
  const { repos, clock, events } = deps;
  return {
    async exportBundle() {
      const d = await repos.transfer.dump();
      const thumbs = pack(d.examples.map((e) => e.thumbnail));
      const images = pack(d.products.map((p) => p.image));
      const dims = d.examples.reduce((n, e) => n + e.embedding.length, 0);
      const vectors = new Uint8Array(dims * 4);
      const view = new DataView(vectors.buffer);
      let off = 0;
      for (const e of d.examples) {
        for (const x of e.embedding) {
          view.setFloat32(off, x, true);
          off += 4;
        }
      }
      const header: ExportHeader = {
        exportedAt: clock.now().toISOString(),
        labels: d.labels,
        examples: d.examples.map((e, i) => ({
          id: e.id,
          label: e.label,
          modelId: e.modelId,
          dim: e.embedding.length,
          source: e.source,
          createdAt: e.createdAt,
          thumbnail: thumbs.slices[i] ?? null,
        })),
        products: d.products.map((p, i) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          price: p.price,
          tags: p.tags,
          createdAt: p.createdAt,
          updatedAt: p.updatedAt,
          image: images.slices[i] ?? null,
        })),
        recommendations: d.recommendations,
      };
      return encodeContainer({
        kind: EXPORT_KIND,
        version: EXPORT_VERSION,
        header: header,
        sections: [
          { name: 'vectors', bytes: vectors },
          { name: 'thumbnails', bytes: thumbs.bytes },
          { name: 'images', bytes: images.bytes },
        ],
      });
    },

    async importBundle(bytes, mode) {
      const dump = validate(bytes, mode === 'merge' ? new Set((await repos.products.list()).map((p) => p.id)) : new Set());
      await repos.transfer.load(dump, mode);
      await deps.afterImport();
      for (const l of new Set([...dump.labels.map((x) => x.name), ...dump.examples.map((e) => e.label)])) {
        events.send('label.changed', { label: l, action: mode === 'replace' ? 'cleared' : 'created' });
      }
      events.send('catalog.changed', { productIds: dump.products.map((p) => p.id) });
      return {
        mode,
        labels: new Set([...dump.labels.map((x) => x.name), ...dump.examples.map((e) => e.label)]).size,
        examples: dump.examples.length,
        products: dump.products.length,
        recommendations: dump.recommendations.length,
      };
    },
  };
}

/** Decodes and checks every part of a bundle; returns the dump to write. Throws INVALID_BUNDLE. */
function validate(bytes: Uint8Array, existingProducts: ReadonlySet<string>): StoreDump {
  const invalid = (msg: string): never => {
    throw new AppError('INVALID_BUNDLE', `invalid bundle: ${msg}`);
  };
  const c = decodeContainer(bytes);
  if (c.kind !== EXPORT_KIND) invalid(`it holds "${c.kind}", not a smartmirror export`);
  if (c.version > EXPORT_VERSION) {
    throw new AppError('BUNDLE_VERSION_UNSUPPORTED', `export version ${c.version} is newer than this build reads (${EXPORT_VERSION})`);
  }
  const parsed = ExportHeader.safeParse(c.header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`${issue?.path.join('.') ?? 'header'}: ${issue?.message ?? 'invalid'}`);
  }
  const h = parsed.data;
  const section = (name: string): Uint8Array => c.sections.find((s) => s.name === name)?.bytes ?? invalid(`section ${name} is missing`);
  const vectors = section('vectors');
  const thumbs = section('thumbnails');
  const images = section('images');
  const slice = (from: Uint8Array, s: [number, number] | null, what: string): Uint8Array | null => {
    if (s === null) return null;
    const [off, len] = s;
    if (off + len > from.byteLength) invalid(`${what} lies outside its section`);
    return from.slice(off, off + len);
  };
  const unique = (ids: string[], what: string): void => {
    if (new Set(ids).size !== ids.length) invalid(`duplicate ${what} id`);
  };
  unique(h.examples.map((e) => e.id), 'example');
  unique(h.products.map((p) => p.id), 'product');
  unique(h.recommendations.map((r) => r.label), 'recommendation label');

  const vview = new DataView(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  const needed = h.examples.reduce((n, e) => n + e.dim * 4, 0);
  if (needed !== vectors.byteLength) invalid(`vectors hold ${vectors.byteLength} bytes, the examples need ${needed}`);
  let off = 0;
  const examples = h.examples.map((e) => {
    const v = new Float32Array(e.dim);
    let sq = 0;
    for (let i = 0; i < e.dim; i++, off += 4) {
      const x = vview.getFloat32(off, true);
      if (!Number.isFinite(x)) invalid(`example ${e.id} has a non-finite value`);
      v[i] = x;
      sq += x * x;
    }
    if (Math.abs(Math.sqrt(sq) - 1) > 1e-3) invalid(`example ${e.id} is not a unit vector`);
    const thumbnail = slice(thumbs, e.thumbnail, `thumbnail of ${e.id}`);
    if (thumbnail && sniffImageType(thumbnail) !== 'jpeg') invalid(`thumbnail of ${e.id} is not a JPEG`);
    return { id: e.id, label: e.label, modelId: e.modelId, embedding: v, thumbnail, source: 'import' as const, createdAt: e.createdAt };
  });
  const products = h.products.map((p) => {
    const image = slice(images, p.image, `image of ${p.id}`);
    const type = image ? sniffImageType(image) : null;
    if (image && type === null) invalid(`image of product ${p.id} is not an image`);
    return { ...p, image, imageType: type ? IMAGE_MIME[type] : null, imageVersion: 1 };
  });
  const known = new Set([...existingProducts, ...products.map((p) => p.id)]);
  for (const r of h.recommendations) {
    for (const id of r.productIds) if (!known.has(id)) invalid(`recommendations of "${r.label}" name unknown product ${id}`);
    if (new Set(r.productIds).size !== r.productIds.length) invalid(`recommendations of "${r.label}" repeat a product`);
  }
  return { labels: h.labels, examples, products, recommendations: h.recommendations };
}
