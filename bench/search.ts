// Search speed of our classifier (plain typed-array k-NN) side by side with the TF.js anchor
// @tensorflow-models/knn-classifier on the same stored set and queries, in one run.
// Also checks that ours holds no tensors: tf.memory().numTensors before/after its queries.
//
//   node --import tsx bench/search.ts [--examples 10000] [--dim 1024] [--labels 100]
//        [--queries 10000] [--other-queries 2000] [--js-queries 300] [--anchor-queries 200] [--k 5] [--seed 11]
// --queries is for the headline float32 run (and its tensor count); the other variants of ours
// use fewer queries to keep the run short on a shared 2-core machine. Times are per query.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as knn from '@tensorflow-models/knn-classifier';
import { createClassifier, type Classifier, type ClassifierOptions } from '@smartmirror/core';
import { report, type Row } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '10000' },
    dim: { type: 'string', default: '1024' },
    labels: { type: 'string', default: '100' },
    queries: { type: 'string', default: '10000' },
    'other-queries': { type: 'string', default: '2000' },
    'js-queries': { type: 'string', default: '300' },
    'anchor-queries': { type: 'string', default: '200' },
    k: { type: 'string', default: '5' },
    seed: { type: 'string', default: '11' },
  },
});
const N = Number(values.examples);
const DIM = Number(values.dim);
const LABELS = Number(values.labels);
const QUERIES = Number(values.queries);
const OTHER_QUERIES = Number(values['other-queries']);
const JS_QUERIES = Number(values['js-queries']);
const ANCHOR_QUERIES = Number(values['anchor-queries']);
const K = Number(values.k);

/** mulberry32: small, fast and reproducible across machines. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

const next = rng(Number(values.seed));
const stored = unitVectors(N, DIM, next);
const labelOf = (i: number): string => `label-${i % LABELS}`;
// Queries near stored examples (the realistic case: the product was taught), plus noise.
const queries = unitVectors(QUERIES, DIM, next).map((noise, q) => {
  const base = stored[(q * 7919) % N] as Float32Array;
  return base.map((x, j) => x + 0.7 * (noise[j] as number));
});

await tf.setBackend('cpu');
await tf.ready();

const rows: Row[] = [];

function timeOurs(name: string, opts: ClassifierOptions, count: number): { perQueryMs: number; c: Classifier } {
  const qs = queries.slice(0, count);
  const c = createClassifier({ k: K, threshold: 0, ...opts });
  const t0 = performance.now();
  stored.forEach((embedding, i) => c.add({ id: `e${i}`, label: labelOf(i), embedding }));
  const addMs = performance.now() - t0;
  c.predict(queries[0] as Float32Array); // first call builds derived data (centring, prototypes)
  const before = tf.memory().numTensors;
  const t1 = performance.now();
  let sink = 0;
  for (const q of qs) sink += c.predict(q).similarity;
  const perQueryMs = (performance.now() - t1) / qs.length;
  const after = tf.memory().numTensors;
  rows.push({
    impl: `ours ${name}`,
    examples: N,
    dim: DIM,
    queries: qs.length,
    addMsPerExample: addMs / N,
    queryMs: perQueryMs,
    queriesPerSec: 1000 / perQueryMs,
    tensorsBefore: before,
    tensorsAfter: after,
    meanSimilarity: sink / qs.length,
  });
  return { perQueryMs, c };
}

const float32 = timeOurs('float32', {}, QUERIES);
timeOurs('int8', { precision: 'int8' }, OTHER_QUERIES);
timeOurs('float32 centred', { centre: true }, OTHER_QUERIES);
timeOurs('prototype', { mode: 'prototype' }, OTHER_QUERIES);
timeOurs('float32 plain JS', { simd: false }, JS_QUERIES);
timeOurs('int8 plain JS', { precision: 'int8', simd: false }, JS_QUERIES);

// The anchor: examples go in as tensors; predictClass is async (it reads the similarities back).
const anchor = knn.create();
const t0 = performance.now();
stored.forEach((v, i) => {
  const t = tf.tensor1d(v);
  anchor.addExample(t, labelOf(i));
  t.dispose();
});
const anchorAddMs = performance.now() - t0;
const warm = tf.tensor1d(queries[0] as Float32Array);
await anchor.predictClass(warm, K); // builds its concatenated matrix once
warm.dispose();
const anchorBefore = tf.memory().numTensors;
const anchorQueries = queries.slice(0, ANCHOR_QUERIES);
let agree = 0;
let anchorMs = 0;
const nearest = createClassifier({ k: 1, threshold: -1, neighbours: 1 });
nearest.restore(float32.c.snapshot());
for (const q of anchorQueries) {
  const t = tf.tensor1d(q);
  const s = performance.now();
  const res = await anchor.predictClass(t, 1);
  anchorMs += performance.now() - s;
  t.dispose();
  // Sanity: with k = 1 both must name the label of the same nearest example.
  if (res.label === nearest.predict(q).label) agree++;
}
const anchorPerQuery = anchorMs / anchorQueries.length;
const anchorAfter = tf.memory().numTensors;
rows.push({
  impl: 'anchor knn-classifier (tfjs cpu)',
  examples: N,
  dim: DIM,
  queries: anchorQueries.length,
  addMsPerExample: anchorAddMs / N,
  queryMs: anchorPerQuery,
  queriesPerSec: 1000 / anchorPerQuery,
  tensorsBefore: anchorBefore,
  tensorsAfter: anchorAfter,
  meanSimilarity: null,
});
for (const r of rows) r.speedupVsAnchor = anchorPerQuery / (r.queryMs as number);
anchor.dispose();

report('search', rows, {
  examples: N,
  dim: DIM,
  labels: LABELS,
  k: K,
  anchorBackend: tf.getBackend(),
  speedupFloat32: anchorPerQuery / float32.perQueryMs,
  top1AgreementWithAnchor: agree / anchorQueries.length,
  target: 'ours float32 ≥ 10× faster per query; ours holds no tensors',
});
