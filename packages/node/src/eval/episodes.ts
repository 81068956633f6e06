import { seededRandom, type Classifier } from '@smartmirror/core';

export { seededRandom };


/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** Labelled embeddings the episodes draw from. */
export interface LabelledVectors {
  labels: readonly string[];
  vectors: readonly Float32Array[];
}

/** Makes a fresh, empty classifier for one episode. */
export type ClassifierFactory = () => Classifier;

/** Episode settings shared by closed-set and open-set runs. */
export interface EpisodeOptions {
  /** Taught examples per label. */
  shots: number;
  /** Number of random episodes averaged. */
  episodes: number;
  /** Most queries per label per episode. Default: every image not taught. */
  perClass?: number;
  /** RNG seed. */
  seed: number;
}

/** Closed-set few-shot accuracy over episodes. */
export interface AccuracyResult {
  shots: number;
  /** Mean top-1 accuracy over episodes, in [0, 1]. */
  accuracy: number;
  /** Half-width of the 95 % confidence interval of `accuracy`. */
  ci95: number;
  episodes: number;
  /** Queries classified per episode. */
  queries: number;
}

function byLabel(data: LabelledVectors): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  data.labels.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return groups;
}

function meanAndCi(values: readonly number[], queries: number): { mean: number; ci95: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  if (values.length < 2) return { mean, ci95: 1.96 * Math.sqrt((mean * (1 - mean)) / Math.max(1, queries)) };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, ci95: 1.96 * Math.sqrt(variance / values.length) };
}

/** Splits each label's items into `shots` taught and up to `perClass` queries; labels too small to query are left out. */
function split(groups: Map<string, number[]>, opts: EpisodeOptions, random: () => number): { taught: number[]; queries: number[] } {
  const taught: number[] = [];
  const queries: number[] = [];
  for (const idx of groups.values()) {
    if (idx.length <= opts.shots) continue;
    const s = shuffled(idx, random);
    taught.push(...s.slice(0, opts.shots));
    queries.push(...s.slice(opts.shots, opts.perClass === undefined ? undefined : opts.shots + opts.perClass));
  }
  return { taught, queries };
}

/**
 * Few-shot episodes: each draws `shots` taught examples per label, teaches them to a fresh
 * classifier and classifies the other images. A query counts as right when the best-scored label
 * is its own (unknown rejection is measured separately by openSetEpisodes).
 */
export function accuracyEpisodes(data: LabelledVectors, makeClassifier: ClassifierFactory, opts: EpisodeOptions): AccuracyResult {
  const random = seededRandom(opts.seed * 1000 + opts.shots);
  const groups = byLabel(data);
  const accuracies: number[] = [];
  let queries = 0;
  for (let e = 0; e < opts.episodes; e++) {
    const { taught, queries: q } = split(groups, opts, random);
    const classifier = makeClassifier();
    for (const i of taught) classifier.add({ id: String(i), label: data.labels[i] ?? '', embedding: data.vectors[i] ?? new Float32Array(0) });
    let right = 0;
    for (const i of q) {
      const best = classifier.predict(data.vectors[i] ?? new Float32Array(0)).scores[0]?.label;
      if (best === data.labels[i]) right++;
    }
    accuracies.push(q.length === 0 ? 0 : right / q.length);
    queries = q.length;
  }
  const { mean, ci95 } = meanAndCi(accuracies, queries);
  return { shots: opts.shots, accuracy: mean, ci95, episodes: opts.episodes, queries };
}

/** How well the best-match similarity separates taught products from never-seen ones. */
export interface OpenSetResult {
  /** Labels taught; the others are shown as never-seen products. */
  known: number;
  shots: number;
  /** Area under the ROC of similarity, known (positive) vs unknown queries; 1 is perfect, 0.5 chance. */
  auroc: number;
  /** Share of unknown queries accepted at the threshold that accepts 90 % of known queries. */
  falseAcceptAt90Recall: number;
  /** That threshold (cosine similarity), averaged over episodes. */
  thresholdAt90Recall: number;
  episodes: number;
}

/** AUROC by the rank-sum (Mann–Whitney U) formula, ties counted half. */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [...positives.map((s) => ({ s, p: true })), ...negatives.map((s) => ({ s, p: false }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.s === all[i]?.s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.p) rankSum += avgRank;
    i = j;
  }
  const n = positives.length;
  return (rankSum - (n * (n + 1)) / 2) / (n * negatives.length);
}

/**
 * Open-set episodes: `known` random labels are taught with `shots` examples each; queries are
 * the rest of the known labels' images (positives) and images of every other label (negatives,
 * at most perClass each). The score is the prediction's best-match similarity.
 */
export function openSetEpisodes(data: LabelledVectors, makeClassifier: ClassifierFactory, opts: EpisodeOptions & { known: number }): OpenSetResult {
  const random = seededRandom(opts.seed * 1000 + 999);
  const groups = byLabel(data);
  const labels = [...groups.keys()];
  const aucs: number[] = [];
  const fars: number[] = [];
  const thresholds: number[] = [];
  for (let e = 0; e < opts.episodes; e++) {
    const known = new Set(shuffled(labels, random).slice(0, opts.known));
    const classifier = makeClassifier();
    const pos: number[] = [];
    const neg: number[] = [];
    const score = (i: number): number => classifier.predict(data.vectors[i] ?? new Float32Array(0)).similarity;
    const unknownQueries: number[] = [];
    for (const [label, idx] of groups) {
      const s = shuffled(idx, random);
      if (known.has(label)) {
        for (const i of s.slice(0, opts.shots)) classifier.add({ id: String(i), label, embedding: data.vectors[i] ?? new Float32Array(0) });
        pos.push(...s.slice(opts.shots, opts.perClass === undefined ? undefined : opts.shots + opts.perClass));
      } else {
        unknownQueries.push(...s.slice(0, opts.perClass));
      }
    }
    const posScores = pos.map(score);
    for (const i of unknownQueries) neg.push(score(i));
    aucs.push(auroc(posScores, neg));
    const sorted = [...posScores].sort((a, b) => a - b);
    const threshold = sorted[Math.floor(0.1 * sorted.length)] ?? 1;
    thresholds.push(threshold);
    fars.push(neg.filter((s) => s >= threshold).length / Math.max(1, neg.length));
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return { known: opts.known, shots: opts.shots, auroc: mean(aucs), falseAcceptAt90Recall: mean(fars), thresholdAt90Recall: mean(thresholds), episodes: opts.episodes };
}
