import sharp from 'sharp';
import { AppError } from '@smartmirror/api';
import type { RawImage } from '@smartmirror/core';
import { decodeImage } from '@smartmirror/node';

/** Side of stored example thumbnails, px. */
export const THUMBNAIL_SIZE = 96;

// Thumbnails from kiosks are small JPEGs; anything bigger than this is not a thumbnail.
const MAX_THUMBNAIL_PIXELS = 4_000_000;

/** A 96-px square JPEG of decoded pixels (centre crop). */
export async function thumbnailFromPixels(img: RawImage): Promise<Uint8Array> {
  const out = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'cover' })
    .jpeg({ quality: 75 })
    .toBuffer();
  return new Uint8Array(out);
}

/**
 * Re-encodes a client thumbnail (base64 or data: URL). Re-encoding means the server only ever
 * serves bytes it produced itself, whatever a client sent.
 */
export async function thumbnailFromBase64(text: string): Promise<Uint8Array> {
  const m = /^data:image\/[a-z+.-]+;base64,(.*)$/s.exec(text);
  const b64 = (m ? m[1] : text) ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new AppError('INVALID_IMAGE', 'The thumbnail is not base64.');
  return thumbnailFromPixels(await decodeImage(Buffer.from(b64, 'base64'), { maxPixels: MAX_THUMBNAIL_PIXELS }));
}
