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
