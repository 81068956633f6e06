import sharp from 'sharp';
import { AppError } from '@smartmirror/api';
import type { RawImage } from '@smartmirror/core';

/** Image types accepted from users, recognised by their first bytes, never by file name. */
export type ImageType = 'jpeg' | 'png' | 'webp' | 'gif';

/** Limits applied before any pixel is decoded. */
export interface DecodeLimits {
  /** Largest accepted width × height, in pixels. Default 40 000 000 (a 40 MP phone photo). */
  maxPixels?: number;
}

/** Default pixel limit: bigger than any phone photo, far below a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** Recognises an image type from its magic bytes; null when the bytes are not a supported image. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return 'gif';
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return null;
}

/**
 * Decodes image bytes into RGB pixels, honouring EXIF orientation (phone photos are often stored
 * sideways). Refuses non-images (UNSUPPORTED_MEDIA_TYPE), corrupt data (INVALID_IMAGE) and images
 * over the pixel limit (IMAGE_TOO_LARGE) before decoding their pixels.
 */
export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<RawImage> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (sniffImageType(bytes) === null) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is not a JPEG, PNG, WebP or GIF image.');
  }
  // Read the header alone first: the size check must happen before any pixel is decoded.
  const { width, height } = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch((cause: unknown) => {
      throw new AppError('INVALID_IMAGE', 'The image could not be read: it is corrupt or truncated.', { cause });
    });
  if (!width || !height) throw new AppError('INVALID_IMAGE', 'The image has no size: it is corrupt or truncated.');
  if (width * height > maxPixels) {
    throw new AppError('IMAGE_TOO_LARGE', `The image has ${width}×${height} pixels; at most ${maxPixels} are accepted.`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (cause) {
    throw new AppError('INVALID_IMAGE', 'The image could not be decoded: it is corrupt or truncated.', { cause });
  }
}
