import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../backend.ts';
import { headlessArtifacts } from './headless.ts';
import { loadFeatureModel } from './feature-model.ts';
import { memoryIOHandler } from './artifacts.ts';

/**
 * A classifier whose head pins the input size, like Keras MobileNets: 8×8×3 → conv 'conv' →
 * relu 'act' → flatten → dense 'logits'. Cut at 'act', the rest is not needed.
 */
async function pinnedModel(): Promise<tf.io.ModelArtifacts> {
  const input = tfl.input({ shape: [8, 8, 3], name: 'image' });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', biasInitializer: 'ones' });
  const act = tfl.layers.reLU({ name: 'act' });
  const flat = tfl.layers.flatten({ name: 'flat' });
  const logits = tfl.layers.dense({ name: 'logits', units: 3 });
  const output = logits.apply(flat.apply(act.apply(conv.apply(input)))) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      saved = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
    }),
  );
  model.dispose();
  if (!saved) throw new Error('model was not saved');
  return saved;
}

let artifacts: tf.io.ModelArtifacts;

beforeAll(async () => {
  await selectBackend();
  artifacts = await pinnedModel();
});

describe('headlessArtifacts', () => {
  it('drops the layers and weights after the cut', () => {
    const cut = headlessArtifacts(artifacts, ['act'], 8);
    expect(cut).not.toBeNull();
    expect(cut?.weightSpecs?.map((w) => w.name).sort()).toEqual(['conv/bias', 'conv/kernel']);
    expect((cut?.weightData as ArrayBuffer).byteLength).toBe((3 * 3 * 3 * 4 + 4) * 4);
  });

  it('computes the same features as the whole model cut at the same layer', async () => {
    const whole = await loadFeatureModel(memoryIOHandler(artifacts), ['act'], 'whole');
    const cut = await loadFeatureModel(memoryIOHandler(artifacts), ['act'], 'cut', 8);
    const x = tf.randomUniform<tf.Rank.R4>([2, 8, 8, 3], -1, 1, 'float32', 5);
    const [a] = whole.run(x);
    const [b] = cut.run(x);
    expect(Array.from(await (b as tf.Tensor).data())).toEqual(Array.from(await (a as tf.Tensor).data()));
    tf.dispose([x, a, b]);
    whole.dispose();
    cut.dispose();
  });

  it('accepts another input size once the size-pinning head is gone', async () => {
    const cut = await loadFeatureModel(memoryIOHandler(artifacts), ['act'], 'cut', 12);
    const x = tf.zeros<tf.Rank.R4>([1, 12, 12, 3]);
    const [out] = cut.run(x);
    expect(out?.shape).toEqual([1, 12, 12, 4]);
    tf.dispose([x, out]);
    cut.dispose();
  });

  it('leaves the model whole when it cannot cut (missing layer, bytes that do not add up, graph models)', () => {
    expect(headlessArtifacts(artifacts, ['nope'], 8)).toBeNull();
    const short = (artifacts.weightData as ArrayBuffer).slice(0, 16);
    expect(headlessArtifacts({ ...artifacts, weightData: short }, ['act'], 8)).toBeNull();
    expect(headlessArtifacts({ ...artifacts, modelTopology: { node: [] } }, ['act'], 8)).toBeNull();
  });
});
