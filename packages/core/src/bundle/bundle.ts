import { AppError } from '@smartmirror/api';
import type { ClassifierSnapshot } from '../types.ts';
import { decodeContainer, encodeContainer } from './container.ts';
import type { JsonValue } from './container.ts';

/** Container kind of a classifier examples bundle. */
export const BUNDLE_KIND = 'smartmirror.examples';
/** Layout version of the examples bundle written by this build. */
export const BUNDLE_VERSION = 1;

/** Free metadata carried with a bundle; `modelId` names the embedding space of the vectors. */
export interface BundleMeta {
  modelId?: string;
  [key: string]: JsonValue | undefined;
}

/** A decoded examples bundle. */
export interface DecodedBundle {
  snapshot: ClassifierSnapshot;
  meta: BundleMeta;
}

// Typed arrays use the host's byte order; the bundle is little-endian on the wire. Every
// supported host (x86, ARM Linux, browsers on them) is little-endian, but stay correct anyway.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Encodes a classifier snapshot (+ metadata) as a checksummed bundle: JSON header with dim,
 * count, labels (distinct, sorted), per-row label index and ids, then one section `vectors` of
 * count × dim float32 little-endian.
 */
export function encodeBundle(snapshot: ClassifierSnapshot, meta: BundleMeta = {}): Uint8Array {
  const { dim, ids, labels, vectors } = snapshot;
  const count = ids.length;
  if (labels.length !== count || vectors.length !== count * dim) {
    throw new AppError('VALIDATION_FAILED', `snapshot is inconsistent: ${count} ids, ${labels.length} labels, ${vectors.length} values of dim ${dim}`);
  }
  const distinct = [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((l, i) => [l, i]));
  const rowLabels = labels.map((l) => index.get(l) ?? 0);
  const header: { [key: string]: JsonValue } = { dim, count, labels: distinct, rowLabels, ids };
  const cleanMeta: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(meta)) if (value !== undefined) cleanMeta[key] = value;
  header.meta = cleanMeta;
  return encodeContainer({ kind: BUNDLE_KIND, version: BUNDLE_VERSION, header, sections: [{ name: 'vectors', bytes: float32Bytes(vectors) }] });
}

/** Decodes and validates a bundle made by encodeBundle; throws AppError (INVALID_BUNDLE, …). */
export function decodeBundle(bytes: Uint8Array): DecodedBundle {
  const c = decodeContainer(bytes);
  const invalid = (msg: string): never => {
    throw new AppError('INVALID_BUNDLE', `invalid bundle: ${msg}`);
  };
  if (c.kind !== BUNDLE_KIND) invalid(`it holds "${c.kind}", not classifier examples`);
  if (c.version > BUNDLE_VERSION) {
    throw new AppError(
      'BUNDLE_VERSION_UNSUPPORTED',
      `examples bundle version ${c.version} is newer than this build reads (${BUNDLE_VERSION}); upgrade to import it`,
    );
  }
  const { labels, rowLabels, ids, meta } = c.header;
  const count = isCount(c.header.count) ? c.header.count : invalid('count is not a non-negative integer');
  const dim = isCount(c.header.dim) && (c.header.dim > 0 || count === 0) ? c.header.dim : invalid('dim is not a positive integer');
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' && l.trim().length > 0)) {
    invalid('labels must be non-empty strings');
  }
  if (!Array.isArray(ids) || ids.length !== count) invalid(`expected ${count} ids`);
  if (!Array.isArray(rowLabels) || rowLabels.length !== count) invalid(`expected ${count} row labels`);
  const labelList = labels as string[];
  const seen = new Set<string>();
  for (const id of ids as JsonValue[]) {
    if (typeof id !== 'string' || id.length === 0) invalid('ids must be non-empty strings');
    if (seen.has(id as string)) invalid(`duplicate id ${id as string}`);
    seen.add(id as string);
  }
  const rowLabelNames = (rowLabels as JsonValue[]).map((i) => {
    const name = typeof i === 'number' && Number.isInteger(i) ? labelList[i] : undefined;
    return name ?? invalid(`row label ${JSON.stringify(i)} is out of range`);
  });
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) invalid('meta must be an object');
  const m = meta as BundleMeta;
  if (m.modelId !== undefined && typeof m.modelId !== 'string') invalid('meta.modelId must be a string');
  const section = c.sections.find((s) => s.name === 'vectors') ?? invalid('no vectors section');
  const expected = count * dim * 4;
  if (section.bytes.byteLength !== expected) {
    invalid(`vectors hold ${section.bytes.byteLength} bytes, expected ${count} × ${dim} × 4 = ${expected}`);
  }
  const vectors = float32FromBytes(section.bytes);
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) invalid(`vector ${Math.floor(i / dim)} has a non-finite value`);
  }
  return {
    snapshot: { dim, ids: ids as string[], labels: rowLabelNames, vectors },
    meta: m,
  };
}

function isCount(v: JsonValue | undefined): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function float32Bytes(v: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const out = new Uint8Array(v.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i] as number, true);
  return out;
}

function float32FromBytes(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) {
    // Copy rather than view: the section may not be 4-byte aligned within a caller's buffer,
    // and the snapshot must not alias the input bytes.
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
