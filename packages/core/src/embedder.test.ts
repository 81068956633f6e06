import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isAppError, type ErrorCode } from '@smartmirror/api';
import { selectBackend } from './backend.ts';
import { combineEmbedders, joinUnitVectors, loadEmbedder } from './embedder.ts';
import { memoryIOHandler } from './model/artifacts.ts';
import type { RawImage } from './types.ts';

const SIZE = 8;

/** A tiny conv net built in the test: input 8×8×3 → conv 'conv' (4) → relu 'act' → conv 'head' (2). */
async function tinyModel(): Promise<tf.io.ModelArtifacts> {
  const input = tfl.input({ shape: [SIZE, SIZE, 3] });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: 'glorotUniform', biasInitializer: 'ones' });
  const act = tfl.layers.reLU({ name: 'act' });
  const head = tfl.layers.conv2d({ name: 'head', filters: 2, kernelSize: 1 });
  const output = head.apply(act.apply(conv.apply(input))) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((artifacts) => {
    saved = artifacts;
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
  }));
  model.dispose();
  if (!saved) throw new Error('model was not saved');
  return saved;
}

function noise(seed: number, w = 12, h = 10): RawImage {
  const data = new Uint8Array(w * h * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = s % 256;
  }
  return { data, width: w, height: h, channels: 3 };
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((a, x) => a + x * x, 0));
}

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'other'> {
  try {
    const r = await p;
    if (r && typeof r === 'object' && 'dispose' in r && typeof r.dispose === 'function') (r.dispose as () => void)();
    return 'resolved';
  } catch (err) {
    return isAppError(err) ? err.code : 'other';
  }
}

let artifacts: tf.io.ModelArtifacts;

beforeAll(async () => {
  await selectBackend();
  artifacts = await tinyModel();
});

const config = (over: Partial<Parameters<typeof loadEmbedder>[0]> = {}): Parameters<typeof loadEmbedder>[0] => ({
  io: memoryIOHandler(artifacts),
  id: 'tiny@act',
  inputSize: SIZE,
  inputRange: [-1, 1],
  cutLayers: ['act'],
  ...over,
});

describe('loadEmbedder', () => {
  it('cuts at a named layer and returns unit vectors of its channel count', async () => {
    const e = await loadEmbedder(config());
    expect(e.info).toMatchObject({ id: 'tiny@act', inputSize: SIZE, dim: 4, cutLayers: ['act'] });
    const [a, b] = await e.embed([noise(1), noise(2, 30, 5)]);
    expect(a).toHaveLength(4);
    expect(norm(a ?? new Float32Array())).toBeCloseTo(1, 5);
    expect(norm(b ?? new Float32Array())).toBeCloseTo(1, 5);
    e.dispose();
  });

  it('concatenates several cut layers into one unit vector', async () => {
    const e = await loadEmbedder(config({ cutLayers: ['act', 'head'] }));
    expect(e.info.dim).toBe(6);
    const [v] = await e.embed([noise(3)]);
    expect(norm(v ?? new Float32Array())).toBeCloseTo(1, 5);
    e.dispose();
  });

  it('gives the same vector to an image and its mirror when flip TTA is on', async () => {
    const e = await loadEmbedder(config({ flip: true }));
    const img = noise(4, SIZE, SIZE);
    const mirrored = new Uint8Array(img.data.length);
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) mirrored.set(img.data.subarray((y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3), (y * SIZE + (SIZE - 1 - x)) * 3);
    const [a, b] = await e.embed([img, { ...img, data: mirrored }]);
    Array.from(a ?? []).forEach((v, i) => expect(v).toBeCloseTo(b?.[i] ?? Number.NaN, 4));
    e.dispose();
  });

  it('embeds in batches smaller than the input and keeps the order', async () => {
    const e = await loadEmbedder(config({ batchSize: 2 }));
    const images = [noise(5), noise(6), noise(7)];
    const together = await e.embed(images);
    const alone = await e.embed([images[2] ?? noise(0)]);
    Array.from(together[2] ?? []).forEach((v, i) => expect(v).toBeCloseTo(alone[0]?.[i] ?? Number.NaN, 5));
    e.dispose();
  });

  it('leaves no tensor behind after many embed calls', async () => {
    const e = await loadEmbedder(config({ flip: true, cutLayers: ['act', 'head'] }));
    await e.embed([noise(8)]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 25; i++) await e.embed([noise(i), noise(i + 100, 9, 20)]);
    expect(tf.memory().numTensors).toBe(before);
    e.dispose();
  });

  it('answers MODEL_LAYER_NOT_FOUND for a wrong layer name', async () => {
    expect(await codeOf(loadEmbedder(config({ cutLayers: ['no_such_layer'] })))).toBe('MODEL_LAYER_NOT_FOUND');
  });

  it('answers MODEL_WEIGHTS_MISMATCH for missing weights', async () => {
    const specs = artifacts.weightSpecs ?? [];
    const missing = { ...artifacts, weightSpecs: specs.slice(0, -1) };
    const data = artifacts.weightData as ArrayBuffer;
    const truncated = { ...artifacts, weightData: data.slice(0, data.byteLength - 8) };
    expect(await codeOf(loadEmbedder(config({ io: memoryIOHandler(missing) })))).toBe('MODEL_WEIGHTS_MISMATCH');
    expect(await codeOf(loadEmbedder(config({ io: memoryIOHandler(truncated) })))).toBe('MODEL_WEIGHTS_MISMATCH');
  });

  it('answers MODEL_WEIGHTS_MISMATCH for weights of the wrong shape', async () => {
    const specs = (artifacts.weightSpecs ?? []).map((s) => (s.name === 'conv/kernel' ? { ...s, shape: [1, 1, 3, 36] } : s));
    expect(await codeOf(loadEmbedder(config({ io: memoryIOHandler({ ...artifacts, weightSpecs: specs }) })))).toBe('MODEL_WEIGHTS_MISMATCH');
  });

  it('answers MODEL_LOAD_FAILED when the source fails or holds no model', async () => {
    const failing: tf.io.IOHandler = { load: () => Promise.reject(new Error('ENOENT')) };
    expect(await codeOf(loadEmbedder(config({ io: failing })))).toBe('MODEL_LOAD_FAILED');
    expect(await codeOf(loadEmbedder(config({ io: memoryIOHandler({ weightSpecs: [] }) })))).toBe('MODEL_LOAD_FAILED');
    expect(await codeOf(loadEmbedder(config({ io: memoryIOHandler({ modelTopology: { class_name: 'Nope', config: {} } }) })))).toBe('MODEL_LOAD_FAILED');
  });
});

describe('combineEmbedders', () => {
  it('concatenates members into a unit vector whose cosine is the mean of theirs', async () => {
    const a = await loadEmbedder(config());
    const b = await loadEmbedder(config({ id: 'tiny@head', cutLayers: ['head'] }));
    const x = [noise(9), noise(10)];
    const [ax, ay] = await a.embed(x);
    const [bx, by] = await b.embed(x);
    const both = combineEmbedders([a, b]);
    expect(both.info.dim).toBe(6);
    expect(both.info.id).toBe('tiny@act&tiny@head');
    const [ex, ey] = await both.embed(x);
    const dot = (p?: Float32Array, q?: Float32Array): number => (p ?? new Float32Array()).reduce((s, v, i) => s + v * (q?.[i] ?? 0), 0);
    expect(norm(ex ?? new Float32Array())).toBeCloseTo(1, 5);
    expect(dot(ex, ey)).toBeCloseTo((dot(ax, ay) + dot(bx, by)) / 2, 5);
    both.dispose();
  });

  it('joinUnitVectors scales by 1/sqrt(n)', () => {
    const v = joinUnitVectors([Float32Array.from([1, 0]), Float32Array.from([0, 1])]);
    [1, 0, 0, 1].forEach((want, i) => expect((v[i] ?? Number.NaN) * Math.SQRT2).toBeCloseTo(want, 6));
  });
});
