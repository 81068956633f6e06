export type {
  Classifier,
  ClassifierOptions,
  ClassifierSnapshot,
  Embedder,
  Example,
  ModelInfo,
  Neighbour,
  Prediction,
  RawImage,
} from './types.ts';
export * from './recs/index.ts';
