import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-converter';
import { AppError, isAppError } from '@smartmirror/api';
import { memoryIOHandler } from './artifacts.ts';
import { headlessArtifacts } from './headless.ts';

/** A network cut at some layers: maps an input batch to one raw output tensor per cut layer. */
export interface FeatureModel {
  /** Runs the batch and returns the cut layers' outputs (caller disposes, or runs inside tf.tidy). */
  run(batch: tf.Tensor4D): tf.Tensor[];
  dispose(): void;
}

/** TF.js error texts that mean the weights do not fit the topology. */
const WEIGHT_ERROR = /weight|shape|values|variable|buffer|offset|length/i;

function describe(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
}

/**
 * Loads a TF.js layers or graph model through `handler` and cuts it at `cutLayers` (layer names
 * for layers models, node names for graph models). Errors: MODEL_LOAD_FAILED (unreadable or not
 * a model), MODEL_WEIGHTS_MISMATCH (missing weights, wrong shapes), MODEL_LAYER_NOT_FOUND.
 */
export async function loadFeatureModel(handler: tf.io.IOHandler, cutLayers: readonly string[], where: string, inputSize?: number): Promise<FeatureModel> {
  if (cutLayers.length === 0) throw new AppError('MODEL_LAYER_NOT_FOUND', `${where}: no layer to cut at was given.`);
  if (!handler.load) throw new AppError('MODEL_LOAD_FAILED', `${where}: the model source cannot be read.`);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    throw new AppError('MODEL_LOAD_FAILED', `${where}: the model could not be read (${describe(cause)}).`, { cause });
  }
  const topology = artifacts.modelTopology;
  if (typeof topology !== 'object' || topology === null || topology instanceof ArrayBuffer) {
    throw new AppError('MODEL_LOAD_FAILED', `${where}: the model has no JSON topology.`);
  }
  const isGraph = Array.isArray((topology as { node?: unknown }).node);
  if (isGraph) return loadGraph(artifacts, topology as { node: { name?: unknown }[] }, cutLayers, where);
  // Cutting before building frees the dropped head's weights and lets any input size through.
  const headless = inputSize === undefined ? null : headlessArtifacts(artifacts, cutLayers, inputSize);
  return loadLayers(headless ?? artifacts, cutLayers, where);
}

async function loadLayers(artifacts: tf.io.ModelArtifacts, cutLayers: readonly string[], where: string): Promise<FeatureModel> {
  let full: tfl.LayersModel;
  try {
    full = await tfl.loadLayersModel(memoryIOHandler(artifacts));
  } catch (cause) {
    const code = WEIGHT_ERROR.test(describe(cause)) ? 'MODEL_WEIGHTS_MISMATCH' : 'MODEL_LOAD_FAILED';
    throw new AppError(code, `${where}: the model could not be built (${describe(cause)}).`, { cause });
  }
  const names = new Set(full.layers.map((l) => l.name));
  const missing = cutLayers.filter((n) => !names.has(n));
  if (missing.length > 0) {
    full.dispose();
    throw new AppError('MODEL_LAYER_NOT_FOUND', `${where}: no layer named ${missing.join(', ')} (last layers: ${[...names].slice(-4).join(', ')}).`);
  }
  const outputs = cutLayers.map((n) => full.getLayer(n).output as tfl.SymbolicTensor);
  // The cut model shares the full model's weights: disposing it disposes them.
  const cut = tfl.model({ inputs: full.inputs, outputs });
  return {
    run: (batch) => {
      const out = cut.predict(batch);
      return Array.isArray(out) ? out : [out];
    },
    dispose: () => full.dispose(),
  };
}

async function loadGraph(
  artifacts: tf.io.ModelArtifacts,
  topology: { node: { name?: unknown }[] },
  cutLayers: readonly string[],
  where: string,
): Promise<FeatureModel> {
  const names = new Set(topology.node.map((n) => String(n.name)));
  const missing = cutLayers.filter((n) => !names.has(n));
  if (missing.length > 0) throw new AppError('MODEL_LAYER_NOT_FOUND', `${where}: no graph node named ${missing.join(', ')}.`);
  let graph: tfc.GraphModel;
  try {
    graph = await tfc.loadGraphModel(memoryIOHandler(artifacts));
  } catch (cause) {
    const code = WEIGHT_ERROR.test(describe(cause)) ? 'MODEL_WEIGHTS_MISMATCH' : 'MODEL_LOAD_FAILED';
    throw new AppError(code, `${where}: the graph model could not be built (${describe(cause)}).`, { cause });
  }
  return {
    run: (batch) => {
      const out = graph.execute(batch, [...cutLayers]);
      return Array.isArray(out) ? out : [out];
    },
    dispose: () => graph.dispose(),
  };
}
