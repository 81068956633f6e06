import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { isAppError } from '@smartmirror/api';
import { selectBackend } from './backend.ts';
import { preprocessBatch, preprocessImage } from './preprocess.ts';
import type { RawImage } from './types.ts';

/** A w×h image whose pixel (x, y) is [r, g, b] = fill(x, y). */
function image(w: number, h: number, channels: 3 | 4, fill: (x: number, y: number) => [number, number, number]): RawImage {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * channels;
      data.set(fill(x, y), at);
      if (channels === 4) data[at + 3] = 7;
    }
  }
  return { data, width: w, height: h, channels };
}

beforeAll(async () => {
  await selectBackend();
});

describe('preprocessImage', () => {
  it('keeps the centre square of a wide frame', async () => {
    // 6×2: columns 0,1 and 4,5 are red (cropped away), the middle 2×2 is green.
    const img = image(6, 2, 3, (x) => (x >= 2 && x < 4 ? [0, 255, 0] : [255, 0, 0]));
    const t = preprocessImage(img, { size: 2, range: [0, 1] });
    expect(t.shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(await t.data())).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
    t.dispose();
  });

  it('keeps the centre square of a tall frame', async () => {
    const img = image(1, 3, 3, (_x, y) => (y === 1 ? [10, 20, 30] : [255, 255, 255]));
    const t = preprocessImage(img, { size: 1, range: [0, 255] });
    expect(Array.from(await t.data())).toEqual([10, 20, 30]);
    t.dispose();
  });

  it('maps 0..255 onto the model range', async () => {
    const black = preprocessImage(image(1, 1, 3, () => [0, 0, 0]), { size: 1, range: [-1, 1] });
    const white = preprocessImage(image(1, 1, 3, () => [255, 255, 255]), { size: 1, range: [-1, 1] });
    const mid = preprocessImage(image(1, 1, 3, () => [51, 102, 204]), { size: 1, range: [0, 1] });
    expect(Array.from(await black.data())).toEqual([-1, -1, -1]);
    expect(Array.from(await white.data())).toEqual([1, 1, 1]);
    Array.from(await mid.data()).forEach((v, i) => expect(v).toBeCloseTo([0.2, 0.4, 0.8][i] ?? 0, 5));
    tf.dispose([black, white, mid]);
  });

  it('resizes bilinearly: a left/right split averages at the seam when shrunk', async () => {
    // 4×4, left half 0, right half 200 → 2×2 keeps the halves; 1×1 lands between them.
    const img = image(4, 4, 3, (x) => (x < 2 ? [0, 0, 0] : [200, 200, 200]));
    const two = preprocessImage(img, { size: 2, range: [0, 255] });
    const px = Array.from(await two.data());
    expect(px[0]).toBeCloseTo(0, 3);
    expect(px[3]).toBeCloseTo(200, 3);
    const one = preprocessImage(img, { size: 1, range: [0, 255] });
    const v = (await one.data())[0] ?? -1;
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(200);
    tf.dispose([two, one]);
  });

  it('ignores the alpha of RGBA frames', async () => {
    const rgb = preprocessImage(image(3, 3, 3, (x, y) => [x * 50, y * 50, 90]), { size: 2, range: [0, 1] });
    const rgba = preprocessImage(image(3, 3, 4, (x, y) => [x * 50, y * 50, 90]), { size: 2, range: [0, 1] });
    expect(Array.from(await rgba.data())).toEqual(Array.from(await rgb.data()));
    tf.dispose([rgb, rgba]);
  });

  it('refuses a buffer that does not match its size', () => {
    const bad: RawImage = { data: new Uint8Array(5), width: 2, height: 2, channels: 3 };
    try {
      preprocessImage(bad, { size: 2, range: [0, 1] });
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err) && err.code).toBe('INVALID_IMAGE');
    }
  });

  it('batches images of different sizes and frees every intermediate', () => {
    const before = tf.memory().numTensors;
    const batch = preprocessBatch([image(5, 3, 3, () => [1, 2, 3]), image(2, 7, 4, () => [4, 5, 6])], { size: 4, range: [0, 1] });
    expect(batch.shape).toEqual([2, 4, 4, 3]);
    batch.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
