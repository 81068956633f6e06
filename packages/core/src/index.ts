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
export { defaultBackendOrder, selectBackend, type BackendName } from './backend.ts';
export { preprocessBatch, preprocessImage, type PreprocessOptions } from './preprocess.ts';
export { combineEmbedders, joinUnitVectors, loadEmbedder, type EmbedderConfig } from './embedder.ts';
export {
  memoryIOHandler,
  parseModelJson,
  readModelFiles,
  singleFileModel,
  toArtifacts,
  weightGroupBytes,
  type ModelFileReader,
  type ModelFiles,
  type ModelJson,
} from './model/artifacts.ts';
export {
  BEST_PRESET,
  DEFAULT_PRESET,
  defaultThreshold,
  findPreset,
  presetModelId,
  PRESETS,
  type EnsemblePreset,
  type ModelPreset,
  type ModelSource,
  type Preset,
} from './model/presets.ts';
export { BUNDLE_KIND, BUNDLE_VERSION, decodeBundle, encodeBundle, type BundleMeta, type DecodedBundle } from './bundle/bundle.ts';
export {
  CONTAINER_MAGIC,
  CONTAINER_VERSION,
  decodeContainer,
  encodeContainer,
  type Container,
  type ContainerSection,
  type JsonValue,
} from './bundle/container.ts';
export { crc32 } from './bundle/crc32.ts';
export { createSmoother, SMOOTHER_DEFAULTS, type Smoother, type SmootherFrame, type SmootherOptions, type SmootherPhase, type SmootherState, type SmootherUpdate } from './smoothing/smoother.ts';
export { calibrateThreshold, type CalibrationOptions, type LabelledEmbedding, type ThresholdCalibration } from './knn/calibrate.ts';
export { seededRandom } from './random.ts';
