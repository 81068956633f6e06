// Resident memory of the classifier holding many examples: 100 000 × 1024-d by default, float32
// and int8, with the SIMD (WebAssembly memory) and plain JavaScript (typed array) storage, next to
// an empty process as the baseline. Each measurement runs in a fresh child process, so its RSS
// is its own and not what an earlier variant left behind.
//
//   node --import tsx bench/memory.ts [--examples 100000] [--dim 1024] [--labels 100]
// RSS is read after a full GC (each child runs with --expose-gc); the peak is reported beside it.
import { execFileSync } from 'node:child_process';
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// The classifier module alone, not the package index: the index also loads TF.js and the
// embedder (~100 MB of RSS before any example), which this benchmark is not about.
import { createClassifier } from '../packages/core/src/knn/classifier.ts';
import type { ClassifierOptions } from '@smartmirror/core';
import { report, type Row } from './lib/report.ts';

const VARIANTS = {
  baseline: null,
  'float32 simd whitened': { precision: 'float32', simd: true, whiten: true },
  'float32 simd': { precision: 'float32', simd: true, whiten: false },
  'int8 simd': { precision: 'int8', simd: true, whiten: false },
  'float32 js': { precision: 'float32', simd: false, whiten: false },
  'int8 js': { precision: 'int8', simd: false, whiten: false },
} as const satisfies Record<string, ClassifierOptions | null>;
type Variant = keyof typeof VARIANTS;

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '1024' },
    labels: { type: 'string', default: '100' },
    variant: { type: 'string' },
  },
});
const N = Number(values.examples);
const DIM = Number(values.dim);
const LABELS = Number(values.labels);
const MiB = 1024 * 1024;

/** Fills the classifier one generated vector at a time, so the input never sits in memory twice. */
function runVariant(variant: Variant): Row {
  const opts = VARIANTS[variant];
  const rssBefore = process.memoryUsage().rss;
  let a = 12345;
  const v = new Float32Array(DIM);
  const c = opts === null ? null : createClassifier(opts);
  const t0 = performance.now();
  if (c !== null) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < DIM; j++) {
        a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
        v[j] = a / 2147483648 - 1;
      }
      c.add({ id: `e${i}`, label: `label-${i % LABELS}`, embedding: v });
    }
  }
  const addMs = performance.now() - t0;
  // The first query pays for what is computed lazily (the whitening fit); a few more, so scratch
  // buffers the scan needs are counted too.
  const t1 = performance.now();
  c?.predict(v);
  const firstQueryMs = performance.now() - t1;
  const t2 = performance.now();
  for (let q = 0; q < 5 && c !== null; q++) c.predict(v);
  const queryMs = (performance.now() - t2) / 5;
  // What the process keeps, not garbage awaiting collection (the fit's d × d temporaries).
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  const payloadMiB = c === null ? 0 : (N * DIM * (opts?.precision === 'int8' ? 1 : 4)) / MiB;
  return {
    variant,
    examples: c === null ? 0 : c.size,
    dim: DIM,
    payloadMiB,
    rssMiB: mem.rss / MiB,
    peakRssMiB: resourceUsage().maxRSS / 1024,
    rssGrowthMiB: (mem.rss - rssBefore) / MiB,
    heapUsedMiB: mem.heapUsed / MiB,
    arrayBuffersMiB: mem.arrayBuffers / MiB,
    addUsPerExample: c === null ? null : (addMs * 1000) / N,
    firstQueryMs: c === null ? null : firstQueryMs,
    queryMs: c === null ? null : queryMs,
  };
}

if (values.variant !== undefined) {
  const variant = Object.keys(VARIANTS).find((v): v is Variant => v === values.variant);
  if (variant === undefined) throw new Error(`unknown variant ${values.variant}`);
  process.stdout.write(`${JSON.stringify(runVariant(variant))}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = (Object.keys(VARIANTS) as Variant[]).map((variant) => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', self, '--variant', variant, '--examples', String(N), '--dim', String(DIM), '--labels', String(LABELS)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(out) as Row;
  });
  const base = rows.find((r) => r.variant === 'baseline');
  for (const r of rows) r.overBaselineMiB = base ? Number(r.rssMiB) - Number(base.rssMiB) : null;
  report('memory', rows, {
    examples: N,
    dim: DIM,
    labels: LABELS,
    target: 'float32 100 000 × 1024: RSS ≤ 450 MB',
  });
}
