import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { createClassifier } from './classifier.ts';
import { fitWhitening, prepareQuery, whitenedNorms, whiteningScratch, type Whitening, type WhiteningInput } from './whiten.ts';

function unit(v: number[]): Float32Array {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
}

/** A fit input over plain rows and labels (what the classifier's store hands over). */
function inputOf(rows: Float32Array[], labels: string[]): WhiteningInput {
  const d = rows[0]?.length ?? 0;
  const names = [...new Set(labels)];
  return {
    n: rows.length,
    dim: d,
    row: (r, out) => out.set(rows[r] ?? new Float32Array(d)),
    rowLabel: Int32Array.from(labels, (l) => names.indexOf(l)),
  };
}

/** The whitened cosine as the classifier computes it: a prepared query against a raw row. */
function whitenedCosine(w: Whitening, q: Float32Array, x: Float32Array): number {
  const d = w.dim;
  const u = new Float32Array(d);
  const { norm, offset } = prepareQuery(w, q, u, whiteningScratch(d));
  const nx = new Float32Array(1);
  whitenedNorms(w, x, 1, nx, whiteningScratch(d));
  return (x.reduce((s, v, j) => s + v * (u[j] ?? 0), 0) - offset) / (norm * (nx[0] ?? NaN));
}

/**
 * Reference for the whitened cosine, written independently of whiten.ts: build the shrunk
 * covariance C naively and solve C·y = b by Gauss–Jordan; cos = aᵀC⁻¹b / √(aᵀC⁻¹a · bᵀC⁻¹b).
 */
function referenceCosine(rows: Float32Array[], labels: string[], a: Float32Array, b: Float32Array, shrinkage: number): number {
  const n = rows.length;
  const d = a.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[j] ?? 0), 0) / n);
  const names = [...new Set(labels)];
  const labelMean = names.map((name) => {
    const own = rows.filter((_, i) => labels[i] === name);
    return Array.from({ length: d }, (_, j) => own.reduce((s, r) => s + (r[j] ?? 0), 0) / own.length);
  });
  const c = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  rows.forEach((r, i) => {
    const m = labelMean[names.indexOf(labels[i] ?? '')] ?? [];
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        const within = ((r[p] ?? 0) - (m[p] ?? 0)) * ((r[q] ?? 0) - (m[q] ?? 0));
        const total = ((r[p] ?? 0) - (mean[p] ?? 0)) * ((r[q] ?? 0) - (mean[q] ?? 0));
        (c[p] as number[])[q] = ((c[p] as number[])[q] ?? 0) + (within + 0.01 * total) / n;
      }
    }
  });
  const trace = c.reduce((s, row, p) => s + (row[p] ?? 0), 0);
  const shrunk = c.map((row, p) => row.map((v, q) => (1 - shrinkage) * v + (p === q ? (shrinkage * trace) / d : 0)));
  const weight = (names.length - 1) / names.length;
  const centred = (x: Float32Array): number[] => Array.from(x, (v, j) => v - weight * (mean[j] ?? 0));
  const solve = (rhs: number[]): number[] => {
    const m = shrunk.map((row, p) => [...row, rhs[p] ?? 0]);
    for (let col = 0; col < d; col++) {
      const pivot = (m[col] as number[])[col] ?? 1;
      const pr = (m[col] as number[]).map((v) => v / pivot);
      m[col] = pr;
      for (let r = 0; r < d; r++) {
        if (r === col) continue;
        const f = (m[r] as number[])[col] ?? 0;
        m[r] = (m[r] as number[]).map((v, k) => v - f * (pr[k] ?? 0));
      }
    }
    return m.map((row) => row[d] ?? 0);
  };
  const ca = centred(a);
  const cb = centred(b);
  const dot = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
  return dot(ca, solve(cb)) / Math.sqrt(dot(ca, solve(ca)) * dot(cb, solve(cb)));
}

function randomRows(count: number, d: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => unit(Array.from({ length: d }, () => random() * 2 - 1 + 0.5)));
}

describe('fitWhitening / prepareQuery / whitenedNorms', () => {
  // d = 6 is scanned in JavaScript, d = 16 by the SIMD kernel (lanes of 8).
  it.each([6, 16])('gives the cosine of the shrunk within-label metric, as a naive reference computes it (d = %i)', (d) => {
    const rows = randomRows(9, d, 3);
    const labels = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'];
    const w = fitWhitening(inputOf(rows, labels), 0.2);
    for (const seed of [11, 12, 13]) {
      const [q, x] = randomRows(2, d, seed) as [Float32Array, Float32Array];
      expect(whitenedCosine(w, q, x)).toBeCloseTo(referenceCosine(rows, labels, q, x, 0.2), 5);
      expect(whitenedCosine(w, x, q)).toBeCloseTo(referenceCosine(rows, labels, q, x, 0.2), 5);
    }
  });

  it('measures a block of rows exactly as one row at a time', () => {
    const rows = randomRows(40, 12, 5);
    const labels = rows.map((_, i) => `l${i % 4}`);
    const w = fitWhitening(inputOf(rows, labels), 0.3);
    const flat = new Float32Array(40 * 12);
    rows.forEach((r, i) => flat.set(r, i * 12));
    const scratch = whiteningScratch(12);
    const batch = new Float32Array(40);
    whitenedNorms(w, flat, 40, batch, scratch);
    const one = new Float32Array(1);
    rows.forEach((r, i) => {
      whitenedNorms(w, r, 1, one, scratch);
      expect(batch[i]).toBeCloseTo(one[0] ?? NaN, 5);
    });
  });

  it('is plain cosine when there is nothing to learn from (one example)', () => {
    const [only, q] = randomRows(2, 5, 7) as [Float32Array, Float32Array];
    const w = fitWhitening(inputOf([only], ['a']));
    const cos = q.reduce((s, v, j) => s + v * (only[j] ?? 0), 0);
    expect(whitenedCosine(w, q, only)).toBeCloseTo(cos, 6);
  });

  it('estimates the metric from at most maxRows evenly spaced rows', () => {
    const rows = randomRows(64, 6, 13);
    const labels = rows.map((_, i) => `l${i % 4}`);
    const every4th = rows.filter((_, i) => i % 4 === 0);
    const sampled = fitWhitening(inputOf(rows, labels), 0.2, 16);
    const direct = fitWhitening(inputOf(every4th, labels.filter((_, i) => i % 4 === 0)), 0.2);
    const all = fitWhitening(inputOf(rows, labels), 0.2);
    expect(Array.from(sampled.centre)).toEqual(Array.from(direct.centre));
    for (const [q, x] of [randomRows(2, 6, 17), randomRows(2, 6, 19)] as [Float32Array, Float32Array][]) {
      expect(whitenedCosine(sampled, q, x)).toBe(whitenedCosine(direct, q, x));
      expect(Math.abs(whitenedCosine(all, q, x) - whitenedCosine(sampled, q, x))).toBeGreaterThan(1e-6);
    }
  });
});

describe('createClassifier (whitening)', () => {
  // Two products that differ a little along axis 1, photographed under light that swings a lot
  // along axis 0 (the nuisance). Cosine follows the light; the whitened metric follows the product.
  const light = [-1, -0.5, 0, 0.5, 1];
  const examples = light.flatMap((l, i) => [
    { id: `a${i}`, label: 'A', embedding: unit([2 + l, 1.0, 1]) },
    { id: `b${i}`, label: 'B', embedding: unit([4 + l, 1.3, 1]) },
  ]);
  // A photo of A in a brighter light than it was taught in, the light B was taught in.
  const query = unit([4.5, 1.0, 1]);

  it('ignores the direction photos of one product vary in, where cosine does not', () => {
    const cosine = createClassifier({ whiten: false, threshold: -1 });
    const whitened = createClassifier({ threshold: -1 });
    for (const e of examples) {
      cosine.add(e);
      whitened.add(e);
    }
    expect(cosine.predict(query).label).toBe('B');
    expect(whitened.predict(query).label).toBe('A');
  });

  it('keeps ids, labels and similarities right through swap-removes, adds between fits and refits', () => {
    const stored = new Map<string, { label: string; v: Float32Array }>();
    const c = createClassifier({ threshold: -1, neighbours: 1 });
    const add = (id: string, label: string, v: Float32Array): void => {
      c.add({ id, label, embedding: v });
      stored.set(id, { label, v });
    };
    const remove = (id: string): void => {
      expect(c.remove(id)).toBe(true);
      stored.delete(id);
    };
    const check = (): void => {
      for (const [id, { label, v }] of stored) {
        const p = c.predict(v);
        expect(p.neighbours[0]?.id).toBe(id);
        expect(p.neighbours[0]?.similarity).toBeCloseTo(1, 5);
        expect(p.label).toBe(label);
      }
    };
    randomRows(60, 16, 21).forEach((r, i) => add(`r${i}`, `l${i % 6}`, r));
    check(); // first fit
    // Fewer changes than REFIT_FRACTION of 60: rows are whitened with the current fit.
    for (const id of ['r3', 'r17', 'r42']) remove(id);
    randomRows(4, 16, 99).forEach((r, i) => add(`x${i}`, 'new', r));
    check();
    // Enough changes to refit: everything is whitened again with the new metric.
    for (let i = 20; i < 40; i++) remove(`r${i}`);
    check();
    expect(c.size).toBe(stored.size);
  });

  it('still says unknown for an unrelated vector when one product is taught', () => {
    const taught = randomRows(5, 8, 31).map((r) => unit(Array.from(r, (x, j) => x + (j === 0 ? 3 : 0))));
    const c = createClassifier({ threshold: 0.5 });
    taught.forEach((r, i) => c.add({ id: `t${i}`, label: 'only', embedding: r }));
    const same = unit(Array.from(taught[0] as Float32Array, (x, j) => x + (j === 1 ? 0.01 : 0)));
    expect(c.predict(same).label).toBe('only');
    const other = unit([0, 0, 0, 0, 0, 0, 1, -1]);
    const p = c.predict(other);
    expect(p.unknown).toBe(true);
    expect(p.similarity).toBeLessThan(0.5);
  });

  it('round-trips a snapshot to the same answers', () => {
    const rows = randomRows(30, 8, 41);
    const a = createClassifier({ threshold: -1 });
    rows.forEach((r, i) => a.add({ id: `r${i}`, label: `l${i % 3}`, embedding: r }));
    const b = createClassifier({ threshold: -1 });
    b.restore(a.snapshot());
    for (const q of randomRows(10, 8, 43)) {
      const pa = a.predict(q);
      const pb = b.predict(q);
      expect(pb.label).toBe(pa.label);
      expect(pb.similarity).toBeCloseTo(pa.similarity, 6);
    }
  });

  it('refuses a shrinkage outside (0, 1]', () => {
    expect(() => createClassifier({ shrinkage: 0 })).toThrow(/shrinkage/);
    expect(() => createClassifier({ shrinkage: 1.5 })).toThrow(/shrinkage/);
  });
});
