export { DEFAULT_MAX_PIXELS, decodeImage, sniffImageType, type DecodeLimits, type ImageType } from './image.ts';
export { fetchModelFiles, modelJsonUrl, readModelDir, readNsfwjsModel } from './model/sources.ts';
export {
  defaultModelsDir,
  ensembleMembers,
  loadNodeEmbedder,
  modelArtifactsFor,
  resolveModel,
  type ModelArtifactsForServing,
  type ModelOptions,
  type ResolvedEnsemble,
  type ResolvedModel,
} from './model/resolve.ts';
export { createEmbeddingCache, defaultEmbeddingCacheDir, sha256Hex, type EmbeddingCache } from './embedding-cache.ts';
export { embedFiles, type EmbeddedFiles, type EmbedFilesOptions } from './embed-files.ts';
export { listDataset, type Dataset, type DatasetItem } from './eval/dataset.ts';
export {
  accuracyEpisodes,
  auroc,
  openSetEpisodes,
  seededRandom,
  shuffled,
  type AccuracyResult,
  type ClassifierFactory,
  type EpisodeOptions,
  type LabelledVectors,
  type OpenSetResult,
} from './eval/episodes.ts';
export { embedDataset, type DatasetEmbeddings } from './eval/embed-dataset.ts';
