// The models this product knows by name. Pure data: where each comes from is resolved by the
// platform (Node reads a directory or the nsfwjs package; a browser fetches from the server).
// Cut layers, input ranges and flip TTA were chosen by measurement: see bench/accuracy.ts and
// the README section "Models and accuracy".
import { DEFAULT_THRESHOLD } from '../knn/classifier.ts';

/** Where a preset's bytes live. */
export type ModelSource =
  /** The MobileNetV2 bundled in the npm package `nsfwjs` (installed by npm ci). */
  | { kind: 'nsfwjs' }
  /** A folder with model.json + weight files inside the models directory. */
  | { kind: 'models-dir'; dir: string };

/** One model by name: its source and how to cut and feed it. */
export interface ModelPreset {
  kind: 'model';
  name: string;
  description: string;
  source: ModelSource;
  /** Square input side in pixels. */
  inputSize: number;
  /** Range pixels are scaled to. */
  inputRange: readonly [number, number];
  /** Layers pooled (and concatenated) into the embedding. */
  cutLayers: readonly string[];
  /** Average with the mirrored image (2× compute). */
  flip: boolean;
  /**
   * Measured unknown threshold (similarity in the classifier's default whitened metric): the
   * best-match similarity at which 90 % of correctly recognised taught products still pass, on
   * photos of another session (bench/threshold.ts; 20 products × 5 photos taught).
   */
  threshold: number;
}

/** Several presets embedded side by side (see combineEmbedders). */
export interface EnsemblePreset {
  kind: 'ensemble';
  name: string;
  description: string;
  /** Names of single-model presets. */
  members: readonly string[];
  /** Measured unknown threshold of the joined vector, as for ModelPreset.threshold. */
  threshold: number;
}

/** A named model or ensemble. */
export type Preset = ModelPreset | EnsemblePreset;

/** Every preset, default first. */
export const PRESETS: readonly Preset[] = [
  {
    kind: 'model',
    name: 'mobilenet-v2',
    description: 'ImageNet MobileNetV2 from the npm package nsfwjs, cut below its fine-tuned blocks',
    source: { kind: 'nsfwjs' },
    inputSize: 224,
    inputRange: [-1, 1],
    cutLayers: ['block_10_depthwise_relu'],
    flip: false,
    threshold: 0.6397,
  },
  {
    kind: 'model',
    name: 'mobilenet-v1',
    description: 'ImageNet MobileNet v1 1.0 (headless, 1024 channels)',
    source: { kind: 'models-dir', dir: 'mobilenet-v1-1.0-headless' },
    inputSize: 224,
    inputRange: [-1, 1],
    cutLayers: ['conv_dw_13_relu'],
    flip: false,
    threshold: 0.2495,
  },
  {
    kind: 'model',
    name: 'darknet-tiny',
    description: 'ImageNet Darknet reference tiny',
    source: { kind: 'models-dir', dir: 'darknet-tiny' },
    inputSize: 224,
    inputRange: [0, 1],
    cutLayers: ['leaky_re_lu_14'],
    flip: false,
    threshold: 0.2772,
  },
  {
    kind: 'ensemble',
    name: 'mobilenet-v1+darknet-tiny',
    description: 'MobileNet v1 and Darknet tiny side by side: the most accurate measured (adding mobilenet-v2 gains nothing significant)',
    members: ['mobilenet-v1', 'darknet-tiny'],
    threshold: 0.2123,
  },
];

/** Preset used when none is named: the one that needs no files beyond npm ci. */
export const DEFAULT_PRESET = 'mobilenet-v2';

/** What `--model best` means: the preset the accuracy benchmark measured most accurate. */
export const BEST_PRESET = 'mobilenet-v1+darknet-tiny';

/** The preset called `name` (`best` is an alias), or undefined. */
export function findPreset(name: string): Preset | undefined {
  const wanted = name === 'best' ? BEST_PRESET : name;
  return PRESETS.find((p) => p.name === wanted);
}

/**
 * The embedding-space id of a model preset: name, cut layers and flip. Examples taught with one
 * id are never compared with another's.
 */
export function presetModelId(preset: Pick<ModelPreset, 'name' | 'cutLayers' | 'flip'>): string {
  return `${preset.name}@${preset.cutLayers.join('+')}${preset.flip ? '+flip' : ''}`;
}

/** The unknown threshold to start with for a model: its preset's measured one, else DEFAULT_THRESHOLD. */
export function defaultThreshold(modelName: string): number {
  return findPreset(modelName)?.threshold ?? DEFAULT_THRESHOLD;
}
