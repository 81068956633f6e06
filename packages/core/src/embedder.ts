import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '@smartmirror/api';
import { selectBackend } from './backend.ts';
import { loadFeatureModel, type FeatureModel } from './model/feature-model.ts';
import { preprocessBatch } from './preprocess.ts';
import type { Embedder, ModelInfo, RawImage } from './types.ts';

/** Everything loadEmbedder needs: where the model bytes come from and how to cut and feed it. */
export interface EmbedderConfig {
  /** Model bytes (layers or graph format): tf.io.http in a browser, an fs/nsfwjs handler in Node. */
  io: tf.io.IOHandler;
  /** Stable id of the embedding space, stored with every example (see presetModelId). */
  id: string;
  /** Square input side in pixels. Default 224. */
  inputSize?: number;
  /** Range the model wants pixels scaled to. Default [-1, 1]. */
  inputRange?: readonly [number, number];
  /** Layer (or graph node) names whose outputs are pooled, normalised and concatenated. */
  cutLayers: readonly string[];
  /** Also embed the mirrored image and average (test-time augmentation, 2× the compute). Default false. */
  flip?: boolean;
  /** Images per forward pass; bounds memory. Default 8. */
  batchSize?: number;
}

/**
 * Global-average-pools each cut layer's output to one vector per image, L2-normalises it, and
 * concatenates the layers scaled by 1/sqrt(layers) so the result is unit length. With `flip`,
 * the first half of the batch is the images and the second half their mirrors: pooled features
 * of both are averaged before normalising.
 */
function pooledEmbedding(outputs: readonly tf.Tensor[], flip: boolean): tf.Tensor2D {
  const parts = outputs.map((out) => {
    let pooled: tf.Tensor2D =
      out.rank === 4 ? tf.mean(out, [1, 2]) : out.rank === 2 ? (out as tf.Tensor2D) : tf.reshape(out, [out.shape[0] ?? 1, -1]);
    if (flip) {
      const n = (pooled.shape[0] ?? 0) / 2;
      const [a, b] = tf.split(pooled, [n, n], 0) as [tf.Tensor2D, tf.Tensor2D];
      pooled = tf.div(tf.add(a, b), 2);
    }
    return l2normalise(pooled);
  });
  const joined = parts.length === 1 ? (parts[0] as tf.Tensor2D) : tf.concat(parts, 1);
  return parts.length === 1 ? joined : tf.mul(joined, 1 / Math.sqrt(parts.length));
}

function l2normalise(x: tf.Tensor2D): tf.Tensor2D {
  // The epsilon keeps an all-zero feature (black frame) at zero instead of NaN.
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
}

function rowsOf(flat: Float32Array, rows: number, dim: number): Float32Array[] {
  return Array.from({ length: rows }, (_, i) => flat.slice(i * dim, (i + 1) * dim));
}

/**
 * Loads a model through an injected IOHandler and returns an Embedder: images → unit-length
 * vectors. Selects the TF.js backend first (see selectBackend). Errors are AppErrors:
 * MODEL_LOAD_FAILED, MODEL_WEIGHTS_MISMATCH, MODEL_LAYER_NOT_FOUND.
 */
export async function loadEmbedder(config: EmbedderConfig): Promise<Embedder> {
  await selectBackend();
  const inputSize = config.inputSize ?? 224;
  const inputRange = config.inputRange ?? ([-1, 1] as const);
  const flip = config.flip ?? false;
  const batchSize = Math.max(1, config.batchSize ?? 8);
  const model = await loadFeatureModel(config.io, config.cutLayers, `model ${config.id}`, inputSize);
  const forward = (batch: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => pooledEmbedding(model.run(flip ? tf.concat([batch, tf.reverse(batch, 2)], 0) : batch), flip));
  // One dry run learns the dimension and proves the cut layers accept this input size.
  let dim: number;
  try {
    const probe = tf.tidy(() => forward(tf.zeros([1, inputSize, inputSize, 3])));
    dim = probe.shape[1] ?? 0;
    probe.dispose();
  } catch (cause) {
    model.dispose();
    throw new AppError('MODEL_LOAD_FAILED', `model ${config.id}: it does not accept ${inputSize}×${inputSize}×3 images.`, { cause });
  }
  const info: ModelInfo = { id: config.id, inputSize, inputRange, cutLayers: [...config.cutLayers], dim };
  return createEmbedder(info, model, forward, batchSize);
}

function createEmbedder(info: ModelInfo, model: FeatureModel, forward: (b: tf.Tensor4D) => tf.Tensor2D, batchSize: number): Embedder {
  let disposed = false;
  return {
    info,
    async embed(images) {
      if (disposed) throw new AppError('INTERNAL', `model ${info.id} was disposed.`);
      const out: Float32Array[] = [];
      for (let i = 0; i < images.length; i += batchSize) {
        const chunk = images.slice(i, i + batchSize);
        const result = tf.tidy(() => forward(preprocessBatch(chunk, { size: info.inputSize, range: info.inputRange })));
        try {
          out.push(...rowsOf((await result.data()) as Float32Array, chunk.length, info.dim));
        } finally {
          result.dispose();
        }
      }
      return out;
    },
    dispose() {
      if (!disposed) model.dispose();
      disposed = true;
    },
  };
}

/**
 * One embedder from several: each member's unit vector scaled by 1/sqrt(members), concatenated
 * (so the result is unit length and cosine similarity is the mean of the members'). The ensemble
 * owns its members: dispose() disposes them.
 */
export function combineEmbedders(members: readonly Embedder[], id?: string): Embedder {
  const first = members[0];
  if (!first) throw new AppError('MODEL_LOAD_FAILED', 'An ensemble needs at least one model.');
  if (members.length === 1) return first;
  const info: ModelInfo = {
    id: id ?? members.map((m) => m.info.id).join('&'),
    inputSize: first.info.inputSize,
    inputRange: first.info.inputRange,
    cutLayers: members.flatMap((m) => m.info.cutLayers.map((l) => `${m.info.id}:${l}`)),
    dim: members.reduce((n, m) => n + m.info.dim, 0),
  };
  return {
    info,
    async embed(images: readonly RawImage[]) {
      const perMember: Float32Array[][] = [];
      for (const m of members) perMember.push(await m.embed(images));
      return images.map((_, i) => joinUnitVectors(perMember.map((rows) => rows[i] ?? new Float32Array(0))));
    },
    dispose() {
      for (const m of members) m.dispose();
    },
  };
}


/**
 * Concatenates unit vectors scaled by 1/sqrt(count): the result is unit length and its cosine
 * with another such join is the mean of the parts' cosines. How ensembles combine members.
 */
export function joinUnitVectors(parts: readonly Float32Array[]): Float32Array {
  const scale = 1 / Math.sqrt(Math.max(1, parts.length));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    for (let j = 0; j < p.length; j++) out[at + j] = (p[j] ?? 0) * scale;
    at += p.length;
  }
  return out;
}
