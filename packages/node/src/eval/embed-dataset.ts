import { readFile } from 'node:fs/promises';
import { joinUnitVectors } from '@smartmirror/core';
import type { EmbeddingCache } from '../embedding-cache.ts';
import { embedFiles } from '../embed-files.ts';
import { decodeImage } from '../image.ts';
import { loadNodeEmbedder, resolveModel, type ModelOptions } from '../model/resolve.ts';

/** Embeddings of a list of files by one model (or ensemble), with its id and speed. */
export interface DatasetEmbeddings {
  modelId: string;
  dim: number;
  vectors: Float32Array[];
  /** Decode + embed time per image in ms (measured on a few images when all were cached). */
  msPerImage: number;
}

/** How many images are re-embedded to time a model whose embeddings all came from the cache. */
const TIMING_SAMPLE = 8;

/**
 * Embeds files with a preset, folder or URL, through the disk cache. An ensemble embeds each
 * member separately (so each member's cache is reused) and joins the vectors exactly as
 * combineEmbedders does.
 */
export async function embedDataset(
  nameOrPath: string,
  paths: readonly string[],
  opts: ModelOptions & { cache?: EmbeddingCache; onProgress?: (done: number, total: number) => void } = {},
): Promise<DatasetEmbeddings> {
  const resolved = resolveModel(nameOrPath, opts);
  const members = resolved.kind === 'model' ? [nameOrPath] : resolved.members.map((m) => m.name);
  const perMember: Float32Array[][] = [];
  let ms = 0;
  for (const [mi, member] of members.entries()) {
    const embedder = await loadNodeEmbedder(member, opts);
    try {
      const done = await embedFiles(embedder, paths, {
        ...(opts.cache ? { cache: opts.cache } : {}),
        onProgress: (d, t) => opts.onProgress?.(mi * t + d, t * members.length),
      });
      if (done.computed > 0) {
        ms += done.computeMs / done.computed;
      } else {
        const sample = paths.slice(0, TIMING_SAMPLE);
        // Warm up first: the first call compiles kernels and would inflate the figure.
        await embedder.embed([await decodeImage(await readFile(sample[0] ?? ''))]);
        const started = performance.now();
        const images = await Promise.all(sample.map(async (p) => decodeImage(await readFile(p))));
        await embedder.embed(images);
        ms += (performance.now() - started) / Math.max(1, sample.length);
      }
      perMember.push(done.embeddings);
    } finally {
      embedder.dispose();
    }
  }
  const vectors = perMember.length === 1 ? (perMember[0] ?? []) : paths.map((_, i) => joinUnitVectors(perMember.map((rows) => rows[i] ?? new Float32Array(0))));
  return { modelId: resolved.id, dim: vectors[0]?.length ?? 0, vectors, msPerImage: ms };
}
