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
export { createClassifier, DEFAULT_K, DEFAULT_NEIGHBOURS, DEFAULT_SOFTNESS, DEFAULT_TEMPERATURE, DEFAULT_THRESHOLD } from './knn/classifier.ts';
