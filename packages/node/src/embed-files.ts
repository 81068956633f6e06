import { readFile } from 'node:fs/promises';
import { AppError, isAppError } from '@smartmirror/api';
import type { Embedder } from '@smartmirror/core';
import { sha256Hex, type EmbeddingCache } from './embedding-cache.ts';
import { decodeImage } from './image.ts';

/** How embedFiles reports and caches. */
export interface EmbedFilesOptions {
  /** Reuses embeddings of files already embedded with the same model id. */
  cache?: EmbeddingCache;
  /** Called after each batch with files done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Images decoded and embedded together. Default 8. */
  batchSize?: number;
}

/** Embeddings of image files, with the time spent embedding uncached ones. */
export interface EmbeddedFiles {
  embeddings: Float32Array[];
  /** Files that had to be decoded and embedded (not in the cache). */
  computed: number;
  /** Wall time of decoding + embedding those, in ms. */
  computeMs: number;
}

/**
 * Embeds image files in order, through the cache when given. An unreadable or undecodable file
 * is an AppError naming it (INVALID_IMAGE), so a CLI can answer with one line.
 */
export async function embedFiles(embedder: Embedder, paths: readonly string[], opts: EmbedFilesOptions = {}): Promise<EmbeddedFiles> {
  const batchSize = opts.batchSize ?? 8;
  const out: (Float32Array | null)[] = new Array<Float32Array | null>(paths.length).fill(null);
  const pending: { index: number; sha: string; bytes: Uint8Array }[] = [];
  let computed = 0;
  let computeMs = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const started = performance.now();
    const images = [];
    for (const p of pending) {
      try {
        images.push(await decodeImage(p.bytes));
      } catch (cause) {
        const why = isAppError(cause) ? cause.message : 'it cannot be decoded';
        throw new AppError('INVALID_IMAGE', `${paths[p.index] ?? '?'}: ${why}`, { cause });
      }
    }
    const vectors = await embedder.embed(images);
    computeMs += performance.now() - started;
    computed += pending.length;
    for (const [i, p] of pending.entries()) {
      const v = vectors[i];
      if (!v) continue;
      out[p.index] = v;
      await opts.cache?.put(embedder.info.id, p.sha, v);
    }
    pending.length = 0;
  };
  for (const [index, path] of paths.entries()) {
    const bytes = await readFile(path).catch((cause: unknown) => {
      throw new AppError('INVALID_IMAGE', `${path} cannot be read.`, { cause });
    });
    const sha = sha256Hex(bytes);
    const hit = await opts.cache?.get(embedder.info.id, sha);
    if (hit && hit.length === embedder.info.dim) out[index] = hit;
    else pending.push({ index, sha, bytes });
    if (pending.length >= batchSize) await flush();
    opts.onProgress?.(index + 1 - pending.length, paths.length);
  }
  await flush();
  opts.onProgress?.(paths.length, paths.length);
  return { embeddings: out.map((v) => v ?? new Float32Array(embedder.info.dim)), computed, computeMs };
}
