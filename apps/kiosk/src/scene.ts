// "Is anything in front of the mirror?" decided from two independent signals, either of which
// says "empty":
//  1. the reserved label BACKGROUND_LABEL wins the k-NN vote: staff taught what the empty scene
//     looks like (any backdrop, textured or not, any lighting) — the robust signal once taught;
//  2. the frame has almost no structure (edges and contrast of a small grey copy are near zero):
//     a plain wall, a covered lens or a dark room — works out of the box before anything is taught.
// A product held up adds edges and contrast at once, so signal 2 does not fire on products; a
// textured backdrop defeats signal 2, which is exactly what teaching `_background` fixes.

/** The reserved label of the empty scene: teach it with nothing in front of the mirror. */
export const BACKGROUND_LABEL = '_background';

/** How much there is to see in a frame. */
export interface Structure {
  /** Mean absolute difference of neighbouring grey pixels, in 0–255 units. */
  edges: number;
  /** Standard deviation of grey levels, in 0–255 units. */
  contrast: number;
}

/** Thresholds under which a frame counts as empty. */
export interface SceneOptions {
  /** Default 2.5 grey levels per pixel step. */
  maxEdges: number;
  /** Default 10 grey levels. */
  maxContrast: number;
}

/** Defaults: a plain noisy wall measures ≈ 0–2 on both; the dataset photos seen by the e2e tests measure edges 16–26, contrast 44–52. */
export const DEFAULT_SCENE_OPTIONS: SceneOptions = { maxEdges: 2.5, maxContrast: 10 };

/** Measures edges and contrast of an RGBA (4 channels) or RGB (3) image; cheap on a 64×48 copy. */
export function measureStructure(data: ArrayLike<number>, width: number, height: number, channels: 3 | 4 = 4): Structure {
  const n = width * height;
  if (n === 0) return { edges: 0, contrast: 0 };
  const grey = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    // Rec. 601 luma: what the eye sees as contrast.
    const y = 0.299 * (data[o] ?? 0) + 0.587 * (data[o + 1] ?? 0) + 0.114 * (data[o + 2] ?? 0);
    grey[i] = y;
    sum += y;
  }
  const mean = sum / n;
  let sq = 0;
  let diff = 0;
  let pairs = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = grey[y * width + x] ?? 0;
      sq += (v - mean) ** 2;
      if (x + 1 < width) {
        diff += Math.abs(v - (grey[y * width + x + 1] ?? 0));
        pairs++;
      }
      if (y + 1 < height) {
        diff += Math.abs(v - (grey[(y + 1) * width + x] ?? 0));
        pairs++;
      }
    }
  }
  return { edges: pairs === 0 ? 0 : diff / pairs, contrast: Math.sqrt(sq / n) };
}

/** True when the frame shows nothing: the empty-scene label won, or there is almost no structure. */
export function isEmptyScene(label: string | null, structure: Structure, opts: SceneOptions = DEFAULT_SCENE_OPTIONS): boolean {
  if (label === BACKGROUND_LABEL) return true;
  return structure.edges <= opts.maxEdges && structure.contrast <= opts.maxContrast;
}
