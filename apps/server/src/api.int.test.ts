import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddExamplesResponse, ClassifyResponse, ExamplesSyncResponse, LabelsResponse, Product, SessionResponse } from '@smartmirror/api';
import { ADMIN, bearer, KIOSK, makeTestApp, multipart, solidJpeg, type TestApp } from '../test/helpers.ts';
import { encodeEmbedding } from './embedding.ts';

const RED: [number, number, number] = [220, 30, 30];
const GREEN: [number, number, number] = [30, 200, 40];
const BLUE: [number, number, number] = [30, 40, 210];

describe('mirror API (in-process, real SQLite in a temp folder)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const teach = async (label: string, rgb: [number, number, number], token = ADMIN): Promise<AddExamplesResponse> => {
    const { body, contentType } = multipart([{ bytes: await solidJpeg(rgb) }, { bytes: await solidJpeg(rgb, 40, 40) }]);
    const r = await t.app.inject({ method: 'POST', url: `/api/labels/${encodeURIComponent(label)}/examples`, payload: body, headers: { ...bearer(token), 'content-type': contentType } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const classifyImage = async (rgb: [number, number, number]): Promise<ClassifyResponse> => {
    const { body, contentType } = multipart([{ bytes: await solidJpeg(rgb, 50, 30) }]);
    const r = await t.app.inject({ method: 'POST', url: '/api/classify', payload: body, headers: { 'content-type': contentType } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  it('answers health and the kiosk config', async () => {
    const h = await t.app.inject('/api/health');
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ status: 'ok', modelId: 'test-colour@grid2', examples: 0 });
    const c = await t.app.inject('/api/kiosk/config');
    expect(c.json()).toMatchObject({ model: { id: 'test-colour@grid2', dim: 12, url: '/api/models/test-colour%40grid2/model.json' }, wasmPath: '/tfjs-wasm/' });
    expect(c.headers['content-security-policy']).toContain("'wasm-unsafe-eval'");
    expect(c.headers['x-content-type-options']).toBe('nosniff');
    expect(c.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('teaches from uploaded images and recognises a new photo of the same colour', async () => {
    const red = await teach('Red apple', RED);
    expect(red.examples).toHaveLength(2);
    expect(red.examples[0]).toMatchObject({ label: 'Red apple', source: 'upload', modelId: 'test-colour@grid2' });
    await teach('Green pear', GREEN, KIOSK);
    const p = await classifyImage([200, 40, 35]);
    expect(p).toMatchObject({ label: 'Red apple', unknown: false });
    expect(p.neighbours[0]?.label).toBe('Red apple');
    const labels = (await t.app.inject('/api/labels')).json<LabelsResponse>();
    expect(labels.labels.map((l) => [l.label, l.examples])).toEqual([
      ['Green pear', 2],
      ['Red apple', 2],
    ]);
    const thumb = await t.app.inject(labels.labels[0]?.thumbnails[0] ?? '/x');
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('answers unknown for a colour nothing stored is close to', async () => {
    const p = await classifyImage(BLUE);
    expect(p.unknown).toBe(true);
    expect(p.label).toBeNull();
    expect(p.recommendations).toEqual([]);
  });

  it('takes kiosk-embedded examples as JSON (array or base64) and syncs them to kiosks', async () => {
    const [blue] = await t.embedder.embed([{ data: new Uint8Array([30, 40, 210, 30, 40, 210, 30, 40, 210, 30, 40, 210]), width: 2, height: 2, channels: 3 }]);
    if (!blue) throw new Error('no embedding');
    const thumbnail = `data:image/jpeg;base64,${(await solidJpeg(BLUE, 200, 200)).toString('base64')}`;
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/labels/Blueberries/examples',
      headers: bearer(KIOSK),
      payload: { examples: [{ embedding: Array.from(blue), modelId: 'test-colour@grid2', thumbnail }, { embedding: encodeEmbedding(blue), modelId: 'test-colour@grid2' }] },
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json<AddExamplesResponse>().examples;
    expect(created.map((e) => e.source)).toEqual(['kiosk', 'kiosk']);
    expect(created[1]?.thumbnailUrl).toBeNull();
    const thumb = await t.app.inject(created[0]?.thumbnailUrl ?? '/x');
    const meta = await (await import('sharp')).default(thumb.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([96, 96]);
    expect((await classifyImage(BLUE)).label).toBe('Blueberries');

    const sync = (await t.app.inject('/api/examples')).json<ExamplesSyncResponse>();
    expect(sync.modelId).toBe('test-colour@grid2');
    expect(sync.examples).toHaveLength(6);
    const back = Buffer.from(sync.examples.find((e) => e.id === created[1]?.id)?.embedding ?? '', 'base64');
    expect(back.length).toBe(12 * 4);
    expect(back.readFloatLE(0)).toBeCloseTo(blue[0] ?? NaN, 6);
  });

  it('classifies a JSON embedding (model time separated from search time)', async () => {
    const [red] = await t.embedder.embed([{ data: new Uint8Array([220, 30, 30, 220, 30, 30, 220, 30, 30, 220, 30, 30]), width: 2, height: 2, channels: 3 }]);
    const r = await t.app.inject({ method: 'POST', url: '/api/classify', payload: { embedding: Array.from(red ?? []) } });
    expect(r.json<ClassifyResponse>().label).toBe('Red apple');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/classify', payload: { embedding: Array.from(red ?? []), modelId: 'other@x' } });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ error: { code: 'MODEL_MISMATCH' } });
  });

  it('manages products, their images and ranked recommendations, returned with a recognition', async () => {
    const mk = async (name: string, price: number): Promise<Product> => {
      const r = await t.app.inject({ method: 'POST', url: '/api/products', headers: bearer(ADMIN), payload: { name, price, description: '<b>not html</b>', tags: ['fruit'] } });
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    };
    const cider = await mk('Apple cider', 3.5);
    const pie = await mk('Apple pie', 6);
    const { body, contentType } = multipart([{ bytes: await solidJpeg(RED, 20, 20) }]);
    const img = await t.app.inject({ method: 'PUT', url: `/api/products/${pie.id}/image`, payload: body, headers: { ...bearer(ADMIN), 'content-type': contentType } });
    expect(img.statusCode, img.body).toBe(200);
    const imageUrl = img.json<Product>().imageUrl ?? '';
    expect(imageUrl).toMatch(/^\/api\/products\/.+\/image\?v=1$/);
    expect((await t.app.inject(imageUrl)).headers['content-type']).toBe('image/jpeg');

    const put = await t.app.inject({ method: 'PUT', url: '/api/labels/Red%20apple/recommendations', headers: bearer(ADMIN), payload: { productIds: [pie.id, cider.id] } });
    expect(put.statusCode, put.body).toBe(200);
    const recs = (await t.app.inject('/api/labels/Red%20apple/recommendations')).json<{ products: Product[] }>();
    expect(recs.products.map((p) => p.name)).toEqual(['Apple pie', 'Apple cider']);
    expect(recs.products[0]?.description).toBe('<b>not html</b>');
    const p = await classifyImage(RED);
    expect(p.recommendations.map((x) => x.id)).toEqual([pie.id, cider.id]);

    const patch = await t.app.inject({ method: 'PATCH', url: `/api/products/${cider.id}`, headers: bearer(ADMIN), payload: { price: 4 } });
    expect(patch.json<Product>().price).toBe(4);
    const unknownProduct = await t.app.inject({ method: 'PUT', url: '/api/labels/Red%20apple/recommendations', headers: bearer(ADMIN), payload: { productIds: ['nope'] } });
    expect(unknownProduct.json()).toMatchObject({ error: { code: 'PRODUCT_NOT_FOUND' } });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/products/${cider.id}`, headers: bearer(ADMIN) })).statusCode).toBe(200);
    const after = (await t.app.inject('/api/labels/Red%20apple/recommendations')).json<{ products: Product[] }>();
    expect(after.products.map((x) => x.name)).toEqual(['Apple pie']);
  });

  it('edits settings live: a stricter threshold turns a match into unknown', async () => {
    const before = await classifyImage([180, 60, 60]);
    expect(before.label).toBe('Red apple');
    const r = await t.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(ADMIN), payload: { threshold: 0.9999 } });
    expect(r.statusCode, r.body).toBe(200);
    expect((await t.app.inject('/api/settings')).json()).toMatchObject({ threshold: 0.9999 });
    expect((await classifyImage([180, 60, 60])).unknown).toBe(true);
    await t.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(ADMIN), payload: { threshold: 0.6 } });
    const otherModel = await t.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(ADMIN), payload: { modelId: 'x@y' } });
    expect(otherModel.statusCode).toBe(409);
  });

  it('records kiosk events with the kiosk token only', async () => {
    const events = [
      { type: 'recognition', label: 'Red apple', confidence: 0.9 },
      { type: 'impression', label: 'Red apple', productIds: ['a', 'b'], at: '2026-01-01T10:00:00.000Z' },
    ];
    expect((await t.app.inject({ method: 'POST', url: '/api/kiosk/events', payload: { events } })).statusCode).toBe(401);
    const r = await t.app.inject({ method: 'POST', url: '/api/kiosk/events', headers: bearer(KIOSK), payload: { events } });
    expect(r.statusCode, r.body).toBe(202);
    expect(await t.repos.events.count('impression')).toBe(1);
    // Every example taught so far (2 + 2 uploads, 2 from the kiosk) left one teaching event.
    expect(await t.repos.events.count('teaching')).toBe(6);
    const tooMany = await t.app.inject({ method: 'POST', url: '/api/kiosk/events', headers: bearer(KIOSK), payload: { events: Array(101).fill(events[0]) } });
    expect(tooMany.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('logs the back office in with an HttpOnly SameSite=Strict cookie and checks CSRF on writes', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/session', payload: { token: 'wrong-token-wrong-token' } });
    expect(bad.statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/session', payload: { token: ADMIN } });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const sid = /sm_session=([^;]+)/.exec(cookie)?.[1] ?? '';
    const { csrfToken } = login.json<SessionResponse>();
    const cookies = { sm_session: sid };
    expect((await t.app.inject({ url: '/api/session', cookies })).json()).toMatchObject({ authenticated: true, csrfToken });
    expect((await t.app.inject({ url: '/api/export', cookies })).statusCode).toBe(200);
    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/products', cookies, payload: { name: 'x' } });
    expect(noCsrf.json()).toMatchObject({ error: { code: 'CSRF_FAILED' } });
    const wrongCsrf = await t.app.inject({ method: 'POST', url: '/api/products', cookies, headers: { 'x-csrf-token': 'nope' }, payload: { name: 'x' } });
    expect(wrongCsrf.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/products', cookies, headers: { 'x-csrf-token': csrfToken ?? '' }, payload: { name: 'Cookie product' } });
    expect(ok.statusCode).toBe(201);
    await t.app.inject({ method: 'DELETE', url: '/api/session', cookies, headers: { 'x-csrf-token': csrfToken ?? '' } });
    expect((await t.app.inject({ url: '/api/session', cookies })).json()).toMatchObject({ authenticated: false });
    expect((await t.app.inject({ method: 'POST', url: '/api/products', cookies, headers: { 'x-csrf-token': csrfToken ?? '' }, payload: { name: 'y' } })).statusCode).toBe(401);
  });

  it('exports, wipes by replace-import of an empty store, and imports back with the same answers', async () => {
    const before = await classifyImage([210, 40, 40]);
    const exp = await t.app.inject({ url: '/api/export', headers: bearer(ADMIN) });
    expect(exp.statusCode).toBe(200);
    const bundle = exp.rawPayload;
    // Wipe: delete every label and product through the API.
    for (const l of (await t.app.inject('/api/labels')).json<LabelsResponse>().labels) {
      await t.app.inject({ method: 'DELETE', url: `/api/labels/${encodeURIComponent(l.label)}`, headers: bearer(ADMIN) });
    }
    expect((await t.app.inject('/api/health')).json()).toMatchObject({ examples: 0 });
    expect((await classifyImage([210, 40, 40])).unknown).toBe(true);
    const imp = await t.app.inject({ method: 'POST', url: '/api/import?mode=replace', headers: { ...bearer(ADMIN), 'content-type': 'application/octet-stream' }, payload: bundle });
    expect(imp.statusCode, imp.body).toBe(200);
    expect(imp.json()).toMatchObject({ mode: 'replace', examples: 6 });
    const after = await classifyImage([210, 40, 40]);
    expect(after.label).toBe(before.label);
    expect(after.similarity).toBeCloseTo(before.similarity, 5);
    expect(after.recommendations.map((p) => p.id)).toEqual(before.recommendations.map((p) => p.id));
    // Merging the same bundle again changes nothing (ids are kept).
    await t.app.inject({ method: 'POST', url: '/api/import', headers: { ...bearer(ADMIN), 'content-type': 'application/octet-stream' }, payload: bundle });
    expect((await t.app.inject('/api/health')).json()).toMatchObject({ examples: 6 });
  });

  it('keeps everything across a restart', async () => {
    const before = await classifyImage(GREEN);
    const labels = (await t.app.inject('/api/labels')).json<LabelsResponse>();
    await t.restart();
    expect((await t.app.inject('/api/labels')).json()).toEqual(labels);
    const after = await classifyImage(GREEN);
    expect(after).toEqual(before);
  });

  it('deletes one example and a whole label', async () => {
    const list = (await t.app.inject('/api/labels/Green%20pear/examples')).json<{ examples: { id: string }[] }>();
    const id = list.examples[0]?.id ?? '';
    expect((await t.app.inject({ method: 'DELETE', url: `/api/examples/${id}`, headers: bearer(KIOSK) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/examples/${id}`, headers: bearer(ADMIN) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/examples/${id}`, headers: bearer(ADMIN) })).json()).toMatchObject({ error: { code: 'EXAMPLE_NOT_FOUND' } });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/labels/Green%20pear', headers: bearer(ADMIN) })).json()).toEqual({ deleted: 1 });
    expect((await t.app.inject('/api/labels/Green%20pear/examples')).statusCode).toBe(404);
    expect((await classifyImage(GREEN)).label).not.toBe('Green pear');
  });

  it('serves the OpenAPI description', async () => {
    const r = await t.app.inject('/api/docs/json');
    expect(r.statusCode).toBe(200);
    const doc = r.json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/classify', '/api/labels/{label}/examples', '/api/import']));
  });
});

describe('server-sent events (real socket)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ buildId: 'build-sse' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends hello first, then typed events as they happen, and keeps serving after the client left', async () => {
    const { port } = t.app.server.address() as { port: number };
    const ac = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/events/stream`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    let text = '';
    const until = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until(/event: hello\ndata: .*\n\n/);
    expect(text.startsWith('event: hello\n')).toBe(true);
    expect(text).toContain('"buildId":"build-sse"');
    const { body, contentType } = multipart([{ bytes: await solidJpeg(RED) }]);
    await fetch(`http://127.0.0.1:${port}/api/labels/Red/examples`, { method: 'POST', body: new Uint8Array(body), headers: { ...bearer(ADMIN), 'content-type': contentType } });
    await until(/event: example\.added\ndata: .*\n\n/);
    const data = JSON.parse(/event: example\.added\ndata: (.*)\n/.exec(text)?.[1] ?? '{}') as { label?: string; embedding?: string };
    expect(data.label).toBe('Red');
    expect(Buffer.from(data.embedding ?? '', 'base64').length).toBe(48);
    ac.abort();
    await reader.cancel().catch(() => undefined);
    // Events after the client left must not break anything (the listener is gone or harmless).
    const again = multipart([{ bytes: await solidJpeg(GREEN) }]);
    const r = await t.app.inject({ method: 'POST', url: '/api/labels/Green/examples', payload: again.body, headers: { ...bearer(ADMIN), 'content-type': again.contentType } });
    expect(r.statusCode).toBe(201);
  });
});
