import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadEmbedder, memoryIOHandler, PRESETS, type RawImage } from '@smartmirror/core';
import { decodeImage } from '../image.ts';
import { defaultModelsDir, loadNodeEmbedder, modelArtifactsFor, resolveModel } from './resolve.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const trainDir = join(dirname(repo), 'shared', 'datasets', 'grocery-store', 'train');
const present = existsSync(trainDir);
if (!present) console.warn(`embed.int: skipping, the dataset ${trainDir} is absent`);

/** Presets whose files are here (the nsfwjs one always is; folder presets need ../shared/models). */
const available = PRESETS.filter((p) => p.kind === 'model').filter((p) => {
  const r = resolveModel(p.name);
  const ok = r.kind === 'model' && (r.where === 'npm package nsfwjs' || existsSync(join(r.where, 'model.json')));
  if (!ok) console.warn(`embed.int: skipping preset ${p.name}, not in ${defaultModelsDir()}`);
  return ok;
});

async function photos(label: string, n: number): Promise<RawImage[]> {
  const files = (await readdir(join(trainDir, label))).sort().slice(0, n);
  return Promise.all(files.map(async (f) => decodeImage(await readFile(join(trainDir, label, f)))));
}

const dot = (a?: Float32Array, b?: Float32Array): number => (a ?? new Float32Array()).reduce((s, v, i) => s + v * (b?.[i] ?? 0), 0);

describe.skipIf(!present)('embeddings of real photos', () => {
  for (const preset of available) {
    it(`${preset.name}: photos of one product are nearer each other than to other products`, async () => {
      const products = ['Banana', 'Oatly-Oat-Milk', 'Red-Beet'];
      const images = (await Promise.all(products.map((p) => photos(p, 3)))).flat();
      const e = await loadNodeEmbedder(preset.name);
      const v = await e.embed(images);
      e.dispose();
      const label = (i: number): number => Math.floor(i / 3);
      let within = 0;
      let between = 0;
      let nw = 0;
      let nb = 0;
      for (let i = 0; i < v.length; i++) {
        expect(Math.sqrt(dot(v[i], v[i]))).toBeCloseTo(1, 4);
        for (let j = i + 1; j < v.length; j++) {
          if (label(i) === label(j)) {
            within += dot(v[i], v[j]);
            nw++;
          } else {
            between += dot(v[i], v[j]);
            nb++;
          }
        }
      }
      expect(within / nw).toBeGreaterThan(between / nb);
    });
  }

  it('the served single-file model embeds exactly like the preset it came from', async () => {
    const images = await photos('Kiwi', 2);
    const direct = await loadNodeEmbedder('mobilenet-v2');
    const served = await modelArtifactsFor('mobilenet-v2');
    const weightData = new Uint8Array(served.weights).buffer;
    const viaServer = await loadEmbedder({
      io: memoryIOHandler({ modelTopology: served.modelJson.modelTopology, weightSpecs: served.modelJson.weightsManifest.flatMap((g) => g.weights), weightData }),
      id: served.id,
      inputSize: served.inputSize,
      inputRange: served.inputRange,
      cutLayers: served.cutLayers,
      flip: served.flip,
    });
    const a = await direct.embed(images);
    const b = await viaServer.embed(images);
    expect(viaServer.info).toEqual(direct.info);
    for (let i = 0; i < images.length; i++) expect(dot(a[i], b[i])).toBeGreaterThan(0.9999);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await direct.embed(images);
    expect(tf.memory().numTensors).toBe(before);
    direct.dispose();
    viaServer.dispose();
  });
});
