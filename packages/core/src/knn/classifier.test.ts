import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { createClassifier } from './classifier.ts';
import type { Classifier, ClassifierOptions } from '../types.ts';

/** A unit vector at `deg` degrees in the plane of axes 0 and 1 of a `dim`-d space. */
function at(deg: number, dim = 4): Float32Array {
  const v = new Float32Array(dim);
  v[0] = Math.cos((deg * Math.PI) / 180);
  v[1] = Math.sin((deg * Math.PI) / 180);
  return v;
}

function vec(...xs: number[]): Float32Array {
  return Float32Array.from(xs);
}

/** Deterministic pseudo-random unit vectors (xorshift), so tests need no seedable RNG. */
function randomUnit(dim: number, seed: number): Float32Array {
  let s = seed * 2654435761 + 1;
  const v = new Float32Array(dim);
  let sq = 0;
  for (let j = 0; j < dim; j++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const x = ((s >>> 0) / 4294967296) * 2 - 1;
    v[j] = x;
    sq += x * x;
  }
  const n = Math.sqrt(sq);
  return v.map((x) => x / n);
}

/** A classifier filled with examples; plain cosine unless `whiten` is asked for (the maths below is cosine's). */
function make(opts: ClassifierOptions, examples: [string, string, Float32Array][]): Classifier {
  const c = createClassifier({ whiten: false, ...opts });
  for (const [id, label, embedding] of examples) c.add({ id, label, embedding });
  return c;
}

function expectAppError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
}

describe('createClassifier (knn)', () => {
  it('ranks neighbours by cosine similarity, nearest first', () => {
    const c = make({ k: 1, threshold: -1, neighbours: 3 }, [
      ['a', 'A', at(0)],
      ['b', 'B', at(40)],
      ['c', 'C', at(90)],
      ['d', 'D', at(180)],
    ]);
    const p = c.predict(at(30));
    expect(p.neighbours.map((n) => n.id)).toEqual(['b', 'a', 'c']);
    expect(p.neighbours[0]?.similarity).toBeCloseTo(Math.cos((10 * Math.PI) / 180), 5);
    expect(p.label).toBe('B');
    expect(p.similarity).toBeCloseTo(p.neighbours[0]?.similarity ?? NaN, 6);
  });

  it('weights votes by similarity: closer examples give more confidence', () => {
    const c = make({ k: 2, threshold: 0 }, [
      ['a1', 'A', at(0)],
      ['a2', 'A', at(4)],
      ['b1', 'B', at(40)],
      ['b2', 'B', at(44)],
    ]);
    const nearA = c.predict(at(2));
    const between = c.predict(at(18));
    expect(nearA.label).toBe('A');
    expect(between.label).toBe('A');
    expect(nearA.confidence).toBeGreaterThan(between.confidence);
    const nearB = c.predict(at(26));
    expect(nearB.label).toBe('B');
  });

  it('does not let a label with many examples out-vote a closer label with few', () => {
    const many: [string, string, Float32Array][] = Array.from({ length: 10 }, (_, i) => [`b${i}`, 'B', at(30 + i * 0.5)]);
    const c = make({ k: 5, threshold: 0 }, [['a1', 'A', at(0)], ...many]);
    // The query is nearer A (10°) than any B (≥ 20°): a plain global vote of the 5 nearest would
    // give B four votes to A's one.
    const p = c.predict(at(10));
    expect(p.neighbours.filter((n) => n.label === 'B').length).toBeGreaterThanOrEqual(4);
    expect(p.label).toBe('A');
    expect(p.scores[0]?.label).toBe('A');
  });

  it('answers unknown below the threshold, and confidence falls with distance', () => {
    const c = make({ k: 1, threshold: 0.8 }, [
      ['a', 'A', at(0)],
      ['b', 'B', at(90)],
    ]);
    const near = c.predict(at(5));
    const edge = c.predict(at(30)); // cos 30° ≈ 0.866
    const far = c.predict(at(45)); // cos 45° ≈ 0.707
    expect(near.unknown).toBe(false);
    expect(near.label).toBe('A');
    expect(edge.label).toBe('A');
    expect(far.unknown).toBe(true);
    expect(far.label).toBeNull();
    expect(far.similarity).toBeLessThan(0.8);
    expect(near.confidence).toBeGreaterThan(edge.confidence);
    expect(edge.confidence).toBeGreaterThan(far.confidence);
    expect(far.confidence).toBeLessThan(0.5);
    for (const p of [near, edge, far]) {
      const sum = p.scores.reduce((s, x) => s + x.confidence, 0);
      expect(sum).toBeLessThanOrEqual(1 + 1e-9);
      for (const s of p.scores) expect(s.confidence).toBeGreaterThanOrEqual(0);
    }
  });

  it('splits confidence between two equally close labels', () => {
    const c = make({ k: 1, threshold: 0 }, [
      ['a', 'A', at(0)],
      ['b', 'B', at(40)],
    ]);
    const clear = c.predict(at(0));
    const tie = c.predict(at(20));
    expect(tie.confidence).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(clear.confidence).toBeGreaterThan(0.9);
  });

  it('gives meaningful confidence when every cosine is compressed near 1', () => {
    // Post-ReLU features share a dominant direction: all cosines land in [0.95, 1] and a
    // calibrated threshold sits near 0.99. Confidence must still separate a clear match from an
    // ambiguous or a far one.
    const common = 8;
    const mk = (deg: number, off = 0): Float32Array => {
      const v = at(deg, 4);
      v[2] = off;
      v[3] = common;
      return v;
    };
    const c = make({ k: 1, threshold: 0.995 }, [
      ['a', 'A', mk(0)],
      ['b', 'B', mk(90)],
      ['c', 'C', mk(180)],
    ]);
    const clear = c.predict(mk(2));
    const ambiguous = c.predict(mk(45));
    const far = c.predict(mk(0, 1.2));
    expect(clear.label).toBe('A');
    expect(clear.confidence).toBeGreaterThan(0.8);
    expect(ambiguous.confidence).toBeLessThan(0.55);
    expect(far.unknown).toBe(true);
    expect(far.confidence).toBeLessThan(0.3);
  });

  it('answers unknown with no scores when empty', () => {
    const p = createClassifier().predict(at(0));
    expect(p).toMatchObject({ label: null, unknown: true, confidence: 0, scores: [], neighbours: [] });
  });

  it('normalises vectors defensively', () => {
    const c = make({ k: 1, threshold: 0.99 }, [['a', 'A', vec(3, 4, 0)]]);
    const p = c.predict(vec(30, 40, 0));
    expect(p.similarity).toBeCloseTo(1, 5);
    expect(p.label).toBe('A');
  });
});

describe('createClassifier (prototype mode)', () => {
  it('compares with one mean vector per label', () => {
    // A's examples sit at ±30° (mean direction 0°); a single A example at 30° is nearer the
    // query at 38°, but A's prototype (0°) is farther than B's (60°).
    const examples: [string, string, Float32Array][] = [
      ['a1', 'A', at(-30)],
      ['a2', 'A', at(30)],
      ['b1', 'B', at(60)],
    ];
    const knn = make({ mode: 'knn', k: 1, threshold: 0 }, examples);
    const proto = make({ mode: 'prototype', threshold: 0 }, examples);
    expect(knn.predict(at(38)).label).toBe('A');
    const p = proto.predict(at(38));
    expect(p.label).toBe('B');
    expect(p.similarity).toBeCloseTo(Math.cos((22 * Math.PI) / 180), 5);
    expect(p.neighbours[0]).toMatchObject({ id: 'prototype:B', label: 'B' });
  });

  it('follows removals', () => {
    const c = make({ mode: 'prototype', threshold: 0 }, [
      ['a1', 'A', at(0)],
      ['a2', 'A', at(80)],
      ['b1', 'B', at(60)],
    ]);
    expect(c.predict(at(55)).label).toBe('B');
    c.remove('a1');
    expect(c.predict(at(75)).label).toBe('A');
  });
});

describe('createClassifier (centring)', () => {
  it('removes the direction shared by every example', () => {
    // Every example shares a large common component (axis 3), as post-ReLU features do; the
    // labels differ only in a small component. Raw cosine is dominated by the common part.
    const common = 3;
    const mk = (x: number, y: number): Float32Array => vec(x, y, 0, common);
    const examples: [string, string, Float32Array][] = [
      ['a1', 'A', mk(1, 0)],
      ['a2', 'A', mk(0.9, 0.1)],
      ['b1', 'B', mk(0, 1)],
      ['b2', 'B', mk(0.1, 0.9)],
    ];
    const raw = make({ k: 2, threshold: 0.5 }, examples);
    const centred = make({ k: 2, threshold: 0.5, centre: true }, examples);
    const q = mk(0.2, 0.8);
    const pr = raw.predict(q);
    const pc = centred.predict(q);
    expect(pr.label).toBe('B');
    expect(pc.label).toBe('B');
    // Centred similarities spread out: the wrong label becomes clearly dissimilar.
    const rawA = pr.neighbours.find((n) => n.label === 'A')?.similarity ?? NaN;
    const cenA = pc.neighbours.find((n) => n.label === 'A')?.similarity ?? NaN;
    expect(rawA).toBeGreaterThan(0.9);
    expect(cenA).toBeLessThan(0);
    expect(pc.confidence).toBeGreaterThan(pr.confidence);
    // A query that is only the common direction is close to everything raw, to nothing centred.
    expect(raw.predict(vec(0.5, 0.5, 0, common)).unknown).toBe(false);
    expect(centred.predict(vec(0.5, 0.5, 0, common)).unknown).toBe(true);
  });

  it('matches explicit centring of stored and query vectors', () => {
    const dim = 16;
    const xs = Array.from({ length: 12 }, (_, i) => randomUnit(dim, i + 1));
    const c = createClassifier({ whiten: false, centre: true, k: 1, threshold: -1, neighbours: 12 });
    xs.forEach((x, i) => c.add({ id: `e${i}`, label: `L${i % 3}`, embedding: x }));
    const mean = new Float32Array(dim);
    for (const x of xs) for (let j = 0; j < dim; j++) mean[j] = (mean[j] ?? 0) + (x[j] ?? 0) / xs.length;
    const centre = (v: Float32Array): Float32Array => {
      const d = v.map((x, j) => x - (mean[j] ?? 0));
      const n = Math.hypot(...d);
      return d.map((x) => x / n);
    };
    const q = randomUnit(dim, 99);
    const qc = centre(q);
    const p = c.predict(q);
    for (const nb of p.neighbours) {
      const x = centre(xs[Number(nb.id.slice(1))] ?? new Float32Array(dim));
      const expected = x.reduce((s, v, j) => s + v * (qc[j] ?? 0), 0);
      expect(nb.similarity).toBeCloseTo(expected, 4);
    }
  });
});

describe('createClassifier (prototype mode, centred)', () => {
  it('compares the centred query with each label\'s centred mean', () => {
    const dim = 16;
    const xs = Array.from({ length: 12 }, (_, i) => randomUnit(dim, i + 40));
    const c = createClassifier({ whiten: false, mode: 'prototype', centre: true, threshold: -1, neighbours: 3 });
    xs.forEach((x, i) => c.add({ id: `e${i}`, label: `L${i % 3}`, embedding: x }));
    const mean = (vs: Float32Array[]): Float32Array => {
      const m = new Float32Array(dim);
      for (const v of vs) for (let j = 0; j < dim; j++) m[j] = (m[j] ?? 0) + (v[j] ?? 0) / vs.length;
      return m;
    };
    const unit = (v: Float32Array): Float32Array => v.map((x) => x / Math.hypot(...v));
    const mu = mean(xs);
    const q = randomUnit(dim, 7);
    const qc = unit(q.map((x, j) => x - (mu[j] ?? 0)));
    const p = c.predict(q);
    for (const nb of p.neighbours) {
      const members = xs.filter((_, i) => `L${i % 3}` === nb.label);
      const proto = unit(mean(members).map((x, j) => x - (mu[j] ?? 0)));
      expect(nb.similarity).toBeCloseTo(proto.reduce((s, x, j) => s + x * (qc[j] ?? 0), 0), 5);
    }
    expect(p.neighbours.map((n) => n.label).sort()).toEqual(['L0', 'L1', 'L2']);
  });
});

describe('createClassifier (int8)', () => {
  it('gives similarities close to float32 and the same answers', () => {
    const dim = 256;
    const f32 = createClassifier({ whiten: false, k: 3, threshold: 0, neighbours: 10 });
    const i8 = createClassifier({ whiten: false, k: 3, threshold: 0, neighbours: 10, precision: 'int8' });
    for (let i = 0; i < 60; i++) {
      const e = { id: `e${i}`, label: `L${i % 6}`, embedding: randomUnit(dim, i + 1) };
      f32.add(e);
      i8.add(e);
    }
    for (let t = 0; t < 10; t++) {
      // Queries near a stored example, so answers are not ties.
      const q = randomUnit(dim, t + 1).map((x, j) => x + 0.3 * (randomUnit(dim, 500 + t)[j] ?? 0));
      const a = f32.predict(q);
      const b = i8.predict(q);
      expect(b.label).toBe(a.label);
      expect(b.neighbours[0]?.id).toBe(a.neighbours[0]?.id);
      expect(Math.abs(b.similarity - a.similarity)).toBeLessThan(0.01);
    }
    // The snapshot dequantises: each vector stays within quantisation error of the original.
    const snap = i8.snapshot();
    const row = snap.ids.indexOf('e7');
    const orig = randomUnit(dim, 8);
    for (let j = 0; j < dim; j++) expect(Math.abs((snap.vectors[row * dim + j] ?? 0) - (orig[j] ?? 0))).toBeLessThan(0.01);
  });
});

describe('createClassifier (scan kernels)', () => {
  it('answers the same with the SIMD and the JavaScript scan', () => {
    const dim = 64;
    for (const precision of ['float32', 'int8'] as const) {
      for (const centre of [false, true]) {
        const a = createClassifier({ precision, centre, k: 3, threshold: 0, neighbours: 4 });
        const b = createClassifier({ precision, centre, k: 3, threshold: 0, neighbours: 4, simd: false });
        for (let i = 0; i < 80; i++) {
          const e = { id: `e${i}`, label: `L${i % 5}`, embedding: randomUnit(dim, i + 1) };
          a.add(e);
          b.add(e);
        }
        for (const c of [a, b]) for (let i = 0; i < 80; i += 3) c.remove(`e${i}`);
        for (let t = 0; t < 8; t++) {
          const q = randomUnit(dim, t * 3 + 2).map((x, j) => x + 0.2 * (randomUnit(dim, 700 + t)[j] ?? 0));
          const pa = a.predict(q);
          const pb = b.predict(q);
          expect(pa.label).toBe(pb.label);
          const tolerance = precision === 'int8' ? 0.01 : 1e-5;
          // int8: the SIMD scan also quantises the query, so near ties (within its error) may swap.
          if (precision === 'float32') expect(pa.neighbours.map((n) => n.id)).toEqual(pb.neighbours.map((n) => n.id));
          pa.neighbours.forEach((n, i) => expect(Math.abs(n.similarity - (pb.neighbours[i]?.similarity ?? NaN))).toBeLessThan(tolerance));
          expect(Math.abs(pa.similarity - pb.similarity)).toBeLessThan(tolerance);
        }
      }
    }
  });
});

describe('createClassifier (storage)', () => {
  it('removes, clears a label and re-adds', () => {
    const c = make({ k: 1, threshold: 0 }, [
      ['a1', 'A', at(0)],
      ['a2', 'A', at(5)],
      ['b1', 'B', at(60)],
      ['c1', 'C', at(120)],
    ]);
    expect(c.labels()).toEqual([
      { label: 'A', count: 2 },
      { label: 'B', count: 1 },
      { label: 'C', count: 1 },
    ]);
    expect(c.remove('a1')).toBe(true);
    expect(c.remove('a1')).toBe(false);
    expect(c.size).toBe(3);
    // Swap-remove moved the last row into a1's slot: its id must still resolve.
    expect(c.remove('c1')).toBe(true);
    expect(c.predict(at(120)).label).toBe('B');
    expect(c.clearLabel('A')).toBe(1);
    expect(c.clearLabel('A')).toBe(0);
    expect(c.labels()).toEqual([{ label: 'B', count: 1 }]);
    expect(c.predict(at(0)).label).toBe('B');
    c.add({ id: 'a1', label: 'A', embedding: at(0) });
    expect(c.predict(at(0)).label).toBe('A');
    expect(c.clearLabel('A') + c.clearLabel('B')).toBe(2);
    expect(c.size).toBe(0);
    expect(c.dim).toBeNull();
    // Empty again: a new dimension is accepted.
    c.add({ id: 'x', label: 'X', embedding: vec(1, 0) });
    expect(c.dim).toBe(2);
  });

  it('replaces an example re-added with the same id', () => {
    const c = make({ k: 1, threshold: 0 }, [['e', 'A', at(0)]]);
    c.add({ id: 'e', label: 'B', embedding: at(90) });
    expect(c.size).toBe(1);
    expect(c.labels()).toEqual([{ label: 'B', count: 1 }]);
    expect(c.predict(at(90)).label).toBe('B');
  });

  it('keeps working across growth and many swap-removes', () => {
    const dim = 8;
    const c = createClassifier({ whiten: false, k: 1, threshold: -1, neighbours: 1 });
    for (let i = 0; i < 300; i++) c.add({ id: `e${i}`, label: `L${i % 7}`, embedding: randomUnit(dim, i + 1) });
    for (let i = 0; i < 300; i += 2) expect(c.remove(`e${i}`)).toBe(true);
    expect(c.size).toBe(150);
    for (let i = 1; i < 300; i += 38) {
      const p = c.predict(randomUnit(dim, i + 1));
      expect(p.neighbours[0]?.id).toBe(`e${i}`);
      expect(p.similarity).toBeCloseTo(1, 5);
    }
    expect(c.labels().reduce((s, l) => s + l.count, 0)).toBe(150);
  });

  it('round-trips a snapshot', () => {
    const dim = 12;
    const a = createClassifier({ k: 2, threshold: 0 });
    for (let i = 0; i < 20; i++) a.add({ id: `e${i}`, label: `L${i % 4}`, embedding: randomUnit(dim, i + 1) });
    a.remove('e3');
    const snap = a.snapshot();
    expect(snap.ids.length).toBe(19);
    expect(snap.vectors.length).toBe(19 * dim);
    const b = createClassifier({ k: 2, threshold: 0 });
    b.add({ id: 'other', label: 'Z', embedding: randomUnit(dim, 1000) });
    b.restore(snap);
    expect(b.size).toBe(19);
    expect(b.labels()).toEqual(a.labels());
    const q = randomUnit(dim, 77);
    expect(b.predict(q)).toEqual(a.predict(q));
    b.restore({ dim: 0, ids: [], labels: [], vectors: new Float32Array(0) });
    expect(b.size).toBe(0);
  });

  it('refuses invalid input and changes nothing', () => {
    const c = make({ k: 1, threshold: 0 }, [
      ['a', 'A', at(0)],
      ['b', 'B', at(90)],
    ]);
    const before = c.snapshot();
    const q = at(10);
    const answer = c.predict(q);
    expectAppError(() => c.add({ id: 'x', label: 'A', embedding: new Float32Array(3) }), 'INVALID_EMBEDDING');
    expectAppError(() => c.add({ id: 'x', label: 'A', embedding: vec(1, NaN, 0, 0) }), 'INVALID_EMBEDDING');
    expectAppError(() => c.add({ id: 'a', label: 'A', embedding: vec(1, Infinity, 0, 0) }), 'INVALID_EMBEDDING');
    expectAppError(() => c.add({ id: 'x', label: 'A', embedding: vec(0, 0, 0, 0) }), 'INVALID_EMBEDDING');
    expectAppError(() => c.add({ id: 'x', label: ' ', embedding: at(3) }), 'INVALID_LABEL');
    expectAppError(() => c.predict(vec(1, 0)), 'INVALID_EMBEDDING');
    expectAppError(() => c.predict(vec(NaN, 0, 0, 0)), 'INVALID_EMBEDDING');
    expectAppError(
      () => c.restore({ dim: 4, ids: ['p', 'q'], labels: ['P', 'Q'], vectors: Float32Array.from([1, 0, 0, 0, NaN, 0, 0, 0]) }),
      'INVALID_EMBEDDING',
    );
    expectAppError(() => c.restore({ dim: 4, ids: ['p', 'p'], labels: ['P', 'Q'], vectors: new Float32Array(8).fill(1) }), 'VALIDATION_FAILED');
    expectAppError(() => c.restore({ dim: 4, ids: ['p'], labels: ['P'], vectors: new Float32Array(8).fill(1) }), 'VALIDATION_FAILED');
    expect(c.snapshot()).toEqual(before);
    expect(c.predict(q)).toEqual(answer);
  });

  it('refuses bad options', () => {
    expectAppError(() => createClassifier({ k: 0 }), 'VALIDATION_FAILED');
    expectAppError(() => createClassifier({ threshold: 2 }), 'VALIDATION_FAILED');
    expectAppError(() => createClassifier({ temperature: 0 }), 'VALIDATION_FAILED');
  });
});
