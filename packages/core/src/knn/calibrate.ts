import { AppError } from '@smartmirror/api';
import { createVectorMatrix } from './matrix.ts';

/** One labelled embedding for calibration. */
export interface LabelledEmbedding {
  label: string;
  embedding: Float32Array;
}

/** What calibrateThreshold found. Rates are fractions in [0, 1]. */
export interface ThresholdCalibration {
  /** Suggested classifier threshold (cosine similarity). */
  threshold: number;
  /** Fraction of "not taught" probes that would still be accepted at `threshold` (≤ the target). */
  falseAcceptRate: number;
  /** Fraction of probes of a taught label whose own label's nearest example reaches `threshold`. */
  trueAcceptRate: number;
  /** Probes with another example of their label (genuine scores) and probes overall (impostor scores). */
  genuineCount: number;
  impostorCount: number;
  /** The trade-off at a few thresholds, highest first, for choosing by eye. */
  curve: { threshold: number; falseAcceptRate: number; trueAcceptRate: number }[];
}

/** Options of calibrateThreshold. */
export interface CalibrationOptions {
  /** Largest acceptable fraction of unknown products answered as a known label. Default 0.05. */
  falseAcceptRate?: number;
  /** Compare centred vectors, as the classifier does with `centre: true`. Default false. */
  centre?: boolean;
}

/**
 * Suggests the open-set threshold of a cosine classifier (`whiten: false`; a whitened one's
 * similarities depend on the whole taught set, so presets carry thresholds measured by
 * bench/threshold.ts instead) for a target false-accept rate, by leave-one-out
 * over labelled embeddings (pure; O(n² · dim), SIMD-scanned: a few seconds for 3 000 × 1024):
 * - impostor score of each example: its best similarity to examples of OTHER labels — what the
 *   classifier would see if the example's product had never been taught;
 * - genuine score: its best similarity to the OTHER examples of its own label.
 * The threshold is the lowest value that accepts at most `falseAcceptRate` of impostor scores;
 * it is capped at 1, where the achieved rate can exceed the target only if identical vectors
 * carry different labels.
 */
export function calibrateThreshold(examples: readonly LabelledEmbedding[], opts: CalibrationOptions = {}): ThresholdCalibration {
  const far = opts.falseAcceptRate ?? 0.05;
  if (!(far >= 0 && far < 1)) throw new AppError('VALIDATION_FAILED', `falseAcceptRate must be in [0, 1), got ${far}`);
  const n = examples.length;
  const dim = examples[0]?.embedding.length ?? 0;
  if (new Set(examples.map((e) => e.label)).size < 2) {
    throw new AppError('VALIDATION_FAILED', 'calibration needs examples of at least two labels');
  }
  const units = examples.map((e, i) => {
    if (e.embedding.length !== dim) throw new AppError('INVALID_EMBEDDING', `example ${i} has ${e.embedding.length} values, expected ${dim}`);
    return Float32Array.from(e.embedding);
  });
  if (opts.centre === true) {
    const mean = new Float64Array(dim);
    for (const u of units) for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (u[j] as number) / n;
    for (const u of units) for (let j = 0; j < dim; j++) u[j] = (u[j] as number) - (mean[j] as number);
  }
  units.forEach((u, i) => {
    let sq = 0;
    for (let j = 0; j < dim; j++) {
      if (!Number.isFinite(u[j])) throw new AppError('INVALID_EMBEDDING', `example ${i} has a non-finite value`);
      sq += (u[j] as number) ** 2;
    }
    const norm = Math.sqrt(sq);
    if (!(norm > 1e-12)) throw new AppError('INVALID_EMBEDDING', `example ${i} is a zero vector`);
    for (let j = 0; j < dim; j++) u[j] = (u[j] as number) / norm;
  });

  const matrix = createVectorMatrix(dim, 'float32');
  matrix.reserve(n, 0);
  units.forEach((u, i) => matrix.set(i, u));
  const sims = new Float32Array(n);
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < n; i++) {
    matrix.dotAll(units[i] as Float32Array, n, sims);
    const label = (examples[i] as LabelledEmbedding).label;
    let own = -Infinity;
    let other = -Infinity;
    for (let r = 0; r < n; r++) {
      if (r === i) continue;
      const s = sims[r] as number;
      if ((examples[r] as LabelledEmbedding).label === label) own = Math.max(own, s);
      else other = Math.max(other, s);
    }
    if (own > -Infinity) genuine.push(own);
    impostor.push(other);
  }
  impostor.sort((a, b) => b - a);
  genuine.sort((a, b) => b - a);
  // Accepting at most floor(far · N) impostors: the threshold sits just above the next one.
  const allowed = Math.floor(far * impostor.length);
  const threshold = Math.min(1, (impostor[allowed] as number) + 1e-6);
  const rates = (t: number): { threshold: number; falseAcceptRate: number; trueAcceptRate: number } => ({
    threshold: t,
    falseAcceptRate: countAtLeast(impostor, t) / impostor.length,
    trueAcceptRate: genuine.length === 0 ? 0 : countAtLeast(genuine, t) / genuine.length,
  });
  const curve = [0.001, 0.01, 0.05, 0.1, 0.2, 0.5].map((f) => rates(Math.min(1, (impostor[Math.floor(f * impostor.length)] as number) + 1e-6)));
  return { ...rates(threshold), genuineCount: genuine.length, impostorCount: impostor.length, curve };
}

/** How many of the descending `sorted` values are ≥ t (binary search). */
function countAtLeast(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
