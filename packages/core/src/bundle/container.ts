import { AppError } from '@smartmirror/api';
import { crc32 } from './crc32.ts';

/*
 * The container framing shared by every bundle kind (examples, full exports with thumbnails):
 *
 *   offset      size  field
 *   0           8     magic 89 53 4D 42 0D 0A 1A 0A  ("\x89SMB\r\n\x1a\n": like PNG's, it catches
 *                     text-mode transfers that rewrite line ends and 7-bit channels that drop bit 7)
 *   8           4     container format version, u32 little-endian (CONTAINER_VERSION)
 *   12          4     H = byte length of the header, u32 LE
 *   16          H     header, UTF-8 JSON: { kind, version, header, sections: [{ name, byteLength }] }
 *   ...               zero padding to a multiple of 8, then each section in order, each padded to a
 *                     multiple of 8 (so a decoder may view float64/float32 data in place)
 *   end − 4     4     CRC-32 of every byte before it, u32 LE
 *
 * `kind` + `version` version the content; the container version only changes if this framing does.
 */

/** The container framing's format version (bytes 8–11). */
export const CONTAINER_VERSION = 1;
/** The 8 magic bytes that open every container. */
export const CONTAINER_MAGIC = Uint8Array.from([0x89, 0x53, 0x4d, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A JSON value, as stored in a container header. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One named binary part of a container. */
export interface ContainerSection {
  name: string;
  bytes: Uint8Array;
}

/** What a container holds: a typed, versioned JSON header and named binary sections. */
export interface Container {
  /** What the content is, e.g. `smartmirror.examples`; decoders refuse kinds they do not know. */
  kind: string;
  /** Version of the content's layout (a positive integer), checked by the content's decoder. */
  version: number;
  /** Free JSON metadata of the content. */
  header: { [key: string]: JsonValue };
  /** Binary parts in order. Decoded sections are views into the input bytes (no copy). */
  sections: ContainerSection[];
}

const PREFIX = 16;
const TRAILER = 4;

const utf8 = globalThis as unknown as {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (label: string, opts: { fatal: boolean }) => { decode(b: Uint8Array): string };
};

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Frames a header and binary sections into one checksummed byte array. */
export function encodeContainer(container: Container): Uint8Array {
  const { kind, version, header, sections } = container;
  if (typeof kind !== 'string' || kind.length === 0) throw new AppError('VALIDATION_FAILED', 'container kind must be a non-empty string');
  if (!Number.isInteger(version) || version < 1) throw new AppError('VALIDATION_FAILED', 'container version must be a positive integer');
  const names = new Set<string>();
  for (const s of sections) {
    if (typeof s.name !== 'string' || s.name.length === 0 || names.has(s.name)) {
      throw new AppError('VALIDATION_FAILED', `container section names must be unique and non-empty (got "${s.name}")`);
    }
    names.add(s.name);
  }
  const json = new utf8.TextEncoder().encode(
    JSON.stringify({ kind, version, header, sections: sections.map((s) => ({ name: s.name, byteLength: s.bytes.byteLength })) }),
  );
  let total = pad8(PREFIX + json.byteLength);
  for (const s of sections) total += pad8(s.bytes.byteLength);
  total += TRAILER;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(CONTAINER_MAGIC, 0);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, json.byteLength, true);
  out.set(json, PREFIX);
  let offset = pad8(PREFIX + json.byteLength);
  for (const s of sections) {
    out.set(s.bytes, offset);
    offset += pad8(s.bytes.byteLength);
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true);
  return out;
}

/** Reads a container, checking magic, framing version, lengths and checksum; throws AppError. */
export function decodeContainer(bytes: Uint8Array): Container {
  const invalid = (msg: string): never => {
    throw new AppError('INVALID_BUNDLE', `invalid bundle: ${msg}`);
  };
  if (!(bytes instanceof Uint8Array)) invalid('expected bytes');
  const hasMagic = (n: number): boolean => {
    for (let i = 0; i < n; i++) if (bytes[i] !== CONTAINER_MAGIC[i]) return false;
    return true;
  };
  if (bytes.byteLength < CONTAINER_MAGIC.length) {
    invalid(hasMagic(bytes.byteLength) && bytes.byteLength > 0 ? 'file is truncated' : 'not a smartmirror bundle (too short)');
  }
  if (!hasMagic(CONTAINER_MAGIC.length)) invalid('not a smartmirror bundle (wrong magic bytes)');
  if (bytes.byteLength < PREFIX + TRAILER) invalid('file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(8, true);
  if (format !== CONTAINER_VERSION) {
    throw new AppError(
      'BUNDLE_VERSION_UNSUPPORTED',
      `bundle format version ${format} is not supported (this build reads version ${CONTAINER_VERSION})`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (PREFIX + headerLength + TRAILER > bytes.byteLength) invalid('file is truncated (header runs past the end)');

  // Parse before checking the checksum so that a cut-off file is reported as truncated, which
  // tells the user more than "checksum mismatch". Trust nothing parsed until the CRC passes.
  let parsed: unknown;
  try {
    parsed = JSON.parse(new utf8.TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch {
    parsed = undefined;
  }
  const lengths = sectionLengths(parsed);
  if (lengths !== null) {
    const expected = lengths.reduce((sum, n) => sum + pad8(n), pad8(PREFIX + headerLength)) + TRAILER;
    if (bytes.byteLength < expected) invalid(`file is truncated (${bytes.byteLength} of ${expected} bytes)`);
    if (bytes.byteLength > expected) invalid(`${bytes.byteLength - expected} unexpected bytes after the end`);
  }
  const stored = view.getUint32(bytes.byteLength - TRAILER, true);
  const actual = crc32(bytes.subarray(0, bytes.byteLength - TRAILER));
  if (stored !== actual) {
    throw new AppError('BUNDLE_CHECKSUM_MISMATCH', 'bundle checksum mismatch: the file is corrupt or was modified');
  }
  if (parsed === undefined) invalid('header is not valid UTF-8 JSON');
  if (lengths === null) invalid('header does not list its sections');
  const h = parsed as { kind?: unknown; version?: unknown; header?: unknown; sections: { name: unknown }[] };
  if (typeof h.kind !== 'string' || h.kind.length === 0) invalid('header has no kind');
  if (!Number.isInteger(h.version) || (h.version as number) < 1) invalid('header has no valid version');
  if (typeof h.header !== 'object' || h.header === null || Array.isArray(h.header)) invalid('header has no metadata object');
  const sections: ContainerSection[] = [];
  let offset = pad8(PREFIX + headerLength);
  const names = new Set<string>();
  h.sections.forEach((s, i) => {
    const length = lengths?.[i] ?? 0;
    if (typeof s.name !== 'string' || s.name.length === 0 || names.has(s.name)) invalid(`section ${i} has a missing or duplicate name`);
    names.add(s.name as string);
    sections.push({ name: s.name as string, bytes: bytes.subarray(offset, offset + length) });
    offset += pad8(length);
  });
  return { kind: h.kind as string, version: h.version as number, header: h.header as Container['header'], sections };
}

/** The declared section lengths, or null when the header does not declare them properly. */
function sectionLengths(parsed: unknown): number[] | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const sections = (parsed as { sections?: unknown }).sections;
  if (!Array.isArray(sections)) return null;
  const lengths: number[] = [];
  for (const s of sections as unknown[]) {
    const n = typeof s === 'object' && s !== null ? (s as { byteLength?: unknown }).byteLength : undefined;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return null;
    lengths.push(n);
  }
  return lengths;
}
