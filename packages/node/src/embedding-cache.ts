import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Embeddings on disk, keyed by (model id, sha256 of the image file's bytes). */
export interface EmbeddingCache {
  get(modelId: string, sha256: string): Promise<Float32Array | null>;
  put(modelId: string, sha256: string, embedding: Float32Array): Promise<void>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Default cache folder: $XDG_CACHE_HOME/smartmirror/embeddings, else .cache/embeddings in the repo (git-ignored). */
export function defaultEmbeddingCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'smartmirror', 'embeddings') : join(repoRoot, '.cache', 'embeddings');
}

/** Hex sha256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A cache of one little-endian float32 file per (model, image) under `dir`. Model ids become
 * folder names through their own hash, so any id (URLs, '+', '@') is a safe path.
 */
export function createEmbeddingCache(dir: string = defaultEmbeddingCacheDir()): EmbeddingCache {
  const fileFor = (modelId: string, sha: string): string =>
    join(dir, sha256Hex(new TextEncoder().encode(modelId)).slice(0, 16), sha.slice(0, 2), `${sha}.f32`);
  return {
    async get(modelId, sha) {
      try {
        const buf = await readFile(fileFor(modelId, sha));
        if (buf.byteLength % 4 !== 0) return null;
        return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      } catch {
        return null;
      }
    },
    async put(modelId, sha, embedding) {
      const file = fileFor(modelId, sha);
      await mkdir(dirname(file), { recursive: true });
      // Write then rename: a run killed midway never leaves a short vector behind.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength));
      await rename(tmp, file);
    },
  };
}
