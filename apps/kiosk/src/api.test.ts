import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { createApi, decodeEmbedding, encodeEmbedding } from './api.ts';

describe('kiosk API client', () => {
  it('round-trips embeddings through the base64 float32 wire format', () => {
    const v = new Float32Array([0.5, -0.25, 1e-7, 3.4e38]);
    expect([...decodeEmbedding(encodeEmbedding(v))]).toEqual([...v]);
    // little-endian on the wire, whatever the machine: 1.0f is 00 00 80 3f
    expect(encodeEmbedding(new Float32Array([1]))).toBe(btoa(String.fromCharCode(0, 0, 0x80, 0x3f)));
    expect(() => decodeEmbedding(btoa('abc'))).toThrow(AppError);
  });

  it('sends the kiosk token and JSON, and turns error bodies into AppErrors with their code', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const api = createApi({
      baseUrl: 'http://mirror',
      fetch: (url, init) => {
        seen.push({ url: url instanceof Request ? url.url : url.toString(), init });
        return Promise.resolve(new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'Only the back office may delete.' } }), { status: 403 }));
      },
    });
    const err = await api.deleteExample('ex 1', 'tok').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'FORBIDDEN', status: 403, message: 'Only the back office may delete.' });
    expect(seen[0]?.url).toBe('http://mirror/api/examples/ex%201');
    expect(new Headers(seen[0]?.init?.headers).get('authorization')).toBe('Bearer tok');
  });

  it('maps an unreachable server to SERVICE_UNAVAILABLE and a non-JSON error page by status', async () => {
    const down = createApi({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(down.config()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const proxy = createApi({ fetch: () => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502 })) });
    await expect(proxy.labels()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 502 });
  });
});
