import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '@smartmirror/api';
// Importing a backend registers it with tfjs-core; which one runs is decided by selectBackend.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';

/** A TF.js backend this project knows how to run on. */
export type BackendName = 'webgl' | 'wasm' | 'cpu';

/** True when running under Node (no DOM): WebGL cannot work there. */
function isNode(): boolean {
  // Read through globalThis: the core is isomorphic and compiles without Node's types.
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** Backends tried in order: webgl → wasm → cpu in a browser; wasm → cpu in Node. */
export function defaultBackendOrder(): BackendName[] {
  return isNode() ? ['wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
}

let selected: Promise<BackendName> | null = null;

/**
 * Activates the first backend of `order` that initialises and returns its name. The result is
 * memoised: every embedder in a process shares one backend (tensors cannot cross backends).
 * In Node, tfjs-backend-wasm loads its .wasm file from node_modules, so nothing is fetched.
 */
export function selectBackend(order: readonly BackendName[] = defaultBackendOrder()): Promise<BackendName> {
  selected ??= (async () => {
    for (const name of order) {
      try {
        if (await tf.setBackend(name)) {
          await tf.ready();
          return name;
        }
      } catch {
        // Try the next one: e.g. WebGL is missing on a headless kiosk without a GPU.
      }
    }
    selected = null;
    throw new AppError('MODEL_LOAD_FAILED', `No TF.js backend could start (tried ${order.join(', ')}).`);
  })();
  return selected;
}
