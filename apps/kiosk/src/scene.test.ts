import { describe, expect, it } from 'vitest';
import { BACKGROUND_LABEL, isEmptyScene, measureStructure } from './scene.ts';

function image(w: number, h: number, px: (x: number, y: number) => number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = px(x, y);
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  return data;
}

describe('empty-scene detection', () => {
  it('a plain wall with sensor noise is empty', () => {
    let seed = 7;
    const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
    const s = measureStructure(image(64, 48, () => 180 + noise()), 64, 48);
    expect(isEmptyScene(null, s)).toBe(true);
  });

  it('an object with edges is not empty', () => {
    // a dark box in the middle of a light wall, like a carton held up
    const s = measureStructure(image(64, 48, (x, y) => (x > 16 && x < 48 && y > 8 && y < 40 ? 40 : 200) + ((x * 7 + y * 3) % 20)), 64, 48);
    expect(s.contrast).toBeGreaterThan(20);
    expect(isEmptyScene('Milk', s)).toBe(false);
  });

  it('the taught background label means empty whatever the texture', () => {
    const textured = measureStructure(image(64, 48, (x, y) => ((x + y) % 2) * 255), 64, 48);
    expect(isEmptyScene(null, textured)).toBe(false);
    expect(isEmptyScene(BACKGROUND_LABEL, textured)).toBe(true);
  });

  it('reads RGB as well as RGBA and survives an empty image', () => {
    const rgb = new Uint8Array([0, 0, 0, 255, 255, 255]);
    expect(measureStructure(rgb, 2, 1, 3).contrast).toBeCloseTo(127.5, 1);
    expect(measureStructure(new Uint8Array(0), 0, 0)).toEqual({ edges: 0, contrast: 0 });
  });
});
