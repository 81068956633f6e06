import type { InjectOptions } from 'fastify';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeContainer, decodeContainer } from '@smartmirror/core';
import { ADMIN, bearer, dbDigest, KIOSK, makeTestApp, multipart, solidJpeg, type TestApp } from '../test/helpers.ts';
import { encodeEmbedding } from './embedding.ts';

/** A PNG whose header claims `w`×`h` pixels, with a tiny (invalid-sized) IDAT: a decompression bomb's header. */
function pngClaiming(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('bad input: a clear 4xx with a stable code, and the store unchanged', () => {
  let t: TestApp;
  let good: Buffer;
  let bundle: Buffer;
  beforeAll(async () => {
    t = await makeTestApp();
    good = await solidJpeg([200, 20, 20]);
    const { body, contentType } = multipart([{ bytes: good }]);
    await t.app.inject({ method: 'POST', url: '/api/labels/Red/examples', payload: body, headers: { ...bearer(ADMIN), 'content-type': contentType } });
    await t.app.inject({ method: 'POST', url: '/api/products', headers: bearer(ADMIN), payload: { id: 'p1', name: 'Jam' } });
    await t.app.inject({ method: 'PUT', url: '/api/labels/Red/recommendations', headers: bearer(ADMIN), payload: { productIds: ['p1'] } });
    bundle = (await t.app.inject({ url: '/api/export', headers: bearer(ADMIN) })).rawPayload;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Sends a request and checks status, code, body shape and that nothing was written. */
  const refused = async (
    req: InjectOptions,
    status: number,
    code: string,
  ): Promise<void> => {
    const before = dbDigest(t.dir);
    const examplesBefore = (await t.app.inject('/api/health')).json<{ examples: number }>().examples;
    const r = await t.app.inject(req);
    expect(r.statusCode, r.body).toBe(status);
    const body = r.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(5);
    expect(r.body).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
    expect(dbDigest(t.dir)).toBe(before);
    expect((await t.app.inject('/api/health')).json<{ examples: number }>().examples).toBe(examplesBefore);
  };
  const upload = (files: Parameters<typeof multipart>[0], url = '/api/labels/Red/examples', token = ADMIN): InjectOptions => {
    const { body, contentType } = multipart(files);
    return { method: 'POST', url, payload: body, headers: { ...bearer(token), 'content-type': contentType } };
  };

  it('refuses a corrupt (truncated) JPEG', async () => {
    await refused(upload([{ bytes: good.subarray(0, 60) }]), 400, 'INVALID_IMAGE');
    await refused(upload([{ bytes: good.subarray(0, 60) }], '/api/classify'), 400, 'INVALID_IMAGE');
  });

  it('refuses a decompression bomb before decoding it (header claims 32768×32768)', async () => {
    await refused(upload([{ bytes: pngClaiming(32768, 32768), type: 'image/png', name: 'bomb.png' }]), 413, 'IMAGE_TOO_LARGE');
  });

  it('refuses a bomb or a corrupt file as a product image', async () => {
    await refused({ ...upload([{ bytes: pngClaiming(32768, 32768), type: 'image/png' }], '/api/products/p1/image'), method: 'PUT' }, 413, 'IMAGE_TOO_LARGE');
    await refused({ ...upload([{ bytes: good.subarray(0, 60) }], '/api/products/p1/image'), method: 'PUT' }, 400, 'INVALID_IMAGE');
  });

  it('refuses a highly compressible 42-megapixel PNG', async () => {
    const big = await sharp({ create: { width: 7000, height: 6000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png({ compressionLevel: 9 }).toBuffer();
    expect(big.length).toBeLessThan(1_000_000);
    await refused(upload([{ bytes: big, type: 'image/png' }]), 413, 'IMAGE_TOO_LARGE');
  });

  it('refuses a 50 MB upload and a 50 MB JSON body', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0xff);
    await refused(upload([{ bytes: huge }]), 413, 'PAYLOAD_TOO_LARGE');
    await refused(
      { method: 'POST', url: '/api/labels/Red/examples', headers: { ...bearer(ADMIN), 'content-type': 'application/json' }, payload: `{"embedding":"${'A'.repeat(50 * 1024 * 1024)}"}` },
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('refuses many files that are each under the limit but too large together', async () => {
    const part = Buffer.alloc(15 * 1024 * 1024, 0xff);
    await refused(upload([part, part, part, part, part].map((bytes) => ({ bytes }))), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a text file named .jpg (type sniffed from bytes)', async () => {
    await refused(upload([{ bytes: Buffer.from('I am not a photo, just text in a .jpg file'), name: 'apple.jpg' }]), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a multipart batch with one bad image without storing the good ones', async () => {
    await refused(upload([{ bytes: good }, { bytes: Buffer.from('nope') }]), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses wrong JSON shapes and malformed JSON', async () => {
    const post = (payload: unknown, url = '/api/labels/Red/examples'): InjectOptions => ({
      method: 'POST',
      url,
      headers: { ...bearer(ADMIN), 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    await refused(post({ hello: 'world' }), 400, 'VALIDATION_FAILED');
    await refused(post({ embedding: [1, 2, 3] }), 400, 'VALIDATION_FAILED'); // no modelId
    await refused(post('{"embedding": [1, 2,'), 400, 'BAD_REQUEST');
    await refused(post({ name: 42 }, '/api/products'), 400, 'VALIDATION_FAILED');
    await refused(post({ productIds: 'p1' }, '/api/labels/Red/recommendations'), 404, 'NOT_FOUND'); // POST is not a route
    await refused({ method: 'PUT', url: '/api/labels/Red/recommendations', headers: bearer(ADMIN), payload: { productIds: 'p1' } }, 400, 'VALIDATION_FAILED');
    await refused({ method: 'PUT', url: '/api/settings', headers: bearer(ADMIN), payload: { threshold: 7 } }, 400, 'VALIDATION_FAILED');
    await refused({ method: 'POST', url: '/api/kiosk/events', headers: bearer(KIOSK), payload: { events: [{ type: 'purchase' }] } }, 400, 'VALIDATION_FAILED');
    await refused(post({ embedding: encodeEmbedding(new Float32Array(12).fill(0.2)), modelId: 'test-colour@grid2' }, `/api/labels/${'x'.repeat(200)}/examples`), 400, 'VALIDATION_FAILED');
    await refused(post({ embedding: encodeEmbedding(new Float32Array(12).fill(0.2)), modelId: 'test-colour@grid2' }, '/api/labels/bad%0Alabel/examples'), 400, 'VALIDATION_FAILED');
  });

  it('refuses embeddings of the wrong length, with NaN, all zeros, from another model, or with a bad thumbnail', async () => {
    const post = (payload: unknown): InjectOptions => ({ method: 'POST', url: '/api/labels/Red/examples', headers: bearer(KIOSK), payload: payload as Record<string, unknown> });
    const m = 'test-colour@grid2';
    await refused(post({ embedding: Array(11).fill(0.3), modelId: m }), 400, 'INVALID_EMBEDDING');
    await refused(post({ embedding: encodeEmbedding(new Float32Array(13).fill(0.3)), modelId: m }), 400, 'INVALID_EMBEDDING');
    const nan = new Float32Array(12).fill(0.3);
    nan[4] = NaN;
    await refused(post({ embedding: encodeEmbedding(nan), modelId: m }), 400, 'INVALID_EMBEDDING');
    await refused(post({ embedding: Array(12).fill(0), modelId: m }), 400, 'INVALID_EMBEDDING');
    await refused(post({ embedding: 'not base64 !!', modelId: m }), 400, 'INVALID_EMBEDDING');
    await refused(post({ embedding: Array(12).fill(0.3), modelId: 'mobilenet-v1@conv_dw_13_relu' }), 409, 'MODEL_MISMATCH');
    // The second example is bad: the first must not be stored either.
    await refused(post({ examples: [{ embedding: Array(12).fill(0.3), modelId: m }, { embedding: Array(12).fill(0.3), modelId: m, thumbnail: 'data:image/jpeg;base64,aGVsbG8=' }] }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a bundle with a tampered checksum, a path-like id, slices out of range, or no bundle at all', async () => {
    const imp = (bytes: Uint8Array): InjectOptions => ({
      method: 'POST',
      url: '/api/import?mode=replace',
      headers: { ...bearer(ADMIN), 'content-type': 'application/octet-stream' },
      payload: Buffer.from(bytes),
    });
    const tampered = Buffer.from(bundle);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 0x01;
    await refused(imp(tampered), 400, 'BUNDLE_CHECKSUM_MISMATCH');
    await refused(imp(bundle.subarray(0, bundle.length - 100)), 400, 'INVALID_BUNDLE');
    await refused(imp(Buffer.from('PK\u0003\u0004 a zip file, not a bundle')), 400, 'INVALID_BUNDLE');

    const c = decodeContainer(new Uint8Array(bundle));
    const reframe = (mutate: (h: Record<string, unknown>) => void): Uint8Array => {
      const header = JSON.parse(JSON.stringify(c.header)) as Record<string, unknown>;
      mutate(header);
      return encodeContainer({ ...c, header: header as typeof c.header });
    };
    type H = { products: { id: string }[]; examples: { id: string; thumbnail: [number, number] | null; label: string }[] };
    await refused(imp(reframe((h) => ((h as unknown as H).products[0] ?? { id: '' }).id = '../../x')), 400, 'INVALID_BUNDLE');
    await refused(imp(reframe((h) => ((h as unknown as H).examples[0] ?? { thumbnail: null }).thumbnail = [0, 10_000_000])), 400, 'INVALID_BUNDLE');
    await refused(imp(reframe((h) => ((h as unknown as H).examples[0] ?? { label: '' }).label = '')), 400, 'INVALID_BUNDLE');
    await refused(imp(encodeContainer({ kind: 'smartmirror.examples', version: 1, header: {}, sections: [] })), 400, 'INVALID_BUNDLE');
    // And the untouched bundle is accepted (so the refusals above were about the tampering).
    expect((await t.app.inject(imp(bundle))).statusCode).toBe(200);
  });

  it('refuses unauthenticated and kiosk-token writes to admin routes', async () => {
    const adminRoutes: [string, string, unknown?][] = [
      ['POST', '/api/products', { name: 'x' }],
      ['PATCH', '/api/products/p1', { name: 'y' }],
      ['DELETE', '/api/products/p1'],
      ['PUT', '/api/labels/Red/recommendations', { productIds: [] }],
      ['PUT', '/api/settings', { threshold: 0.1 }],
      ['DELETE', '/api/labels/Red'],
      ['DELETE', '/api/examples/some-id'],
      ['GET', '/api/export'],
      ['POST', '/api/import'],
    ];
    for (const [method, url, payload] of adminRoutes) {
      const req = { method: method as 'POST', url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) };
      await refused(req, 401, 'UNAUTHENTICATED');
      await refused({ ...req, headers: bearer('wrong-token-that-is-long') }, 401, 'UNAUTHENTICATED');
      await refused({ ...req, headers: bearer(KIOSK) }, 403, 'FORBIDDEN');
    }
    await refused(upload([{ bytes: good }], '/api/labels/Red/examples', 'nope'), 401, 'UNAUTHENTICATED');
  });
});
