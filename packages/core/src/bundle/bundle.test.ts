import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { crc32 } from './crc32.ts';
import { CONTAINER_MAGIC, decodeContainer, encodeContainer } from './container.ts';
import type { JsonValue } from './container.ts';
import { BUNDLE_KIND, decodeBundle, encodeBundle } from './bundle.ts';
import type { ClassifierSnapshot } from '../types.ts';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

function snapshot(count = 5, dim = 3): ClassifierSnapshot {
  return {
    dim,
    ids: Array.from({ length: count }, (_, i) => `id-${i}`),
    labels: Array.from({ length: count }, (_, i) => (i % 2 ? 'Banana' : 'Äpple "röd"')),
    vectors: Float32Array.from({ length: count * dim }, (_, i) => Math.sin(i + 1)),
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).not.toMatch(/^\s*$/);
    return (err as AppError).code;
  }
  return 'no error';
}

/** Rewrites the trailing CRC so a deliberate edit is not caught by the checksum. */
function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const whole = ascii('hello, mirror');
    expect(crc32(whole.subarray(5), crc32(whole.subarray(0, 5)))).toBe(crc32(whole));
  });
});

describe('encodeBundle / decodeBundle', () => {
  it('round-trips vectors, ids, labels and metadata exactly', () => {
    const snap = snapshot();
    const bytes = encodeBundle(snap, { modelId: 'mobilenet-v1@conv_dw_13_relu', note: { a: [1, 2] } });
    expect(Array.from(bytes.subarray(0, 8))).toEqual(Array.from(CONTAINER_MAGIC));
    const { snapshot: back, meta } = decodeBundle(bytes);
    expect(back).toEqual(snap);
    expect(back.vectors).toBeInstanceOf(Float32Array);
    expect(meta).toEqual({ modelId: 'mobilenet-v1@conv_dw_13_relu', note: { a: [1, 2] } });
  });

  it('round-trips an empty snapshot and a vector view into a larger buffer', () => {
    expect(decodeBundle(encodeBundle({ dim: 0, ids: [], labels: [], vectors: new Float32Array(0) })).snapshot.ids).toEqual([]);
    const big = Float32Array.from({ length: 10 }, (_, i) => i);
    const snap = { dim: 2, ids: ['a', 'b'], labels: ['x', 'y'], vectors: big.subarray(3, 7) };
    expect(Array.from(decodeBundle(encodeBundle(snap)).snapshot.vectors)).toEqual([3, 4, 5, 6]);
    // Decoding from an unaligned view of a larger buffer works too.
    const bytes = encodeBundle(snap);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(Array.from(decodeBundle(shifted.subarray(1)).snapshot.vectors)).toEqual([3, 4, 5, 6]);
  });

  it('refuses bytes that are not a bundle', () => {
    expect(codeOf(() => decodeBundle(new Uint8Array(0)))).toBe('INVALID_BUNDLE');
    expect(codeOf(() => decodeBundle(ascii('{"dim":3}')))).toBe('INVALID_BUNDLE');
    const bytes = encodeBundle(snapshot());
    bytes[1] = 0x58;
    expect(codeOf(() => decodeBundle(bytes))).toBe('INVALID_BUNDLE');
  });

  it('reports truncation at any length', () => {
    const bytes = encodeBundle(snapshot());
    for (const cut of [4, 12, 20, 40, bytes.length - 30, bytes.length - 4, bytes.length - 1]) {
      let err: unknown;
      try {
        decodeBundle(bytes.subarray(0, cut));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('INVALID_BUNDLE');
      expect((err as AppError).message).toMatch(/truncated/);
    }
  });

  it('refuses trailing bytes', () => {
    const bytes = encodeBundle(snapshot());
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(codeOf(() => decodeBundle(reseal(longer)))).toBe('INVALID_BUNDLE');
  });

  it('refuses an unknown container or content version', () => {
    const bytes = encodeBundle(snapshot());
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(8, 2, true);
    expect(codeOf(() => decodeBundle(future))).toBe('BUNDLE_VERSION_UNSUPPORTED');
    const v2 = encodeContainer({ kind: BUNDLE_KIND, version: 2, header: {}, sections: [] });
    expect(codeOf(() => decodeBundle(v2))).toBe('BUNDLE_VERSION_UNSUPPORTED');
  });

  it('detects any flipped byte with the checksum', () => {
    const bytes = encodeBundle(snapshot());
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    // A byte inside the vectors, one inside the header JSON's ids (still valid JSON), and the CRC itself.
    const idAt = 16 + String.fromCharCode(...bytes.subarray(16, 16 + headerLength)).indexOf('id-3') + 3;
    for (const at of [bytes.length - 10, idAt, bytes.length - 2]) {
      const bad = bytes.slice();
      bad[at] = (bad[at] ?? 0) ^ 0x01;
      expect(codeOf(() => decodeBundle(bad))).toBe('BUNDLE_CHECKSUM_MISMATCH');
    }
  });

  it('refuses inconsistent content even with a valid checksum', () => {
    const good = { dim: 2, count: 2, labels: ['A'], rowLabels: [0, 0], ids: ['a', 'b'], meta: {} };
    const vectors = new Uint8Array(Float32Array.of(1, 0, 0, 1).buffer);
    const make = (header: Record<string, JsonValue>, bytes = vectors, kind = BUNDLE_KIND): Uint8Array =>
      encodeContainer({ kind, version: 1, header: { ...good, ...header }, sections: [{ name: 'vectors', bytes }] });
    expect(decodeBundle(make({})).snapshot.labels).toEqual(['A', 'A']);
    const cases: [string, Uint8Array][] = [
      ['count ≠ ids', make({ count: 3 })],
      ['ids ≠ count', make({ ids: ['a'] })],
      ['duplicate id', make({ ids: ['a', 'a'] })],
      ['label index out of range', make({ rowLabels: [0, 1] })],
      ['dim mismatch with payload', make({ dim: 3 })],
      ['negative dim', make({ dim: -2 })],
      ['payload too short', make({}, vectors.subarray(0, 12))],
      ['NaN in payload', make({}, new Uint8Array(Float32Array.of(1, NaN, 0, 1).buffer))],
      ['empty label', make({ labels: [''] })],
      ['wrong kind', make({}, vectors, 'smartmirror.export')],
      ['non-string model id', make({ meta: { modelId: 7 } })],
    ];
    for (const [what, bytes] of cases) expect(codeOf(() => decodeBundle(bytes)), what).toBe('INVALID_BUNDLE');
  });
});

describe('encodeContainer / decodeContainer', () => {
  it('frames a header and several sections, aligned to 8 bytes', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = new Uint8Array(0);
    const c = Uint8Array.from({ length: 17 }, (_, i) => i);
    const bytes = encodeContainer({ kind: 'test.kind', version: 3, header: { x: 'ü', n: [1, null] }, sections: [
      { name: 'a', bytes: a },
      { name: 'b', bytes: b },
      { name: 'c', bytes: c },
    ] });
    expect(bytes.length % 8).toBe(4);
    const back = decodeContainer(bytes);
    expect(back.kind).toBe('test.kind');
    expect(back.version).toBe(3);
    expect(back.header).toEqual({ x: 'ü', n: [1, null] });
    expect(back.sections.map((s) => [s.name, Array.from(s.bytes)])).toEqual([
      ['a', [1, 2, 3]],
      ['b', []],
      ['c', Array.from(c)],
    ]);
    for (const s of back.sections) expect(s.bytes.byteOffset % 8).toBe(0);
  });

  it('refuses a header that is not JSON even with a valid checksum', () => {
    const bytes = encodeContainer({ kind: 'k', version: 1, header: {}, sections: [] });
    bytes[16] = 0x7b + 1; // '{' → '|'
    expect(codeOf(() => decodeContainer(reseal(bytes)))).toBe('INVALID_BUNDLE');
  });

  it('refuses duplicate section names when encoding', () => {
    const s = { name: 'x', bytes: new Uint8Array(1) };
    expect(codeOf(() => encodeContainer({ kind: 'k', version: 1, header: {}, sections: [s, s] }))).toBe('VALIDATION_FAILED');
  });
});
