export type { Embedder, Example, ModelInfo, Neighbour, Prediction, RawImage } from './types.ts';
