import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { defaultBackendOrder, selectBackend } from './backend.ts';

describe('selectBackend', () => {
  it('uses WASM in Node (no WebGL there) and memoises the choice', async () => {
    expect(defaultBackendOrder()).toEqual(['wasm', 'cpu']);
    const first = selectBackend();
    expect(selectBackend(['cpu'])).toBe(first);
    expect(await first).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
