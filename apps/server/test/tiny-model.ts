import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A weightless TF.js layers model (one 56×56 average-pooling layer; the embedder pools it to the
 * mean colour, dim 3). Loaded through the same `--model <path>` code path as any custom model, it
 * lets tests start real server and CLI processes without spending seconds loading MobileNet.
 */
export const TINY_MODEL = {
  format: 'layers-model',
  generatedBy: 'smartmirror tests',
  convertedBy: null,
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: 'tiny',
      layers: [
        {
          class_name: 'AveragePooling2D',
          config: { name: 'pool', trainable: false, batch_input_shape: [null, 224, 224, 3], dtype: 'float32', pool_size: [56, 56], strides: [56, 56], padding: 'valid', data_format: 'channels_last' },
        },
      ],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  },
  weightsManifest: [{ paths: [], weights: [] }],
};

/** Writes the tiny model into `dir` (created) and returns the folder to pass as --model. */
export function writeTinyModel(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(TINY_MODEL));
  return dir;
}
