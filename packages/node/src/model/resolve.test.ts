import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, type ErrorCode } from '@smartmirror/api';
import { BEST_PRESET, loadEmbedder, memoryIOHandler, toArtifacts, type RawImage } from '@smartmirror/core';
import { fetchModelFiles, readModelDir, readNsfwjsModel } from './sources.ts';
import { loadNodeEmbedder, modelArtifactsFor, resolveModel } from './resolve.ts';

// A hand-made layers model: one 1×1 conv named "conv" (3 → 2 channels, relu) on 4×4 inputs.
const modelJson = {
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: 'tiny',
      layers: [
        {
          class_name: 'Conv2D',
          config: {
            name: 'conv', filters: 2, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', data_format: 'channels_last',
            dilation_rate: [1, 1], activation: 'relu', use_bias: true, batch_input_shape: [null, 4, 4, 3], dtype: 'float32',
            kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} },
          },
        },
      ],
    },
    keras_version: '2.2.4',
    backend: 'tensorflow',
  },
  weightsManifest: [
    { paths: ['w1.bin', 'w2.bin'], weights: [{ name: 'conv/kernel', shape: [1, 1, 3, 2], dtype: 'float32' }, { name: 'conv/bias', shape: [2], dtype: 'float32' }] },
  ],
};
// kernel: channel 0 = red, channel 1 = blue; bias 0.5 so black pixels still give a non-zero vector.
const weights = new Float32Array([1, 0, 0, 0, 0, 1, 0.5, 0.5]);
const bytes = new Uint8Array(weights.buffer);

let tmp: string;
let good: string;

async function writeModel(dir: string, files: Record<string, Uint8Array | string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<ErrorCode | 'resolved' | 'other'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'resolved';
  } catch (err) {
    return isAppError(err) ? err.code : 'other';
  }
}

const red: RawImage = { data: new Uint8Array(4 * 4 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)), width: 4, height: 4, channels: 3 };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smartmirror-model-'));
  good = await writeModel(join(tmp, 'tiny'), { 'model.json': JSON.stringify(modelJson), 'w1.bin': bytes.slice(0, 20), 'w2.bin': bytes.slice(20) });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readModelDir', () => {
  it('reads model.json and every shard, and the model embeds', async () => {
    const files = await readModelDir(good);
    expect(files.weights.map((w) => w.path)).toEqual(['w1.bin', 'w2.bin']);
    const e = await loadEmbedder({ io: memoryIOHandler(toArtifacts(files)), id: 'tiny', inputSize: 4, inputRange: [0, 1], cutLayers: ['conv'] });
    const [v] = await e.embed([red]);
    // red → conv: [1 + 0.5, 0 + 0.5] → normalised
    expect(v?.[0]).toBeCloseTo(1.5 / Math.hypot(1.5, 0.5), 5);
    e.dispose();
  });

  it('answers MODEL_WEIGHTS_MISMATCH for a missing or truncated shard', async () => {
    const missing = await writeModel(join(tmp, 'missing'), { 'model.json': JSON.stringify(modelJson), 'w1.bin': bytes.slice(0, 20) });
    const short = await writeModel(join(tmp, 'short'), { 'model.json': JSON.stringify(modelJson), 'w1.bin': bytes.slice(0, 20), 'w2.bin': bytes.slice(20, 24) });
    expect(await codeOf(readModelDir(missing))).toBe('MODEL_WEIGHTS_MISMATCH');
    expect(await codeOf(readModelDir(short))).toBe('MODEL_WEIGHTS_MISMATCH');
  });

  it('answers MODEL_NOT_FOUND for a missing folder and MODEL_LOAD_FAILED for a broken model.json', async () => {
    const broken = await writeModel(join(tmp, 'broken'), { 'model.json': '{"modelTopology": ' });
    const notModel = await writeModel(join(tmp, 'not-model'), { 'model.json': '{"hello": 1}' });
    expect(await codeOf(readModelDir(join(tmp, 'nowhere')))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(readModelDir(broken))).toBe('MODEL_LOAD_FAILED');
    expect(await codeOf(readModelDir(notModel))).toBe('MODEL_LOAD_FAILED');
  });
});

describe('resolveModel', () => {
  it('knows the presets, "best" included, and refuses unknown names', async () => {
    expect(resolveModel('mobilenet-v2')).toMatchObject({ kind: 'model', name: 'mobilenet-v2', where: 'npm package nsfwjs' });
    const best = resolveModel('best');
    expect(best.kind === 'model' ? best.name : best.members.map((m) => m.name).join('+')).toContain(BEST_PRESET.split('+')[0] ?? '');
    expect(await codeOf(() => resolveModel('no-such-model'))).toBe('MODEL_NOT_FOUND');
  });

  it('answers MODEL_NOT_FOUND when a folder preset is not in the models dir', async () => {
    const r = resolveModel('darknet-tiny', { modelsDir: tmp });
    expect(r.kind === 'model' && (await codeOf(r.files()))).toBe('MODEL_NOT_FOUND');
  });

  it('loads a model folder by path with the cut given, and a wrong layer is MODEL_LAYER_NOT_FOUND', async () => {
    const e = await loadNodeEmbedder(good, { cutLayers: ['conv'], inputSize: 4 });
    expect(e.info.dim).toBe(2);
    expect(e.info.id).toContain('tiny@conv');
    e.dispose();
    expect(await codeOf(loadNodeEmbedder(good, { cutLayers: ['nope'], inputSize: 4 }))).toBe('MODEL_LAYER_NOT_FOUND');
  });

  it('defaults the cut of a custom model to its last layer', async () => {
    const e = await loadNodeEmbedder(good, { inputSize: 4 });
    expect(e.info.cutLayers).toEqual(['conv']);
    e.dispose();
  });
});

describe('modelArtifactsFor', () => {
  it('rewrites any model as model.json + one weights.bin that loads to the same embeddings', async () => {
    const served = await modelArtifactsFor(good, { cutLayers: ['conv'], inputSize: 4 });
    expect(served.modelJson.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: modelJson.weightsManifest[0]?.weights }]);
    expect(Array.from(served.weights)).toEqual(Array.from(bytes));
    const again = await writeModel(join(tmp, 'served'), { 'model.json': JSON.stringify(served.modelJson), 'weights.bin': served.weights });
    const a = await loadNodeEmbedder(good, { cutLayers: ['conv'], inputSize: 4 });
    const b = await loadNodeEmbedder(again, { cutLayers: ['conv'], inputSize: 4 });
    expect(await b.embed([red])).toEqual(await a.embed([red]));
    a.dispose();
    b.dispose();
  });
});

describe('fetchModelFiles', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const name = (req.url ?? '/').split('/').pop() ?? '';
      readFile(join(good, name)).then(
        (body) => res.end(body),
        () => {
          res.statusCode = 404;
          res.end();
        },
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  it('fetches model.json and its shards over http, from the folder or the file URL', async () => {
    expect((await fetchModelFiles(`${base}/m/`)).weights).toHaveLength(2);
    expect((await fetchModelFiles(`${base}/m/model.json`)).weights).toHaveLength(2);
  });

  it('answers MODEL_NOT_FOUND when nothing is served there', async () => {
    await rm(join(tmp, 'gone'), { force: true });
    const saved = good;
    good = join(tmp, 'gone');
    try {
      expect(await codeOf(fetchModelFiles(`${base}/m/`))).toBe('MODEL_NOT_FOUND');
    } finally {
      good = saved;
    }
  });
});

describe('readNsfwjsModel', () => {
  it('reads the MobileNetV2 bundled in the nsfwjs package, weights matching the manifest', async () => {
    const files = await readNsfwjsModel();
    expect(JSON.stringify(files.json.modelTopology)).toContain('block_10_expand_relu');
    expect(files.weights[0]?.bytes.byteLength).toBeGreaterThan(1_000_000);
  });
});
