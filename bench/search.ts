// Search speed of our classifier (plain typed-array k-NN) side by side with the TF.js anchor
// @tensorflow-models/knn-classifier on the same stored set and queries, in one run.
// Also checks that ours holds no tensors: tf.memory().numTensors before/after its queries.
//
//   node --import tsx bench/search.ts [--examples 10000] [--dim 1024] [--labels 100]
//        [--queries 10000] [--anchor-queries 200] [--k 5] [--seed 11]
// --anchor-queries rounds time every variant once per query, interleaved; --queries is the
// sustained run of ours (float32) around which tf.memory().numTensors is read. Times are per query.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as knn from '@tensorflow-models/knn-classifier';
import { createClassifier, seededRandom, type Classifier, type ClassifierOptions } from '@smartmirror/core';
import { report, type Row } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '10000' },
    dim: { type: 'string', default: '1024' },
    labels: { type: 'string', default: '100' },
    queries: { type: 'string', default: '10000' },
    'anchor-queries': { type: 'string', default: '200' },
    k: { type: 'string', default: '5' },
    seed: { type: 'string', default: '11' },
  },
});
const N = Number(values.examples);
const DIM = Number(values.dim);
const LABELS = Number(values.labels);
const QUERIES = Number(values.queries);
const ANCHOR_QUERIES = Number(values['anchor-queries']);
const K = Number(values.k);


/** `count` random unit vectors (Gaussian via Box–Muller, so directions are uniform). */
function unitVectors(count: number, dim: number, next: () => number): Float32Array[] {
  return Array.from({ length: count }, () => {
    const v = new Float32Array(dim);
    let sq = 0;
    for (let j = 0; j < dim; j++) {
      const g = Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
      v[j] = g;
      sq += g * g;
    }
    const n = Math.sqrt(sq);
    for (let j = 0; j < dim; j++) v[j] = (v[j] as number) / n;
    return v;
  });
}

const next = seededRandom(Number(values.seed));
const stored = unitVectors(N, DIM, next);
const labelOf = (i: number): string => `label-${i % LABELS}`;
// Queries near stored examples (the realistic case: the product was taught), plus noise.
const queries = unitVectors(QUERIES, DIM, next).map((noise, q) => {
  const base = stored[(q * 7919) % N] as Float32Array;
  return base.map((x, j) => x + 0.7 * (noise[j] as number));
});

await tf.setBackend('cpu');
await tf.ready();

// Build every variant first, then time them query by query in rotating order: the machine is
// shared, and interleaving makes each ratio compare the same moments of load.
interface Variant {
  impl: string;
  addMsPerExample: number;
  /** Async for all, so the loop treats ours and the anchor alike (a resolved promise costs ~1 µs). */
  predict: (q: Float32Array) => Promise<unknown>;
  totalMs: number;
  timed: number;
}
const variants: Variant[] = [];

/** Time to fit the whitened metric on the first query (ms), per whitened variant. */
const fitMs: Record<string, number> = {};

// The raw scan is what the speed target is about, so the plain-cosine variants lead; the
// product default (whitened) also pays a d² query projection and a one-off fit, timed apart.
function buildOurs(name: string, opts: ClassifierOptions): Classifier {
  const c = createClassifier({ k: K, threshold: 0, whiten: false, ...opts });
  const t0 = performance.now();
  stored.forEach((embedding, i) => c.add({ id: `e${i}`, label: labelOf(i), embedding }));
  const addMs = performance.now() - t0;
  const t1 = performance.now();
  c.predict(queries[0] as Float32Array); // the first call builds derived data (whitening, centring, prototypes)
  if (opts.whiten === true) fitMs[`ours ${name}`] = performance.now() - t1;
  variants.push({ impl: `ours ${name}`, addMsPerExample: addMs / N, predict: (q) => Promise.resolve(c.predict(q)), totalMs: 0, timed: 0 });
  return c;
}

const float32 = buildOurs('float32', {});
buildOurs('int8', { precision: 'int8' });
buildOurs('float32 centred', { centre: true });
buildOurs('float32 whitened (default)', { whiten: true });
buildOurs('prototype', { mode: 'prototype' });
buildOurs('float32 plain JS', { simd: false });
buildOurs('int8 plain JS', { precision: 'int8', simd: false });

// The anchor: examples go in as tensors; predictClass is async (it reads the similarities back).
const anchor = knn.create();
const t0 = performance.now();
stored.forEach((v, i) => {
  const t = tf.tensor1d(v);
  anchor.addExample(t, labelOf(i));
  t.dispose();
});
const anchorAddMs = performance.now() - t0;
const anchorPredict = async (q: Float32Array, k: number): Promise<string> => {
  const t = tf.tensor1d(q);
  try {
    return (await anchor.predictClass(t, k)).label;
  } finally {
    t.dispose();
  }
};
await anchorPredict(queries[0] as Float32Array, K); // builds its concatenated matrix once
const ANCHOR = 'anchor knn-classifier (tfjs cpu)';
variants.push({ impl: ANCHOR, addMsPerExample: anchorAddMs / N, predict: (q) => anchorPredict(q, K), totalMs: 0, timed: 0 });

const anchorTensorsBefore = tf.memory().numTensors;
for (let round = 0; round < ANCHOR_QUERIES; round++) {
  const q = queries[round % queries.length] as Float32Array;
  for (let i = 0; i < variants.length; i++) {
    const v = variants[(round + i) % variants.length] as Variant;
    const s = performance.now();
    await v.predict(q);
    v.totalMs += performance.now() - s;
    v.timed++;
  }
}
const anchorTensorsAfter = tf.memory().numTensors;

// Sanity: with k = 1 both must name the label of the same nearest example.
const nearest = createClassifier({ k: 1, threshold: -1, neighbours: 1, whiten: false });
nearest.restore(float32.snapshot());
let agree = 0;
const checks = Math.min(50, queries.length);
for (let i = 0; i < checks; i++) {
  const q = queries[i] as Float32Array;
  if ((await anchorPredict(q, 1)) === nearest.predict(q).label) agree++;
}
anchor.dispose();

// Sustained: many queries of ours in a row, and the tensor count around them (ours holds none).
const ourTensorsBefore = tf.memory().numTensors;
const s0 = performance.now();
let sink = 0;
for (let i = 0; i < QUERIES; i++) sink += float32.predict(queries[i % queries.length] as Float32Array).similarity;
const sustainedMs = (performance.now() - s0) / QUERIES;
const ourTensorsAfter = tf.memory().numTensors;

const anchorMs = (variants.find((v) => v.impl === ANCHOR) as Variant).totalMs / ANCHOR_QUERIES;
const rows: Row[] = variants.map((v) => {
  const queryMs = v.totalMs / v.timed;
  return {
    impl: v.impl,
    examples: N,
    dim: DIM,
    queries: v.timed,
    addMsPerExample: v.addMsPerExample,
    queryMs,
    queriesPerSec: 1000 / queryMs,
    speedupVsAnchor: anchorMs / queryMs,
    ...(fitMs[v.impl] === undefined ? {} : { fitMs: fitMs[v.impl] }),
  };
});
const ratio = (impl: string): number => Number(rows.find((r) => r.impl === impl)?.speedupVsAnchor);

report('search', rows, {
  examples: N,
  dim: DIM,
  labels: LABELS,
  k: K,
  anchorBackend: tf.getBackend(),
  method: 'variants built once, then timed query by query in rotating order (same load for all)',
  speedupFloat32: ratio('ours float32'),
  speedupInt8: ratio('ours int8'),
  speedupPrototype: ratio('ours prototype'),
  speedupWhitened: ratio('ours float32 whitened (default)'),
  speedupFloat32PlainJs: ratio('ours float32 plain JS'),
  sustained: { impl: 'ours float32', queries: QUERIES, queryMs: sustainedMs, meanSimilarity: sink / QUERIES },
  tensors: {
    ours: { before: ourTensorsBefore, after: ourTensorsAfter, queries: QUERIES },
    anchor: { before: anchorTensorsBefore, after: anchorTensorsAfter, queries: ANCHOR_QUERIES },
  },
  top1AgreementWithAnchor: agree / checks,
  target: 'ours float32 ≥ 10× faster per query; ours holds no tensors',
});
