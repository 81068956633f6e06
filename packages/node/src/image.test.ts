import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { decodeImage, sniffImageType } from './image.ts';

const solid = (w: number, h: number): Promise<Buffer> =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 10, b: 30 } } }).jpeg().toBuffer();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof AppError ? err.code : 'other';
  }
}

describe('decodeImage', () => {
  it('decodes a JPEG to RGB pixels', async () => {
    const img = await decodeImage(await solid(32, 16));
    expect([img.width, img.height, img.channels, img.data.length]).toEqual([32, 16, 3, 32 * 16 * 3]);
    expect(img.data[0]).toBeGreaterThan(180);
    expect(img.data[1]).toBeLessThan(40);
  });

  it('sniffs the type from bytes, not the name', async () => {
    expect(sniffImageType(await solid(4, 4))).toBe('jpeg');
    expect(sniffImageType(new TextEncoder().encode('hello, I am a .jpg'))).toBeNull();
    expect(await codeOf(decodeImage(new TextEncoder().encode('hello')))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a truncated JPEG with INVALID_IMAGE', async () => {
    const jpeg = await solid(64, 64);
    expect(await codeOf(decodeImage(jpeg.subarray(0, 40)))).toBe('INVALID_IMAGE');
  });

  it('refuses images over the pixel limit before decoding them', async () => {
    expect(await codeOf(decodeImage(await solid(200, 100), { maxPixels: 10_000 }))).toBe('IMAGE_TOO_LARGE');
  });
});
