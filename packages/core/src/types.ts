// The public contracts of the core. Implementations are private to their modules and reached
// only through the factories exported from index.ts.

/** Decoded 8-bit pixels, row-major. RGBA (4 channels) from a canvas keeps its alpha, which is ignored. */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** What identifies a model's embedding space: embeddings are only comparable within one `id`. */
export interface ModelInfo {
  /** Stable id stored with every example, e.g. `mobilenet-v2@block_10`. */
  id: string;
  /** Square input side in pixels (224 for all presets). */
  inputSize: number;
  /** The range the model wants its input scaled to, e.g. [-1, 1] or [0, 1]. */
  inputRange: readonly [number, number];
  /** Layer(s) whose outputs are pooled into the embedding. */
  cutLayers: readonly string[];
  /** Length of the embedding vector. */
  dim: number;
}

/** Turns images into L2-normalised embedding vectors. Holds tensors: call dispose() when done. */
export interface Embedder {
  readonly info: ModelInfo;
  /** One unit-length Float32Array of `info.dim` per image, in order. Images of any size. */
  embed(images: readonly RawImage[]): Promise<Float32Array[]>;
  dispose(): void;
}

/** A stored example as the classifier sees it. */
export interface Example {
  id: string;
  label: string;
  /** Unit-length vector of the classifier's dim. */
  embedding: Float32Array;
}

/** One stored example near the query, for "why did it say that". */
export interface Neighbour {
  /** The example's id; in prototype mode the label's prototype, `prototype:<label>`. */
  id: string;
  label: string;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** The classifier's answer for one embedding. */
export interface Prediction {
  /** The recognised label, or null when unknown. */
  label: string | null;
  unknown: boolean;
  /** Confidence of `label` (or of the best label when unknown) in [0, 1]. */
  confidence: number;
  /** Cosine similarity of the best match, the value compared with the threshold. */
  similarity: number;
  /** Every label's confidence, best first. */
  scores: { label: string; confidence: number }[];
  /** The nearest stored examples, nearest first. */
  neighbours: Neighbour[];
}

/** How a classifier compares a query with what it stores. */
export interface ClassifierOptions {
  /** Nearest neighbours that vote, per the k-NN rule. Default chosen by benchmark (see README). */
  k?: number;
  /** 'knn': similarity-weighted votes of the nearest examples; 'prototype': one mean vector per label. */
  mode?: 'knn' | 'prototype';
  /** Cosine similarity under which the answer is `unknown`. Default chosen by benchmark. */
  threshold?: number;
  /** Subtract the mean of the stored examples and re-normalise before comparing; ignored while whitening. */
  centre?: boolean;
  /**
   * k-NN mode: compare in a metric fitted to the stored examples (within-label whitening), which
   * measured +10 to +18 points at 5 shots; costs 4 bytes per example and a d² solve per query,
   * and a refit (O(n·d²)) after a quarter of the examples changed. Default true.
   */
  whiten?: boolean;
  /** Whitening: weight of the identity in the shrunk covariance, in (0, 1]. Default 0.2. */
  shrinkage?: number;
  /** Storage precision of the vectors; int8 is 4× smaller. Default 'float32'. */
  precision?: 'float32' | 'int8';
  /** How many nearest examples a prediction returns for "why". Default 5. */
  neighbours?: number;
  /** Softmax temperature sharing confidence between labels, as a fraction of 1 − threshold; smaller is sharper. Default 0.05. */
  temperature?: number;
  /** Width of the sigmoid that lowers confidence as the best match nears the threshold, as a fraction of 1 − threshold. Default 0.1. */
  softness?: number;
  /** Scan with the WebAssembly SIMD kernel where available (dim a multiple of 8, or 16 for int8). Default true. */
  simd?: boolean;
}

/** The whole stored set, for persistence and transfer. Vectors are row-major, `ids.length × dim`. */
export interface ClassifierSnapshot {
  dim: number;
  ids: string[];
  labels: string[];
  vectors: Float32Array;
}

/** k-NN over stored embeddings. Pure CPU maths on a contiguous matrix: holds no tensors. */
export interface Classifier {
  /** Number of stored examples. */
  readonly size: number;
  /** Vector length, fixed by the first example added (null while empty). */
  readonly dim: number | null;
  /** Stores one example; refuses a wrong length or non-finite values. Re-adding an id replaces it. */
  add(example: Example): void;
  /** Removes one example; false when the id is not stored. */
  remove(id: string): boolean;
  /** Removes every example of a label; returns how many were removed. */
  clearLabel(label: string): number;
  /** Labels with their example counts, sorted by label. */
  labels(): { label: string; count: number }[];
  /** Classifies one unit-length embedding. An empty classifier answers unknown. */
  predict(embedding: Float32Array): Prediction;
  snapshot(): ClassifierSnapshot;
  /** Replaces everything stored with the snapshot's content. */
  restore(snapshot: ClassifierSnapshot): void;
}
