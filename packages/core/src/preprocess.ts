import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '@smartmirror/api';
import type { RawImage } from './types.ts';

/** How an image becomes a model input: square side in pixels and the value range the model wants. */
export interface PreprocessOptions {
  /** Output side in pixels (224 for every preset). */
  size: number;
  /** Pixel values 0..255 are mapped linearly onto this range, e.g. [-1, 1] or [0, 1]. */
  range: readonly [number, number];
}

/** Checks that a RawImage's buffer matches its declared size; bad input is a 400, not a crash. */
function checkImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AppError('INVALID_IMAGE', `The image has an invalid size ${width}×${height}.`);
  }
  if ((channels !== 3 && channels !== 4) || data.length !== width * height * channels) {
    throw new AppError('INVALID_IMAGE', `The image buffer holds ${data.length} bytes, not ${width}×${height}×${channels}.`);
  }
}

/**
 * Like a camera pipeline: centre-crop to a square, resize (bilinear) to `size`, scale 0..255 to
 * `range`. RGBA alpha is dropped. Returns a [1, size, size, 3] float32 tensor the caller disposes.
 * Pure tf ops so the browser and Node produce the same numbers.
 */
export function preprocessImage(image: RawImage, opts: PreprocessOptions): tf.Tensor4D {
  checkImage(image);
  const [lo, hi] = opts.range;
  return tf.tidy(() => {
    const { width, height, channels } = image;
    let pixels: tf.Tensor3D = tf.tensor3d(Int32Array.from(image.data), [height, width, channels], 'int32');
    if (channels === 4) pixels = tf.slice(pixels, [0, 0, 0], [height, width, 3]);
    // The middle square: products are held in front of the mirror, near the centre of the frame.
    const side = Math.min(width, height);
    const top = Math.floor((height - side) / 2);
    const left = Math.floor((width - side) / 2);
    const square = tf.slice(pixels, [top, left, 0], [side, side, 3]);
    const resized = tf.image.resizeBilinear(tf.cast(square, 'float32'), [opts.size, opts.size], false, true);
    // Values read from images are in [0, 255] but the model wants `range`.
    const scaled = tf.add(tf.mul(resized, (hi - lo) / 255), lo);
    return tf.expandDims<tf.Tensor4D>(scaled, 0);
  });
}

/** Preprocesses several images into one [n, size, size, 3] batch (see preprocessImage). */
export function preprocessBatch(images: readonly RawImage[], opts: PreprocessOptions): tf.Tensor4D {
  return tf.tidy(() => tf.concat(images.map((image) => preprocessImage(image, opts)), 0));
}
