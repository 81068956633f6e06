import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@smartmirror/api';
import {
  combineEmbedders,
  findPreset,
  loadEmbedder,
  memoryIOHandler,
  presetModelId,
  PRESETS,
  singleFileModel,
  toArtifacts,
  type Embedder,
  type ModelFiles,
  type ModelJson,
  type ModelPreset,
} from '@smartmirror/core';
import { fetchModelFiles, readModelDir, readNsfwjsModel } from './sources.ts';

/** Where models are looked up and how a custom (non-preset) model is cut and fed. */
export interface ModelOptions {
  /** Folder holding preset model folders. Default: defaultModelsDir(). */
  modelsDir?: string;
  /** Cut layer(s) for a model given by path or URL. Default: its last layer. */
  cutLayers?: readonly string[];
  /** Input range for a model given by path or URL. Default [-1, 1]. */
  inputRange?: readonly [number, number];
  /** Input side in pixels for a model given by path or URL. Default 224. */
  inputSize?: number;
}

/** A single model resolved to its bytes and cut: what loadEmbedder needs, minus the IOHandler. */
export interface ResolvedModel {
  kind: 'model';
  id: string;
  /** What to pass to resolveModel / loadNodeEmbedder to get this model again: preset name, folder or URL. */
  name: string;
  /** Human-readable origin: preset name, folder or URL. */
  where: string;
  inputSize: number;
  inputRange: readonly [number, number];
  cutLayers: readonly string[];
  flip: boolean;
  /** Reads the model's files (checked against the manifest). */
  files(): Promise<ModelFiles>;
}

/** An ensemble preset resolved to its members. */
export interface ResolvedEnsemble {
  kind: 'ensemble';
  id: string;
  where: string;
  members: ResolvedModel[];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * Models directory: $SMARTMIRROR_MODELS_DIR, else ../shared/models beside the repository when it
 * exists, else data/models inside the repository (git-ignored; where `model pull` puts models).
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SMARTMIRROR_MODELS_DIR) return resolve(env.SMARTMIRROR_MODELS_DIR);
  const shared = join(dirname(repoRoot), 'shared', 'models');
  return existsSync(shared) ? shared : join(repoRoot, 'data', 'models');
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fromPreset(preset: ModelPreset, modelsDir: string): ResolvedModel {
  const base = { kind: 'model' as const, id: presetModelId(preset), name: preset.name, inputSize: preset.inputSize, inputRange: preset.inputRange, cutLayers: preset.cutLayers, flip: preset.flip };
  switch (preset.source.kind) {
    case 'nsfwjs':
      return { ...base, where: 'npm package nsfwjs', files: readNsfwjsModel };
    case 'models-dir': {
      const dir = join(modelsDir, preset.source.dir);
      return {
        ...base,
        where: dir,
        files: () => {
          if (!isDir(dir)) {
            return Promise.reject(new AppError('MODEL_NOT_FOUND', `Model ${preset.name} is not in ${modelsDir} (set --models-dir or SMARTMIRROR_MODELS_DIR, or run smartmirror model pull).`));
          }
          return readModelDir(dir);
        },
      };
    }
  }
}

/** The last layer (layers format) or node (graph format) of a model.json: the default cut. */
function lastLayerName(json: ModelJson): string {
  type Named = { name?: string; config?: { name?: string } };
  const topo = json.modelTopology as { node?: Named[]; model_config?: { config?: { layers?: Named[] } }; config?: { layers?: Named[] } };
  const entry = (topo.node ?? topo.model_config?.config?.layers ?? topo.config?.layers ?? []).at(-1);
  // Functional models name layers at the top level, Sequential ones inside their config.
  const last = entry?.name ?? entry?.config?.name;
  if (!last) throw new AppError('MODEL_LAYER_NOT_FOUND', 'The model lists no layers; name one to cut at.');
  return last;
}

function custom(where: string, name: string, read: () => Promise<ModelFiles>, opts: ModelOptions): ResolvedModel {
  let cached: Promise<ModelFiles> | null = null;
  const files = (): Promise<ModelFiles> => (cached ??= read());
  const range = opts.inputRange ?? ([-1, 1] as const);
  const resolved: ResolvedModel = {
    kind: 'model',
    name: where,
    // Fixed before the files are read: the id must not depend on when it is asked for.
    id: `${name}@${opts.cutLayers?.join('+') ?? 'last'}@${range.join(',')}`,
    where,
    inputSize: opts.inputSize ?? 224,
    inputRange: range,
    cutLayers: opts.cutLayers ?? [],
    flip: false,
    files: async () => {
      const f = await files();
      if (resolved.cutLayers.length === 0) resolved.cutLayers = [lastLayerName(f.json)];
      return f;
    },
  };
  return resolved;
}

/**
 * Resolves a preset name (`best` included), a model folder or an http(s) URL. A folder named like
 * a preset's folder gets that preset's cut. Unknown names and missing folders are MODEL_NOT_FOUND.
 */
export function resolveModel(nameOrPath: string, opts: ModelOptions = {}): ResolvedModel | ResolvedEnsemble {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const preset = findPreset(nameOrPath);
  if (preset?.kind === 'model') return fromPreset(preset, modelsDir);
  if (preset?.kind === 'ensemble') {
    const members = preset.members.map((m) => {
      const p = findPreset(m);
      if (p?.kind !== 'model') throw new AppError('CONFIG_INVALID', `Ensemble ${preset.name} names unknown model ${m}.`);
      return fromPreset(p, modelsDir);
    });
    return { kind: 'ensemble', id: members.map((m) => m.id).join('&'), where: preset.name, members };
  }
  if (/^https?:\/\//i.test(nameOrPath)) {
    return custom(nameOrPath, new URL(nameOrPath).pathname.split('/').filter(Boolean).filter((s) => s !== 'model.json').at(-1) ?? 'url', () => fetchModelFiles(nameOrPath), opts);
  }
  const dir = resolve(nameOrPath.endsWith('model.json') ? dirname(nameOrPath) : nameOrPath);
  if (isDir(dir)) {
    const byFolder = PRESETS.find((p) => p.kind === 'model' && p.source.kind === 'models-dir' && p.source.dir === basename(dir));
    if (byFolder?.kind === 'model' && !opts.cutLayers) return { ...fromPreset(byFolder, dirname(dir)), where: dir, name: dir };
    return custom(dir, basename(dir), () => readModelDir(dir), opts);
  }
  const names = PRESETS.map((p) => p.name).join(', ');
  throw new AppError('MODEL_NOT_FOUND', `Unknown model "${nameOrPath}": not a preset (${names}, best), a model folder or an http(s) URL.`);
}

async function loadResolved(m: ResolvedModel, batchSize?: number): Promise<Embedder> {
  const files = await m.files();
  return loadEmbedder({ io: memoryIOHandler(toArtifacts(files)), id: m.id, inputSize: m.inputSize, inputRange: m.inputRange, cutLayers: m.cutLayers, flip: m.flip, ...(batchSize ? { batchSize } : {}) });
}

/** Loads a preset, folder or URL as an Embedder in Node (WASM backend). Caller disposes it. */
export async function loadNodeEmbedder(nameOrPath: string, opts: ModelOptions & { batchSize?: number } = {}): Promise<Embedder> {
  const r = resolveModel(nameOrPath, opts);
  if (r.kind === 'model') return loadResolved(r, opts.batchSize);
  const members: Embedder[] = [];
  try {
    for (const m of r.members) members.push(await loadResolved(m, opts.batchSize));
  } catch (err) {
    for (const m of members) m.dispose();
    throw err;
  }
  return combineEmbedders(members, r.id);
}

/** A single model ready to serve to browsers: model.json naming one `weights.bin`, and its bytes. */
export interface ModelArtifactsForServing {
  id: string;
  inputSize: number;
  inputRange: readonly [number, number];
  cutLayers: readonly string[];
  flip: boolean;
  modelJson: ModelJson;
  weights: Uint8Array;
}

/**
 * What the server offers at /api/models/<id>/model.json and weights.bin so a browser loads the
 * SAME model with tf.io.http and loadEmbedder (same cut, range and flip). Single models only: for
 * an ensemble preset, call it once per name in ensembleMembers().
 */
export async function modelArtifactsFor(nameOrPath: string, opts: ModelOptions = {}): Promise<ModelArtifactsForServing> {
  const r = resolveModel(nameOrPath, opts);
  if (r.kind === 'ensemble') {
    throw new AppError('MODEL_LOAD_FAILED', `${nameOrPath} is an ensemble: serve each of ${r.members.map((m) => m.id).join(', ')}.`);
  }
  const { modelJson, weights } = singleFileModel(await r.files());
  return { id: r.id, inputSize: r.inputSize, inputRange: r.inputRange, cutLayers: r.cutLayers, flip: r.flip, modelJson, weights };
}

/** Preset names an ensemble preset combines, or [nameOrPath] for a single model. */
export function ensembleMembers(nameOrPath: string): string[] {
  const p = findPreset(nameOrPath);
  return p?.kind === 'ensemble' ? [...p.members] : [p?.name ?? nameOrPath];
}
