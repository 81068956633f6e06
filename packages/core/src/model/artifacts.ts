import type { io } from '@tensorflow/tfjs-core';
import { AppError } from '@smartmirror/api';

/** The parsed content of a TF.js model.json (layers or graph format). */
export interface ModelJson {
  modelTopology: object;
  weightsManifest: io.WeightsManifestConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** Graph models may carry signature / initializer fields we pass through untouched. */
  [key: string]: unknown;
}

/** Fetches one file named in a model.json (path relative to it); rejects when it is missing. */
export type ModelFileReader = (path: string) => Promise<Uint8Array>;

/** A model's files as read from a source: model.json plus every weight file it names. */
export interface ModelFiles {
  json: ModelJson;
  /** Weight files in manifest order, with the relative path the manifest gives them. */
  weights: { path: string; bytes: Uint8Array }[];
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes one weight takes on disk, from its shape and (quantised) dtype. */
export function weightBytes(entry: io.WeightsManifestEntry): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const size = BYTES_PER_DTYPE[dtype];
  if (size === undefined) throw new AppError('MODEL_LOAD_FAILED', `Weight ${entry.name} has unsupported dtype ${dtype}.`);
  return entry.shape.reduce((a, b) => a * b, 1) * size;
}

/** Bytes a manifest group's files must add up to. */
export function weightGroupBytes(group: io.WeightsManifestConfig[number]): number {
  return group.weights.reduce((sum, w) => sum + weightBytes(w), 0);
}

/** Validates the shape of a parsed model.json; MODEL_LOAD_FAILED names what is wrong. */
export function parseModelJson(value: unknown, where: string): ModelJson {
  const bad = (why: string): AppError => new AppError('MODEL_LOAD_FAILED', `${where} is not a TF.js model.json: ${why}.`);
  if (typeof value !== 'object' || value === null) throw bad('not a JSON object');
  const v = value as Record<string, unknown>;
  if (typeof v.modelTopology !== 'object' || v.modelTopology === null) throw bad('no modelTopology');
  if (!Array.isArray(v.weightsManifest)) throw bad('no weightsManifest');
  for (const group of v.weightsManifest as unknown[]) {
    const g = group as Record<string, unknown> | null;
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights) || !g.paths.every((p) => typeof p === 'string')) {
      throw bad('a weightsManifest group lacks paths or weights');
    }
  }
  return v as ModelJson;
}

/**
 * Reads every weight file a model.json names through `read`, checking each manifest group's
 * files add up to the bytes its weights need (a truncated or missing shard is
 * MODEL_WEIGHTS_MISMATCH, never a half-loaded model).
 */
export async function readModelFiles(json: ModelJson, read: ModelFileReader, where: string): Promise<ModelFiles> {
  const weights: ModelFiles['weights'] = [];
  for (const group of json.weightsManifest) {
    let total = 0;
    for (const path of group.paths) {
      if (path.includes('..') || path.startsWith('/')) {
        throw new AppError('MODEL_LOAD_FAILED', `${where}: weight path ${path} leaves the model folder.`);
      }
      const bytes = await read(path).catch((cause: unknown) => {
        throw new AppError('MODEL_WEIGHTS_MISMATCH', `${where}: weight file ${path} is missing or unreadable.`, { cause });
      });
      total += bytes.byteLength;
      weights.push({ path, bytes });
    }
    const expected = weightGroupBytes(group);
    if (total !== expected) {
      throw new AppError(
        'MODEL_WEIGHTS_MISMATCH',
        `${where}: weight files ${group.paths.join(', ')} hold ${total} bytes but the manifest needs ${expected}.`,
      );
    }
  }
  return { json, weights };
}

/** Joins byte chunks into one ArrayBuffer. */
export function concatBytes(chunks: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}

/** TF.js ModelArtifacts (topology + one weight buffer) from a model's files. */
export function toArtifacts(files: ModelFiles): io.ModelArtifacts {
  const { json } = files;
  const artifacts: io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: concatBytes(files.weights.map((w) => w.bytes)),
  };
  if (typeof json.format === 'string') artifacts.format = json.format;
  if (typeof json.generatedBy === 'string') artifacts.generatedBy = json.generatedBy;
  if (typeof json.convertedBy === 'string') artifacts.convertedBy = json.convertedBy;
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (json[key] !== undefined) (artifacts as Record<string, unknown>)[key] = json[key];
  }
  return artifacts;
}

/** An IOHandler that hands out artifacts already in memory (TF.js loads from it once). */
export function memoryIOHandler(artifacts: io.ModelArtifacts): io.IOHandler {
  return { load: () => Promise.resolve(artifacts) };
}

/**
 * Rewrites a model's files as ONE weight file named `weights.bin`, so a server can offer any
 * model to browsers at two fixed URLs (model.json, weights.bin) for tf.io.http.
 */
export function singleFileModel(files: ModelFiles): { modelJson: ModelJson; weights: Uint8Array } {
  const weightsManifest = [{ paths: ['weights.bin'], weights: files.json.weightsManifest.flatMap((g) => g.weights) }];
  return { modelJson: { ...files.json, weightsManifest }, weights: new Uint8Array(concatBytes(files.weights.map((w) => w.bytes))) };
}
