import * as tf from '@tensorflow/tfjs-core';
import { weightBytes } from './artifacts.ts';

/** One layer of a Keras 2 functional topology, as far as cutting needs it. */
interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /** Keras 2: [[ [inboundLayer, nodeIndex, tensorIndex, kwargs], … ], …] */
  inbound_nodes: unknown[];
}

interface KerasModelConfig {
  layers: KerasLayer[];
  input_layers: unknown[];
  output_layers: unknown[];
}

/** The functional-model config inside a layers model.json topology, or null for anything else. */
function functionalConfig(topology: unknown): KerasModelConfig | null {
  if (typeof topology !== 'object' || topology === null) return null;
  const t = topology as { model_config?: unknown; class_name?: unknown; config?: unknown };
  const model = (t.model_config ?? t) as { class_name?: unknown; config?: unknown };
  if (model.class_name !== 'Model' && model.class_name !== 'Functional') return null;
  const config = model.config as Partial<KerasModelConfig> | undefined;
  if (!config || !Array.isArray(config.layers) || !Array.isArray(config.input_layers)) return null;
  return config as KerasModelConfig;
}

/** Names of the layers that feed `layer` directly (Keras 2 inbound_nodes), or null if unreadable. */
function inboundNames(layer: KerasLayer): string[] | null {
  const names: string[] = [];
  for (const node of layer.inbound_nodes) {
    if (!Array.isArray(node)) return null;
    for (const edge of node) {
      if (!Array.isArray(edge) || typeof edge[0] !== 'string') return null;
      names.push(edge[0]);
    }
  }
  return names;
}

/**
 * Cuts a Keras functional layers model down to what `cutLayers` depend on: the later layers
 * (often a Flatten + Dense head that pins the input size) and their weights are dropped, and the
 * input becomes [null, inputSize, inputSize, 3]. The network is convolutional up to the cut, so
 * any input size works and the weights load strictly as before. Returns null when the topology
 * is not a Keras 2 functional model or a cut layer is missing; the caller then loads it whole.
 */
export function headlessArtifacts(artifacts: tf.io.ModelArtifacts, cutLayers: readonly string[], inputSize: number): tf.io.ModelArtifacts | null {
  const config = functionalConfig(artifacts.modelTopology);
  const specs = artifacts.weightSpecs;
  if (!config || !specs || artifacts.weightData === undefined) return null;
  const byName = new Map(config.layers.map((l) => [l.name, l]));
  const keep = new Set<string>();
  const todo = [...cutLayers];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (keep.has(name)) continue;
    const layer = byName.get(name);
    const inbound = layer ? inboundNames(layer) : null;
    if (!inbound) return null;
    keep.add(name);
    todo.push(...inbound);
  }
  const layers = config.layers.filter((l) => keep.has(l.name));
  const inputs = layers.filter((l) => l.class_name === 'InputLayer');
  if (inputs.length !== 1 || !inputs[0]) return null;
  const input = { ...inputs[0], config: { ...inputs[0].config, batch_input_shape: [null, inputSize, inputSize, 3] } };
  const cutConfig: KerasModelConfig = {
    ...config,
    layers: layers.map((l) => (l === inputs[0] ? input : l)),
    input_layers: [[input.name, 0, 0]],
    output_layers: cutLayers.map((n) => [n, 0, 0]),
  };
  // Weights are named "<layer>/<variable>"; keep the bytes of the kept layers, in order.
  const data = new Uint8Array(Array.isArray(artifacts.weightData) ? tf.io.concatenateArrayBuffers(artifacts.weightData) : artifacts.weightData);
  // Bytes that do not add up are the full loader's to report (MODEL_WEIGHTS_MISMATCH).
  if (specs.reduce((sum, spec) => sum + weightBytes(spec), 0) !== data.byteLength) return null;
  const keptSpecs: tf.io.WeightsManifestEntry[] = [];
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const bytes = weightBytes(spec);
    if (keep.has(spec.name.split('/')[0] ?? '')) {
      keptSpecs.push(spec);
      pieces.push(data.subarray(offset, offset + bytes));
    }
    offset += bytes;
  }
  const weightData = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    weightData.set(p, at);
    at += p.length;
  }
  const topology = artifacts.modelTopology as { model_config?: object };
  const modelTopology = topology.model_config
    ? { ...topology, model_config: { ...(topology.model_config), config: cutConfig } }
    : { ...topology, config: cutConfig };
  return { ...artifacts, modelTopology, weightSpecs: keptSpecs, weightData: weightData.buffer };
}
