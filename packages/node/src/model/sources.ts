import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { AppError, isAppError } from '@smartmirror/api';
import { parseModelJson, readModelFiles, type ModelFiles } from '@smartmirror/core';

const require = createRequire(import.meta.url);

/** Reads model.json and every weight file it names from a directory (sizes checked). */
export async function readModelDir(dir: string): Promise<ModelFiles> {
  const where = `model folder ${dir}`;
  let text: string;
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8');
  } catch (cause) {
    throw new AppError('MODEL_NOT_FOUND', `${where} has no readable model.json.`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new AppError('MODEL_LOAD_FAILED', `${where}: model.json is not valid JSON.`, { cause });
  }
  return readModelFiles(parseModelJson(parsed, where), (path) => readFile(join(dir, path)), where);
}

/** Request timeout for one model file, in ms: models are megabytes on a local network. */
const FETCH_TIMEOUT_MS = 60_000;

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url.href}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The model.json URL for a URL naming either the file or its folder. */
export function modelJsonUrl(url: string): URL {
  const u = new URL(url);
  if (!u.pathname.endsWith('.json')) u.pathname = u.pathname.endsWith('/') ? `${u.pathname}model.json` : `${u.pathname}/model.json`;
  return u;
}

/** Fetches model.json and every weight file it names from an http(s) URL (sizes checked). */
export async function fetchModelFiles(url: string): Promise<ModelFiles> {
  let jsonUrl: URL;
  try {
    jsonUrl = modelJsonUrl(url);
  } catch (cause) {
    throw new AppError('MODEL_NOT_FOUND', `${url} is not a valid URL.`, { cause });
  }
  const where = `model at ${jsonUrl.href}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(await fetchBytes(jsonUrl)));
  } catch (cause) {
    throw new AppError('MODEL_NOT_FOUND', `${where} could not be fetched as JSON.`, { cause });
  }
  return readModelFiles(parseModelJson(parsed, where), (path) => fetchBytes(new URL(path, jsonUrl)), where);
}

/** The folder of nsfwjs's bundled MobileNetV2 (UMD files outside the package's exports map). */
function nsfwjsModelDir(): string {
  // The package's "main" is dist/cjs/index.js; its models sit beside it in dist/models.
  return resolve(dirname(require.resolve('nsfwjs')), '..', 'models', 'mobilenet_v2');
}

let nsfwjsFiles: Promise<ModelFiles> | null = null;

/**
 * The ImageNet MobileNetV2 shipped inside the npm package nsfwjs: model.min.js exports
 * {modelTopology, weightsManifest}, group1-shard1of1.min.js the weights as base64. Read once
 * per process.
 */
export function readNsfwjsModel(): Promise<ModelFiles> {
  nsfwjsFiles ??= (async () => {
    const where = 'the nsfwjs MobileNetV2';
    try {
      const dir = nsfwjsModelDir();
      const model = require(join(dir, 'model.min.js')) as unknown;
      const shard = require(join(dir, 'group1-shard1of1.min.js')) as unknown;
      if (typeof shard !== 'string') throw new AppError('MODEL_LOAD_FAILED', `${where}: its weight file is not base64 text.`);
      const json = parseModelJson(model, where);
      const weights = new Uint8Array(Buffer.from(shard, 'base64'));
      const byPath = new Map(json.weightsManifest.flatMap((g) => g.paths).map((p, i) => [p, i === 0 ? weights : null] as const));
      return await readModelFiles(json, (path) => {
        const bytes = byPath.get(path);
        return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`no ${path}`));
      }, where);
    } catch (cause) {
      nsfwjsFiles = null;
      if (isAppError(cause)) throw cause;
      throw new AppError('MODEL_NOT_FOUND', `${where} is not installed (run npm ci).`, { cause });
    }
  })();
  return nsfwjsFiles;
}
