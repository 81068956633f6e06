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
