import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { encodeEmbedding, parseEmbedding } from './embedding.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof AppError ? err.code : 'other';
  }
};

describe('parseEmbedding', () => {
  it('reads number arrays and base64 float32 alike, and normalises them', () => {
    const a = parseEmbedding([3, 4, 0], 3);
    expect(Array.from(a)).toEqual([0.6000000238418579, 0.800000011920929, 0]);
    const b = parseEmbedding(encodeEmbedding(Float32Array.from([3, 4, 0])), 3);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('round-trips through the base64 wire format', () => {
    const v = Float32Array.from([0.1, -0.2, 0.3, 1e-7]);
    const back = Buffer.from(encodeEmbedding(v), 'base64');
    expect(Array.from({ length: 4 }, (_, i) => back.readFloatLE(i * 4))).toEqual(Array.from(v));
  });

  it('refuses wrong lengths, non-finite values, zero vectors and bad base64', () => {
    expect(code(() => parseEmbedding([1, 2], 3))).toBe('INVALID_EMBEDDING');
    expect(code(() => parseEmbedding(encodeEmbedding(Float32Array.from([1, NaN, 0])), 3))).toBe('INVALID_EMBEDDING');
    expect(code(() => parseEmbedding(encodeEmbedding(Float32Array.from([1, Infinity, 0])), 3))).toBe('INVALID_EMBEDDING');
    expect(code(() => parseEmbedding([0, 0, 0], 3))).toBe('INVALID_EMBEDDING');
    expect(code(() => parseEmbedding('%%%not-base64', 3))).toBe('INVALID_EMBEDDING');
    expect(code(() => parseEmbedding('AAAAAAA=', 3))).toBe('INVALID_EMBEDDING'); // 5 bytes
  });
});
