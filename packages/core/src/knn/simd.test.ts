import { describe, expect, it } from 'vitest';
import { createSimdKernel } from './simd.ts';
import { createVectorMatrix } from './matrix.ts';

/** Deterministic values in [-1, 1) (LCG), so failures reproduce. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  });
}

const kernel = createSimdKernel();

describe.skipIf(kernel === null)('SIMD kernel', () => {
  it('computes the same dot products as a plain loop (float32 and int8 × int16)', () => {
    const k = kernel!;
    k.memory.grow(4);
    const rows = 37;
    const dim = 48;
    const m = values(rows * dim, 1);
    const q = values(dim, 2);
    const f32 = new Float32Array(k.memory.buffer);
    f32.set(q, 0);
    f32.set(m, 64);
    const out = 64 + rows * dim;
    k.dotf32(256, 0, rows, dim, out * 4);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (m[r * dim + j] ?? 0) * (q[j] ?? 0);
      expect(f32[out + r]).toBeCloseTo(s, 4);
    }
    const i8 = new Int8Array(k.memory.buffer);
    const i16 = new Int16Array(k.memory.buffer);
    const mi = Array.from(m, (x) => Math.round(x * 127));
    const qi = Array.from(q, (x) => Math.round(x * 4095));
    i16.set(qi, 0);
    i8.set(mi, 256);
    k.doti8(256, 0, rows, dim, out * 4);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (mi[r * dim + j] ?? 0) * (qi[j] ?? 0);
      expect(f32[out + r]).toBe(s);
    }
  });
});

describe('createVectorMatrix', () => {
  for (const precision of ['float32', 'int8'] as const) {
    it(`${precision}: SIMD and JavaScript scans agree through growth and swap-removes`, () => {
      const dim = 32;
      const simd = createVectorMatrix(dim, precision, true);
      const js = createVectorMatrix(dim, precision, false);
      const rows = 300;
      for (const m of [simd, js]) {
        let used = 0;
        for (let r = 0; r < rows; r++) {
          m.reserve(used + 1, used);
          m.set(r, values(dim, r + 10));
          used++;
        }
        for (let r = 0; r < 50; r++) m.move(rows - 1 - r, r * 3);
      }
      const q = values(dim, 999);
      const a = new Float32Array(rows);
      const b = new Float32Array(rows);
      simd.dotAll(q, rows - 50, a);
      js.dotAll(q, rows - 50, b);
      // int8: the SIMD path also rounds the query to int16 (error ≤ |row|₁ · max|q| / 8190).
      const tol = precision === 'int8' ? 0.01 : 1e-4;
      for (let r = 0; r < rows - 50; r++) expect(Math.abs((a[r] ?? 0) - (b[r] ?? 0))).toBeLessThan(tol);
      const ga = new Float32Array(dim);
      const gb = new Float32Array(dim);
      simd.get(7, ga);
      js.get(7, gb);
      expect(Array.from(ga)).toEqual(Array.from(gb));
      expect(simd.selfDot(7)).toBeCloseTo(js.selfDot(7), 5);
    });
  }
});
