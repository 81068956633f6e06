import { AppError } from '@smartmirror/api';
import type {
  Classifier,
  ClassifierOptions,
  ClassifierSnapshot,
  Example,
  Neighbour,
  Prediction,
} from '../types.ts';
import { createVectorMatrix } from './matrix.ts';
import type { Precision, VectorMatrix } from './matrix.ts';
import { DEFAULT_SHRINKAGE, fitWhitening, prepareQuery, whitenedNorms, whiteningScratch, type Whitening, type WhiteningScratch } from './whiten.ts';

/**
 * Default neighbours per label that vote (k): 1, the best measured on the grocery photos at 1, 5
 * and 10 shots (k = 3 lost 5–13 points; README "Models and accuracy").
 */
export const DEFAULT_K = 1;
/**
 * Fallback similarity under which the answer is unknown, for models without a measured threshold;
 * similarity scales differ per model (whitened: 0.21–0.64 measured for the presets), so presets
 * carry their own (ModelPreset.threshold) and `smartmirror eval --open-set` measures one for any
 * other model (thresholdAt90Recall).
 */
export const DEFAULT_THRESHOLD = 0.6;
/** Default number of nearest examples returned for "why". */
export const DEFAULT_NEIGHBOURS = 5;
/**
 * Share of the rows fitted that may change (added or removed) before the whitening is fitted
 * again; rows added in between are measured with the current fit. Refitting after a fixed
 * fraction keeps the cost per added example O(d²) however large the set grows.
 */
export const REFIT_FRACTION = 0.25;
/**
 * Default softmax temperature, as a fraction of the headroom 1 − threshold (see createClassifier).
 * Measured with the whitened metric (bench/threshold.ts, photos of another session, confidence ≥
 * the kiosk's 0.6): 0.1 named only 19 % of the taught products' photos with the best preset
 * (2 % wrong); 0.05 names 48 % (3 % wrong) and the drawn demo products 88 of 88.
 */
export const DEFAULT_TEMPERATURE = 0.05;
/** Default width of the closeness sigmoid, as a fraction of the headroom 1 − threshold. */
export const DEFAULT_SOFTNESS = 0.1;

/** Options with every default filled in. */
interface Settings {
  k: number;
  mode: 'knn' | 'prototype';
  threshold: number;
  centre: boolean;
  whiten: boolean;
  shrinkage: number;
  precision: Precision;
  neighbours: number;
  temperature: number;
  softness: number;
  simd: boolean;
}

/**
 * k-NN classifier over stored unit embeddings (cosine similarity), with open-set rejection.
 *
 * Scoring, per label l with n_l stored examples (knn mode):
 *   m_l  = min(k, n_l): each label is judged on its OWN m_l nearest examples, so a label taught
 *          with 2 photos is not out-voted by one taught with 50 moderately similar ones.
 *   s̄_l  = mean similarity of those m_l examples (similarity-weighted vote, normalised per label);
 *   b_l  = similarity of the label's nearest example.
 * In prototype mode s̄_l = b_l = cosine to the label's mean vector (weight imprinting).
 *
 * Confidence of l = share_l × closeness_l, in [0, 1]:
 *   h           = max(1 − threshold, 0.001)                 (headroom: the scale of "a clear match")
 *   share_l     = softmax over labels of s̄_l / (temperature·h)  (how much l beats the other labels)
 *   closeness_l = sigmoid((b_l − threshold) / (softness·h))     (how far the match is above the threshold)
 * so confidence drops both for ambiguous queries (share ≈ 1/2 between two labels) and for far
 * queries (closeness → 0), and is at most share/2 exactly at the threshold. Scaling by h keeps
 * the confidences comparable across embedding spaces: raw post-ReLU features put every cosine in
 * [0.95, 1] (calibrated threshold ≈ 0.985), centred ones spread over [−1, 1] (threshold ≈ 0.5), and a
 * fixed temperature would make the first near-uniform and the second needlessly sharp.
 * The answer is the label with the highest confidence; it is unknown when its b_l < threshold.
 *
 * Whitening (default, knn mode): similarities are cosines after the metric fitted to the stored
 * examples (see whiten.ts), which shrinks the directions photos of one product vary in. Rows
 * stay raw: the query is transformed instead (u = C⁻¹(q − c), one d² solve) and the same raw scan
 * gives x·u − c·u, divided by each row's whitened length (one float per row). So whitening costs
 * 4 bytes per example, not a second copy. It subsumes centring.
 *
 * Centring subtracts the mean of the stored vectors from stored and query vectors and
 * re-normalises: cos(q − μ, x − μ). It is computed algebraically from the raw dot products
 * (q·x − q·μ − x·μ + μ·μ) / (|q − μ| |x − μ|), so the matrix stays raw and adding an example only
 * invalidates the per-row x·μ, recomputed lazily in one pass at the next prediction.
 */
export function createClassifier(opts: ClassifierOptions = {}): Classifier {
  return new KnnClassifier(resolve(opts));
}

function resolve(opts: ClassifierOptions): Settings {
  const s: Settings = {
    k: opts.k ?? DEFAULT_K,
    mode: opts.mode ?? 'knn',
    threshold: opts.threshold ?? DEFAULT_THRESHOLD,
    centre: opts.centre ?? false,
    whiten: opts.whiten ?? true,
    shrinkage: opts.shrinkage ?? DEFAULT_SHRINKAGE,
    precision: opts.precision ?? 'float32',
    neighbours: opts.neighbours ?? DEFAULT_NEIGHBOURS,
    temperature: opts.temperature ?? DEFAULT_TEMPERATURE,
    softness: opts.softness ?? DEFAULT_SOFTNESS,
    simd: opts.simd ?? true,
  };
  const bad = (what: string): never => {
    throw new AppError('VALIDATION_FAILED', `classifier option ${what}`);
  };
  if (!Number.isInteger(s.k) || s.k < 1 || s.k > 1000) bad(`k must be an integer in [1, 1000], got ${s.k}`);
  if (!(s.threshold >= -1 && s.threshold <= 1)) bad(`threshold must be in [-1, 1], got ${s.threshold}`);
  if (!Number.isInteger(s.neighbours) || s.neighbours < 0 || s.neighbours > 1000) {
    bad(`neighbours must be an integer in [0, 1000], got ${s.neighbours}`);
  }
  if (!(s.temperature > 0 && Number.isFinite(s.temperature))) bad(`temperature must be > 0, got ${s.temperature}`);
  if (!(s.softness > 0 && Number.isFinite(s.softness))) bad(`softness must be > 0, got ${s.softness}`);
  if (!(s.shrinkage > 0 && s.shrinkage <= 1)) bad(`shrinkage must be in (0, 1], got ${s.shrinkage}`);
  if (s.mode !== 'knn' && s.mode !== 'prototype') bad(`mode must be 'knn' or 'prototype'`);
  if (s.precision !== 'float32' && s.precision !== 'int8') bad(`precision must be 'float32' or 'int8'`);
  return s;
}

/** Checks length and finiteness, then writes the unit-length copy into `out`. */
function normaliseInto(v: Float32Array, dim: number, out: Float32Array, what: string): void {
  if (!(v instanceof Float32Array)) throw new AppError('INVALID_EMBEDDING', `${what} must be a Float32Array`);
  if (v.length !== dim) {
    throw new AppError('INVALID_EMBEDDING', `${what} has ${v.length} values, expected ${dim}`);
  }
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const x = v[j] as number;
    if (!Number.isFinite(x)) throw new AppError('INVALID_EMBEDDING', `${what} has a non-finite value at index ${j}`);
    s += x * x;
  }
  // Vectors are expected unit-length already; re-normalising is cheap and protects cosine
  // from embeddings made by another tool or rounded by transport.
  const norm = Math.sqrt(s);
  if (!(norm > 1e-12) || !Number.isFinite(norm)) {
    throw new AppError('INVALID_EMBEDDING', `${what} is a zero (or overflowing) vector`);
  }
  for (let j = 0; j < dim; j++) out[j] = (v[j] as number) / norm;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) throw new AppError('VALIDATION_FAILED', 'example id must be a non-empty string');
  return id;
}

function checkLabel(label: unknown): string {
  if (typeof label !== 'string' || label.trim().length === 0) {
    throw new AppError('INVALID_LABEL', 'label must be a non-empty string');
  }
  return label;
}

/** Everything stored, kept apart from the settings so restore() can build a new one and swap. */
class Store {
  n = 0;
  readonly matrix: VectorMatrix;
  ids: string[] = [];
  rowLabel = new Int32Array(0);
  readonly idToRow = new Map<string, number>();
  readonly labelSlot = new Map<string, number>();
  labelNames: string[] = [];
  labelCounts: number[] = [];
  /** Per-label sum of stored vectors (float64: add/remove cycles must not drift). */
  labelSums: Float64Array[] = [];
  private readonly freeSlots: number[] = [];
  /** Sum of all stored vectors, for the centring mean. */
  readonly sum: Float64Array;
  /** Derived data (centring terms, prototypes) is stale after any change. */
  dirty = true;
  /** The fitted metric, and each row's length in its space (same row order as `matrix`). */
  whitening: Whitening | null = null;
  whitenedNorm = new Float32Array(0);
  private rowsFitted = 0;
  private changesSinceFit = 0;
  private readonly wScratch: WhiteningScratch;

  constructor(
    readonly dim: number,
    private readonly precision: Precision,
    private readonly simd: boolean,
  ) {
    this.matrix = createVectorMatrix(dim, precision, simd);
    this.sum = new Float64Array(dim);
    this.wScratch = whiteningScratch(dim);
  }

  /** True when no metric is fitted or too much changed since the last fit (REFIT_FRACTION). */
  get needsFit(): boolean {
    return this.whitening === null || this.changesSinceFit > REFIT_FRACTION * this.rowsFitted;
  }

  /** Fits the metric to the stored rows and measures every row in it again. */
  fit(shrinkage: number): void {
    const w = fitWhitening(
      { n: this.n, dim: this.dim, row: (r, out) => this.matrix.get(r, out), rowLabel: this.rowLabel },
      shrinkage,
    );
    // Rows are read a chunk at a time (dequantised when int8) into one reused buffer.
    const chunk = 256;
    const raw = new Float32Array(chunk * this.dim);
    for (let r0 = 0; r0 < this.n; r0 += chunk) {
      const count = Math.min(chunk, this.n - r0);
      for (let b = 0; b < count; b++) this.matrix.get(r0 + b, raw, b * this.dim);
      whitenedNorms(w, raw, count, this.whitenedNorm.subarray(r0, r0 + count), this.wScratch);
    }
    this.whitening = w;
    this.rowsFitted = this.n;
    this.changesSinceFit = 0;
  }

  /** u = C⁻¹(q − c) for the raw scan (see prepareQuery); null when no metric is fitted. */
  prepareQuery(q: Float32Array, u: Float32Array): { norm: number; offset: number } | null {
    return this.whitening === null ? null : prepareQuery(this.whitening, q, u, this.wScratch);
  }

  /** Appends a validated unit vector. The id must not be stored. */
  append(id: string, label: string, unit: Float32Array): void {
    const row = this.n;
    if (row + 1 > this.matrix.capacity) {
      this.matrix.reserve(row + 1, row);
      const rl = new Int32Array(this.matrix.capacity);
      rl.set(this.rowLabel.subarray(0, row));
      this.rowLabel = rl;
      const wn = new Float32Array(this.matrix.capacity);
      wn.set(this.whitenedNorm.subarray(0, row));
      this.whitenedNorm = wn;
    }
    this.matrix.set(row, unit);
    let slot = this.labelSlot.get(label);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.labelNames.length;
      this.labelSlot.set(label, slot);
      this.labelNames[slot] = label;
      this.labelCounts[slot] = 0;
      this.labelSums[slot] = new Float64Array(this.dim);
    }
    this.rowLabel[row] = slot;
    this.labelCounts[slot] = (this.labelCounts[slot] ?? 0) + 1;
    const ls = this.labelSums[slot] as Float64Array;
    for (let j = 0; j < this.dim; j++) {
      const x = unit[j] as number;
      ls[j] = (ls[j] as number) + x;
      this.sum[j] = (this.sum[j] as number) + x;
    }
    this.ids[row] = id;
    this.idToRow.set(id, row);
    this.n = row + 1;
    if (this.whitening !== null) whitenedNorms(this.whitening, unit, 1, this.whitenedNorm.subarray(row, row + 1), this.wScratch);
    this.changesSinceFit++;
    this.dirty = true;
  }

  /** Swap-remove: the last row moves into the hole, so removal is O(dim) whatever the size. */
  removeRow(row: number, scratch: Float32Array): void {
    const slot = this.rowLabel[row] as number;
    this.matrix.get(row, scratch);
    const ls = this.labelSums[slot] as Float64Array;
    for (let j = 0; j < this.dim; j++) {
      const x = scratch[j] as number;
      ls[j] = (ls[j] as number) - x;
      this.sum[j] = (this.sum[j] as number) - x;
    }
    const count = (this.labelCounts[slot] ?? 1) - 1;
    this.labelCounts[slot] = count;
    if (count === 0) {
      this.labelSlot.delete(this.labelNames[slot] as string);
      this.freeSlots.push(slot);
    }
    this.idToRow.delete(this.ids[row] as string);
    const last = this.n - 1;
    if (row !== last) {
      this.matrix.move(last, row);
      this.whitenedNorm[row] = this.whitenedNorm[last] as number;
      this.rowLabel[row] = this.rowLabel[last] as number;
      const movedId = this.ids[last] as string;
      this.ids[row] = movedId;
      this.idToRow.set(movedId, row);
    }
    this.ids.length = last;
    this.n = last;
    this.changesSinceFit++;
    this.dirty = true;
  }
}

class KnnClassifier implements Classifier {
  private store: Store | null = null;
  /** Normalised example being added (length dim). */
  private unit = new Float32Array(0);
  /** Normalised query (length dim). */
  private query = new Float32Array(0);
  /** The query transformed for the whitened scan, C⁻¹(q − c) (length dim). */
  private whitenedQuery = new Float32Array(0);
  /** Similarities of every stored row to the query (capacity rows). */
  private sims = new Float32Array(0);
  // Centring terms, valid while !store.dirty.
  private mean = new Float32Array(0);
  private meanSq = 0;
  private rowMean = new Float32Array(0);
  private rowNorm = new Float32Array(0);
  /** Centred query in prototype mode (length dim). */
  private centred = new Float32Array(0);
  /** Prototype matrix: one unit vector per label slot, zero for empty slots. */
  private prototypes = new Float32Array(0);
  // Per-label top-k buffers, slot-major: topSims[slot * k + i], best first.
  private topSims = new Float32Array(0);
  private topCount = new Int32Array(0);
  private nbSims = new Float32Array(0);
  private nbRows = new Int32Array(0);

  constructor(private readonly s: Settings) {}

  get size(): number {
    return this.store?.n ?? 0;
  }

  get dim(): number | null {
    return this.store !== null && this.store.n > 0 ? this.store.dim : null;
  }

  add(example: Example): void {
    const id = checkId(example.id);
    const label = checkLabel(example.label);
    const vec: unknown = example.embedding;
    if (!(vec instanceof Float32Array) || vec.length === 0) {
      throw new AppError('INVALID_EMBEDDING', `embedding of ${id} must be a non-empty Float32Array`);
    }
    const dim = this.dim ?? vec.length;
    // Reused across adds: bulk loads (restore, sync of 100 000 examples) then allocate nothing
    // per example, which keeps the allocator from fragmenting and RSS close to the payload.
    if (this.unit.length !== dim) this.unit = new Float32Array(dim);
    const unit = this.unit;
    normaliseInto(vec, dim, unit, `embedding of ${id}`);
    // Everything is validated: from here on only growing the storage can throw (out of memory),
    // and it does so before changing anything, so a refused add changes nothing.
    let store = this.store;
    if (store === null || store.n === 0) {
      store = new Store(dim, this.s.precision, this.s.simd);
      this.store = store;
    }
    const existing = store.idToRow.get(id);
    if (existing !== undefined) store.removeRow(existing, this.scratch(dim));
    store.append(id, label, unit);
  }

  remove(id: string): boolean {
    const store = this.store;
    const row = store?.idToRow.get(id);
    if (store === null || row === undefined) return false;
    store.removeRow(row, this.scratch(store.dim));
    return true;
  }

  clearLabel(label: string): number {
    const store = this.store;
    if (store === null) return 0;
    const slot = store.labelSlot.get(label);
    if (slot === undefined) return 0;
    const scratch = this.scratch(store.dim);
    let removed = 0;
    // Walk backwards: swap-remove only moves rows from the end, which were already visited.
    for (let row = store.n - 1; row >= 0; row--) {
      if (store.rowLabel[row] === slot) {
        store.removeRow(row, scratch);
        removed++;
      }
    }
    return removed;
  }

  labels(): { label: string; count: number }[] {
    const store = this.store;
    if (store === null) return [];
    return [...store.labelSlot.entries()]
      .map(([label, slot]) => ({ label, count: store.labelCounts[slot] ?? 0 }))
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }

  snapshot(): ClassifierSnapshot {
    const store = this.store;
    if (store === null || store.n === 0) return { dim: 0, ids: [], labels: [], vectors: new Float32Array(0) };
    const vectors = new Float32Array(store.n * store.dim);
    for (let row = 0; row < store.n; row++) store.matrix.get(row, vectors, row * store.dim);
    return {
      dim: store.dim,
      ids: store.ids.slice(0, store.n),
      labels: Array.from(store.rowLabel.subarray(0, store.n), (slot) => store.labelNames[slot] as string),
      vectors,
    };
  }

  restore(snapshot: ClassifierSnapshot): void {
    const { dim, ids, labels, vectors } = snapshot;
    const fail = (msg: string): never => {
      throw new AppError('VALIDATION_FAILED', `snapshot: ${msg}`);
    };
    if (!Array.isArray(ids) || !Array.isArray(labels)) fail('ids and labels must be arrays');
    if (!(vectors instanceof Float32Array)) fail('vectors must be a Float32Array');
    if (ids.length !== labels.length) fail(`${ids.length} ids but ${labels.length} labels`);
    if (!Number.isInteger(dim) || dim < 0 || (dim === 0 && ids.length > 0)) fail(`invalid dim ${dim}`);
    if (vectors.length !== ids.length * dim) {
      fail(`vectors hold ${vectors.length} values, expected ${ids.length} × ${dim}`);
    }
    if (ids.length === 0) {
      this.store = null;
      return;
    }
    // Build aside and swap at the end, so an invalid row leaves the current set untouched.
    const next = new Store(dim, this.s.precision, this.s.simd);
    const unit = new Float32Array(dim);
    for (let i = 0; i < ids.length; i++) {
      const id = checkId(ids[i]);
      const label = checkLabel(labels[i]);
      if (next.idToRow.has(id)) fail(`duplicate id ${id}`);
      normaliseInto(vectors.subarray(i * dim, (i + 1) * dim), dim, unit, `snapshot row ${i} (${id})`);
      next.append(id, label, unit);
    }
    this.store = next;
  }

  predict(embedding: Float32Array): Prediction {
    const store = this.store;
    if (store === null || store.n === 0) {
      const vec: unknown = embedding;
      if (!(vec instanceof Float32Array)) throw new AppError('INVALID_EMBEDDING', 'query must be a Float32Array');
      normaliseInto(embedding, embedding.length, new Float32Array(embedding.length), 'query');
      return { label: null, unknown: true, confidence: 0, similarity: 0, scores: [], neighbours: [] };
    }
    const dim = store.dim;
    if (this.query.length !== dim) this.query = new Float32Array(dim);
    normaliseInto(embedding, dim, this.query, 'query');
    this.refresh(store);
    return this.s.mode === 'prototype' ? this.predictPrototype(store) : this.predictKnn(store);
  }

  /** Whitening applies to k-NN search; prototype mode keeps plain (or centred) cosine. */
  private whitens(): boolean {
    return this.s.whiten && this.s.mode === 'knn';
  }

  private scratch(dim: number): Float32Array {
    if (this.query.length !== dim) this.query = new Float32Array(dim);
    return this.query;
  }

  /** Recomputes centring terms and prototypes after changes; one pass over the matrix. */
  private refresh(store: Store): void {
    if (!store.dirty) return;
    const { dim, n } = store;
    if (this.whitens() && store.needsFit) store.fit(this.s.shrinkage);
    const cap = store.matrix.capacity;
    if (this.sims.length < cap) this.sims = new Float32Array(cap);
    if (this.mean.length !== dim) this.mean = new Float32Array(dim);
    let mm = 0;
    for (let j = 0; j < dim; j++) {
      const m = (store.sum[j] as number) / n;
      this.mean[j] = m;
      mm += m * m;
    }
    this.meanSq = mm;
    if (this.s.centre && this.s.mode === 'knn' && !this.s.whiten) {
      if (this.rowMean.length < cap) {
        this.rowMean = new Float32Array(cap);
        this.rowNorm = new Float32Array(cap);
      }
      store.matrix.dotAll(this.mean, n, this.rowMean);
      for (let r = 0; r < n; r++) {
        const sq = store.matrix.selfDot(r) - 2 * (this.rowMean[r] as number) + mm;
        this.rowNorm[r] = Math.sqrt(Math.max(sq, 0));
      }
    }
    const slots = store.labelNames.length;
    if (this.s.mode === 'prototype') {
      if (this.prototypes.length < slots * dim) this.prototypes = new Float32Array(slots * dim);
      const centre = this.s.centre && n >= 2;
      for (let slot = 0; slot < slots; slot++) {
        const count = store.labelCounts[slot] ?? 0;
        const ls = store.labelSums[slot];
        const base = slot * dim;
        let sq = 0;
        for (let j = 0; j < dim; j++) {
          const v = count > 0 && ls !== undefined ? (ls[j] as number) / count - (centre ? (this.mean[j] as number) : 0) : 0;
          this.prototypes[base + j] = v;
          sq += v * v;
        }
        const norm = Math.sqrt(sq);
        // A label whose mean equals the global mean (e.g. the only label, centred) has no
        // direction: its prototype stays zero and scores similarity 0.
        for (let j = 0; j < dim; j++) {
          this.prototypes[base + j] = norm > 1e-9 ? (this.prototypes[base + j] as number) / norm : 0;
        }
      }
    }
    const k = this.s.k;
    if (this.topSims.length < slots * k) {
      this.topSims = new Float32Array(slots * k);
      this.topCount = new Int32Array(slots);
    }
    if (this.nbSims.length < this.s.neighbours) {
      this.nbSims = new Float32Array(this.s.neighbours);
      this.nbRows = new Int32Array(this.s.neighbours);
    }
    store.dirty = false;
  }

  private predictKnn(store: Store): Prediction {
    const { n } = store;
    const sims = this.sims;
    const q = this.query;
    if (this.whitens() && store.whitening !== null) {
      if (this.whitenedQuery.length !== store.dim) this.whitenedQuery = new Float32Array(store.dim);
      const u = this.whitenedQuery;
      const { norm, offset } = store.prepareQuery(q, u) ?? { norm: 0, offset: 0 };
      store.matrix.dotAll(u, n, sims);
      const wn = store.whitenedNorm;
      for (let r = 0; r < n; r++) {
        const denom = norm * (wn[r] as number);
        const c = denom > 1e-12 ? ((sims[r] as number) - offset) / denom : 0;
        sims[r] = Math.max(-1, Math.min(1, c));
      }
    } else {
      store.matrix.dotAll(q, n, sims);
    }
    if (this.s.centre && !this.whitens() && n >= 2) {
      let qm = 0;
      for (let j = 0; j < store.dim; j++) qm += (q[j] as number) * (this.mean[j] as number);
      const mm = this.meanSq;
      const qNorm = Math.sqrt(Math.max(1 - 2 * qm + mm, 0));
      for (let r = 0; r < n; r++) {
        const denom = qNorm * (this.rowNorm[r] as number);
        const c = denom > 1e-9 ? ((sims[r] as number) - qm - (this.rowMean[r] as number) + mm) / denom : 0;
        sims[r] = Math.max(-1, Math.min(1, c));
      }
    }

    // One pass: each label keeps its own best k (small sorted insertion; most rows fail the
    // first comparison), and the global best `neighbours` rows are kept the same way.
    const k = this.s.k;
    const slots = store.labelNames.length;
    const top = this.topSims;
    const cnt = this.topCount;
    cnt.fill(0, 0, slots);
    const nbMax = this.s.neighbours;
    const nbS = this.nbSims;
    const nbR = this.nbRows;
    let nbCount = 0;
    const rowLabel = store.rowLabel;
    for (let r = 0; r < n; r++) {
      const sim = sims[r] as number;
      const slot = rowLabel[r] as number;
      const base = slot * k;
      const c = cnt[slot] as number;
      if (c < k || sim > (top[base + k - 1] as number)) {
        let i = c < k ? c : k - 1;
        while (i > 0 && (top[base + i - 1] as number) < sim) {
          top[base + i] = top[base + i - 1] as number;
          i--;
        }
        top[base + i] = sim;
        if (c < k) cnt[slot] = c + 1;
      }
      if (nbMax > 0 && (nbCount < nbMax || sim > (nbS[nbMax - 1] as number))) {
        let i = nbCount < nbMax ? nbCount : nbMax - 1;
        while (i > 0 && (nbS[i - 1] as number) < sim) {
          nbS[i] = nbS[i - 1] as number;
          nbR[i] = nbR[i - 1] as number;
          i--;
        }
        nbS[i] = sim;
        nbR[i] = r;
        if (nbCount < nbMax) nbCount++;
      }
    }

    const candidates: Candidate[] = [];
    for (let slot = 0; slot < slots; slot++) {
      const c = cnt[slot] as number;
      if (c === 0) continue;
      let total = 0;
      for (let i = 0; i < c; i++) total += top[slot * k + i] as number;
      candidates.push({ label: store.labelNames[slot] as string, mean: total / c, best: top[slot * k] as number });
    }
    const neighbours: Neighbour[] = [];
    for (let i = 0; i < nbCount; i++) {
      const row = nbR[i] as number;
      neighbours.push({
        id: store.ids[row] as string,
        label: store.labelNames[rowLabel[row] as number] as string,
        similarity: nbS[i] as number,
      });
    }
    return this.decide(candidates, neighbours);
  }

  private predictPrototype(store: Store): Prediction {
    const dim = store.dim;
    const q = this.query;
    const centre = this.s.centre && store.n >= 2;
    let query = q;
    if (centre) {
      if (this.centred.length !== dim) this.centred = new Float32Array(dim);
      const buf = this.centred;
      let sq = 0;
      for (let j = 0; j < dim; j++) {
        const v = (q[j] as number) - (this.mean[j] as number);
        buf[j] = v;
        sq += v * v;
      }
      const norm = Math.sqrt(sq);
      for (let j = 0; j < dim; j++) buf[j] = norm > 1e-9 ? (buf[j] as number) / norm : 0;
      query = buf;
    }
    const candidates: Candidate[] = [];
    for (let slot = 0; slot < store.labelNames.length; slot++) {
      if ((store.labelCounts[slot] ?? 0) === 0) continue;
      const base = slot * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) s += (this.prototypes[base + j] as number) * (query[j] as number);
      const sim = Math.max(-1, Math.min(1, s));
      candidates.push({ label: store.labelNames[slot] as string, mean: sim, best: sim });
    }
    // In prototype mode the "neighbours" are the nearest label prototypes (id `prototype:<label>`):
    // finding the nearest examples would cost the full scan this mode exists to avoid.
    const neighbours = [...candidates]
      .sort((a, b) => b.best - a.best)
      .slice(0, this.s.neighbours)
      .map((c) => ({ id: `prototype:${c.label}`, label: c.label, similarity: c.best }));
    return this.decide(candidates, neighbours);
  }

  /** Turns per-label similarities into confidences and the answer (formula in createClassifier). */
  private decide(candidates: Candidate[], neighbours: Neighbour[]): Prediction {
    const { threshold } = this.s;
    const headroom = Math.max(1 - threshold, 0.001);
    const temperature = this.s.temperature * headroom;
    const softness = this.s.softness * headroom;
    let maxMean = -Infinity;
    for (const c of candidates) maxMean = Math.max(maxMean, c.mean);
    let z = 0;
    for (const c of candidates) z += Math.exp((c.mean - maxMean) / temperature);
    const scored = candidates.map((c) => {
      const share = Math.exp((c.mean - maxMean) / temperature) / z;
      const closeness = 1 / (1 + Math.exp(-(c.best - threshold) / softness));
      return { label: c.label, confidence: share * closeness, best: c.best };
    });
    scored.sort((a, b) => b.confidence - a.confidence || b.best - a.best || (a.label < b.label ? -1 : 1));
    const top = scored[0];
    if (top === undefined) return { label: null, unknown: true, confidence: 0, similarity: 0, scores: [], neighbours };
    const unknown = top.best < threshold;
    return {
      label: unknown ? null : top.label,
      unknown,
      confidence: top.confidence,
      similarity: top.best,
      scores: scored.map(({ label, confidence }) => ({ label, confidence })),
      neighbours,
    };
  }
}

interface Candidate {
  label: string;
  /** Mean similarity of the label's own nearest min(k, n) examples (or its prototype). */
  mean: number;
  /** Similarity of the label's nearest example (or its prototype). */
  best: number;
}
