import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AnalyticsResponse,
  BoughtTogetherResponse,
  CatalogImportResponse,
  ErrorResponse,
  OrdersSummary,
  ProductsResponse,
  QualityResponse,
  RecommendationsResponse,
  ResolvedRecommendationsResponse,
} from '@smartmirror/api';
import type { Embedder } from '@smartmirror/core';
import { createApp } from '../../app.ts';
import { ConfigSchema } from '../../config.ts';
import type { App } from '../../deps.ts';
import { openStore } from '../../server.ts';
import type { Repositories } from '../../store/types.ts';

const ADMIN = 'admin-token-0123456789abcdef';
const KIOSK = 'kiosk-token-0123456789abcdef';
const MODEL = 'test-model@4';

// Recognition is not under test here: a 4-d embedder that is never called for JSON examples.
const embedder: Embedder = {
  info: { id: MODEL, inputSize: 8, inputRange: [0, 1], cutLayers: ['x'], dim: 4 },
  embed: () => Promise.reject(new Error('not used')),
  dispose: () => undefined,
};

const unit = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** A multipart body as a browser would send it. */
async function multipart(files: { field: string; name: string; bytes: Uint8Array<ArrayBuffer> | string; type: string }[]) {
  const form = new FormData();
  for (const f of files) form.append(f.field, new Blob([f.bytes], { type: f.type }), f.name);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type') ?? '' } };
}

describe('back office module (real SQLite, in-process HTTP)', () => {
  let dir: string;
  let repos: Repositories;
  let app: App;
  let png: Uint8Array<ArrayBuffer>;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const asAdmin = bearer(ADMIN);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sm-admin-'));
    const config = ConfigSchema.parse({ dataDir: dir });
    repos = openStore(config);
    app = await createApp({ config, repos, embedder, tokens: { admin: ADMIN, kiosk: KIOSK }, staticDirs: { kiosk: null, admin: null, wasm: null } });
    png = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } }).png().toBuffer());
    // Three labels with examples: two near-identical Banana examples and an Apple close to a Pear.
    const teach = async (label: string, v: number[]) => {
      const res = await app.inject({ method: 'POST', url: `/api/labels/${encodeURIComponent(label)}/examples`, headers: bearer(KIOSK), payload: { embedding: unit(v), modelId: MODEL } });
      expect(res.statusCode).toBe(201);
    };
    await teach('Banana', [1, 0, 0, 0]);
    await teach('Banana', [1, 0.001, 0, 0]);
    await teach('Apple', [0, 1, 0.2, 0]);
    await teach('Pear', [0, 1, 0.25, 0]);
    await teach('Pear', [0, 0, 1, 0]);
    await teach('Kiwi', [0, 0, 0, 1]);
  });

  afterAll(async () => {
    await app?.close();
    await repos?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('security', () => {
    const ROUTES: [string, string, unknown?][] = [
      ['POST', '/api/admin/catalog/import/preview'],
      ['POST', '/api/admin/catalog/import/commit'],
      ['GET', '/api/admin/orders'],
      ['POST', '/api/admin/orders/import'],
      ['GET', '/api/admin/bought-together/settings'],
      ['PUT', '/api/admin/bought-together/settings', { minSupport: 0, minCount: 1, rankBy: 'lift' }],
      ['GET', '/api/admin/bought-together/p1'],
      ['GET', '/api/admin/labels/Banana/strategy'],
      ['PUT', '/api/admin/labels/Banana/strategy', { strategy: 'manual', anchorProductId: null, limit: 3 }],
      ['GET', '/api/admin/labels/Banana/resolved'],
      ['POST', '/api/admin/labels/Banana/rename', { to: 'Banana2' }],
      ['POST', '/api/admin/labels/Banana/merge', { into: 'Kiwi' }],
      ['GET', '/api/admin/quality'],
      ['GET', '/api/admin/analytics'],
      ['GET', '/api/admin/analytics.csv'],
      ['POST', '/api/admin/kiosk-token/rotate'],
    ];

    it('lists every /api/admin route the server serves', () => {
      // Rebuild full paths from Fastify's route tree ("│   └── /import (POST)" under its parent).
      const served: string[] = [];
      const stack: string[] = [];
      for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
        const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
        if (!m) continue;
        stack.length = (m[1] ?? '').length / 4;
        stack.push(m[2] ?? '');
        const path = stack.join('');
        if (m[3] && path.startsWith('/api/admin')) for (const method of m[3].split(', ')) if (method !== 'HEAD') served.push(`${method} ${path}`);
      }
      const listed = ROUTES.map(([method, url]) => `${method} ${url.replace('/Banana/', '/:label/').replace(/\/p1$/, '/:id')}`);
      expect(served.sort()).toEqual(listed.sort());
    });

    it.each(ROUTES)('%s %s answers 401 without credentials and 403 with the kiosk token', async (method, url, payload) => {
      const anon = await app.inject({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
      expect(anon.statusCode).toBe(401);
      expect(anon.json<ErrorResponse>().error.code).toBe('UNAUTHENTICATED');
      const kiosk = await app.inject({ method: method as 'GET', url, headers: bearer(KIOSK), ...(payload ? { payload } : {}) });
      expect(kiosk.statusCode).toBe(403);
      expect(kiosk.json<ErrorResponse>().error.code).toBe('FORBIDDEN');
    });

    it('refuses a cookie-session write without x-csrf-token (403 CSRF_FAILED) and accepts it with the header', async () => {
      const login = await app.inject({ method: 'POST', url: '/api/session', payload: { token: ADMIN } });
      expect(login.statusCode).toBe(200);
      const cookie = login.cookies.find((c) => c.name === 'sm_session');
      expect(cookie?.httpOnly).toBe(true);
      expect(String(cookie?.sameSite).toLowerCase()).toBe('strict');
      const csrf = login.json<{ csrfToken: string }>().csrfToken;
      const headers = { cookie: `sm_session=${cookie?.value ?? ''}` };
      const payload = { minSupport: 0, minCount: 1, rankBy: 'confidence' };
      const without = await app.inject({ method: 'PUT', url: '/api/admin/bought-together/settings', headers, payload });
      expect(without.statusCode).toBe(403);
      expect(without.json<ErrorResponse>().error.code).toBe('CSRF_FAILED');
      const wrong = await app.inject({ method: 'PUT', url: '/api/admin/bought-together/settings', headers: { ...headers, 'x-csrf-token': 'nope' }, payload });
      expect(wrong.json<ErrorResponse>().error.code).toBe('CSRF_FAILED');
      const ok = await app.inject({ method: 'PUT', url: '/api/admin/bought-together/settings', headers: { ...headers, 'x-csrf-token': csrf }, payload });
      expect(ok.statusCode).toBe(200);
      // Reads need the session but no CSRF token.
      expect((await app.inject({ method: 'GET', url: '/api/admin/orders', headers })).statusCode).toBe(200);
    });
  });

  describe('catalog import', () => {
    const csv = (rows: string[]) => ['id,name,description,price,tags,image', ...rows].join('\n');

    it('previews per-row errors and writes nothing; commit refuses while any row is bad', async () => {
      const body = await multipart([
        { field: 'manifest', name: 'products.csv', type: 'text/csv', bytes: csv(['p1,Oat milk,"Creamy, 1 l",1.99,dairy-free;drinks,oat.png', 'p2,,no name,abc,,missing.png', 'p1,Dup,,1,,']) },
        { field: 'images', name: 'photos/oat.png', type: 'image/png', bytes: png },
        { field: 'images', name: 'unused.png', type: 'image/png', bytes: png },
      ]);
      const preview = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/preview', headers: { ...asAdmin, ...body.headers }, payload: body.payload });
      expect(preview.statusCode).toBe(200);
      const p = preview.json<CatalogImportResponse>();
      expect(p.committed).toBe(false);
      expect(p.rows.map((r) => r.action)).toEqual(['create', 'error', 'error']);
      expect(p.rows[0]).toMatchObject({ name: 'Oat milk', description: 'Creamy, 1 l', price: 1.99, tags: ['dairy-free', 'drinks'], image: 'oat.png' });
      expect(p.rows[1]!.errors.join(' ')).toMatch(/price "abc"/);
      expect(p.rows[1]!.errors.join(' ')).toMatch(/missing\.png was not uploaded/);
      expect(p.rows[1]!.errors.join(' ')).toMatch(/name/);
      expect(p.rows[2]!.errors.join(' ')).toMatch(/appears twice/);
      expect(p.unusedImages).toEqual(['unused.png']);

      const commit = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/commit', headers: { ...asAdmin, ...body.headers }, payload: body.payload });
      expect(commit.statusCode).toBe(400);
      expect(commit.json<ErrorResponse>().error.code).toBe('VALIDATION_FAILED');
      expect((await app.inject({ method: 'GET', url: '/api/products' })).json<ProductsResponse>().products).toEqual([]);
    });

    it('commits every valid row at once, with images, and updates by id on a second import', async () => {
      const json = JSON.stringify([
        { id: 'p1', name: 'Oat milk', description: 'Creamy', price: 1.99, tags: ['drinks'], image: 'oat.png' },
        { id: 'p2', name: '<script>alert(1)</script>', description: '<img src=x onerror=alert(1)>', price: null },
        { id: 'p3', name: 'Butter', price: 2.5 },
        { id: 'p4', name: 'Jam', price: 3 },
      ]);
      const body = await multipart([
        { field: 'manifest', name: 'products.json', type: 'application/json', bytes: json },
        { field: 'images', name: 'oat.png', type: 'image/png', bytes: png },
      ]);
      const commit = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/commit', headers: { ...asAdmin, ...body.headers }, payload: body.payload });
      expect(commit.statusCode).toBe(200);
      expect(commit.json<CatalogImportResponse>()).toMatchObject({ committed: true, creates: 4, updates: 0, errors: 0 });
      const products = (await app.inject({ method: 'GET', url: '/api/products' })).json<ProductsResponse>().products;
      expect(products.map((p) => p.id).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
      const oat = products.find((p) => p.id === 'p1')!;
      expect(oat.imageUrl).not.toBeNull();
      const img = await app.inject({ method: 'GET', url: oat.imageUrl! });
      expect(img.headers['content-type']).toBe('image/png');
      // Text stays text: stored verbatim, rendering is the UIs' job (they never use innerHTML).
      expect(products.find((p) => p.id === 'p2')!.name).toBe('<script>alert(1)</script>');

      const again = await multipart([{ field: 'manifest', name: 'update.csv', type: 'text/csv', bytes: csv(['p1,Oat milk barista,,2.29,,']) }]);
      const update = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/commit', headers: { ...asAdmin, ...again.headers }, payload: again.payload });
      expect(update.json<CatalogImportResponse>()).toMatchObject({ creates: 0, updates: 1 });
      const updated = (await app.inject({ method: 'GET', url: '/api/products/p1' })).json<{ name: string; price: number; imageUrl: string | null }>();
      expect(updated).toMatchObject({ name: 'Oat milk barista', price: 2.29 });
      // A row without an image keeps the product's image.
      expect(updated.imageUrl).not.toBeNull();
    });

    it('takes the images from a zip (folders flattened, hidden files skipped) and refuses a broken zip', async () => {
      const zip = zipSync({ 'photos/': {}, 'photos/jam.png': png, '__MACOSX/photos/._jam.png': new Uint8Array([0, 1]), '.DS_Store': new Uint8Array([1]) });
      const body = await multipart([
        { field: 'manifest', name: 'p.csv', type: 'text/csv', bytes: csv(['p4,Jam,,3,,jam.png']) },
        { field: 'images', name: 'photos.zip', type: 'application/zip', bytes: new Uint8Array(zip) },
      ]);
      const res = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/preview', headers: { ...asAdmin, ...body.headers }, payload: body.payload });
      expect(res.json<CatalogImportResponse>()).toMatchObject({ errors: 0, updates: 1, unusedImages: [] });
      const broken = await multipart([
        { field: 'manifest', name: 'p.csv', type: 'text/csv', bytes: csv(['p4,Jam,,3,,jam.png']) },
        { field: 'images', name: 'broken.zip', type: 'application/zip', bytes: new Uint8Array(zip.slice(0, 40)) },
      ]);
      const bad = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/preview', headers: { ...asAdmin, ...broken.headers }, payload: broken.payload });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorResponse>().error.message).toMatch(/broken\.zip is not a readable zip/);
    });

    it('refuses a request without a manifest', async () => {
      const body = await multipart([{ field: 'images', name: 'oat.png', type: 'image/png', bytes: png }]);
      const res = await app.inject({ method: 'POST', url: '/api/admin/catalog/import/preview', headers: { ...asAdmin, ...body.headers }, payload: body.payload });
      expect(res.statusCode).toBe(400);
    });
  });

  describe('bought together and strategies', () => {
    const ORDERS = [
      'order_id,product_id,qty',
      'o1,p1,1', 'o1,p3,1', 'o1,p4,1',
      'o2,p1,2', 'o2,p3,1',
      'o3,p1,1', 'o3,p3,1', 'o3,p3,1',
      'o4,p4,1',
      'o5,p1,1', 'o5,p2,1',
    ].join('\n');

    it('imports orders and scores partners with support, confidence and lift', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/admin/orders/import', headers: { ...asAdmin, 'content-type': 'text/csv' }, payload: ORDERS });
      expect(res.statusCode).toBe(200);
      expect(res.json<OrdersSummary>()).toMatchObject({ lines: 11, orders: 5, products: 4 });
      await app.inject({ method: 'PUT', url: '/api/admin/bought-together/settings', headers: asAdmin, payload: { minSupport: 0, minCount: 1, rankBy: 'confidence' } });
      const bt = (await app.inject({ method: 'GET', url: '/api/admin/bought-together/p1', headers: asAdmin })).json<BoughtTogetherResponse>();
      expect(bt).toMatchObject({ orders: 5, productOrders: 4 });
      expect(bt.items.map((i) => i.productId)).toEqual(['p3', 'p2', 'p4']);
      const p3 = bt.items[0]!;
      expect(p3.count).toBe(3);
      expect(p3.support).toBeCloseTo(3 / 5);
      expect(p3.confidence).toBeCloseTo(3 / 4);
      expect(p3.lift).toBeCloseTo(3 / 4 / (3 / 5));
      expect(p3.product?.name).toBe('Butter');

      // Minimum support drops the rare partners.
      await app.inject({ method: 'PUT', url: '/api/admin/bought-together/settings', headers: asAdmin, payload: { minSupport: 0.4, minCount: 1, rankBy: 'lift' } });
      const strict = (await app.inject({ method: 'GET', url: '/api/admin/bought-together/p1', headers: asAdmin })).json<BoughtTogetherResponse>();
      expect(strict.items.map((i) => i.productId)).toEqual(['p3']);
    });

    it('refuses a file with a bad line and keeps the previous history', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/admin/orders/import', headers: { ...asAdmin, 'content-type': 'text/csv' }, payload: 'order_id,product_id,qty\no9,p1,1\no9,,1\no9,p2,lots\n' });
      expect(res.statusCode).toBe(400);
      const err = res.json<ErrorResponse>().error;
      expect(err.message).toMatch(/2 bad lines/);
      expect(err.details).toEqual({ errors: [{ line: 3, message: 'product id is empty' }, { line: 4, message: 'qty "lots" is not a number' }] });
      const summary = (await app.inject({ method: 'GET', url: '/api/admin/orders', headers: asAdmin })).json<OrdersSummary>();
      expect(summary.lines).toBe(11);
    });

    it('resolves a label through its strategy: manual first, then bought-together fills', async () => {
      await app.inject({ method: 'PUT', url: '/api/admin/bought-together/settings', headers: asAdmin, payload: { minSupport: 0, minCount: 1, rankBy: 'confidence' } });
      const put = await app.inject({ method: 'PUT', url: '/api/labels/Kiwi/recommendations', headers: asAdmin, payload: { productIds: ['p4'] } });
      expect(put.statusCode).toBe(200);
      const s = await app.inject({
        method: 'PUT',
        url: '/api/admin/labels/Kiwi/strategy',
        headers: asAdmin,
        payload: { strategy: 'manual-then-bought-together', anchorProductId: 'p1', limit: 3 },
      });
      expect(s.statusCode).toBe(200);
      const resolved = (await app.inject({ method: 'GET', url: '/api/admin/labels/Kiwi/resolved', headers: asAdmin })).json<ResolvedRecommendationsResponse>();
      expect(resolved.items.map((i) => [i.product.id, i.source])).toEqual([
        ['p4', 'manual'],
        ['p3', 'bought-together'],
        ['p2', 'bought-together'],
      ]);
      expect(resolved.items[1]!.scores?.confidence).toBeCloseTo(0.75);
      // The public route the kiosk reads answers the same list.
      const pub = (await app.inject({ method: 'GET', url: '/api/labels/Kiwi/recommendations' })).json<RecommendationsResponse>();
      expect(pub.products.map((p) => p.id)).toEqual(['p4', 'p3', 'p2']);
    });

    it('refuses a bought-together strategy without an anchor, and an unknown label', async () => {
      const noAnchor = await app.inject({ method: 'PUT', url: '/api/admin/labels/Kiwi/strategy', headers: asAdmin, payload: { strategy: 'bought-together', anchorProductId: null, limit: 3 } });
      expect(noAnchor.statusCode).toBe(400);
      const noLabel = await app.inject({ method: 'PUT', url: '/api/admin/labels/Nope/strategy', headers: asAdmin, payload: { strategy: 'manual', anchorProductId: null, limit: 3 } });
      expect(noLabel.json<ErrorResponse>().error.code).toBe('LABEL_NOT_FOUND');
    });
  });

  describe('analytics', () => {
    it('counts recognitions, unknowns, impressions and teaching per bucket, and exports CSV', async () => {
      const day = new Date().toISOString().slice(0, 10);
      const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:15:00.000Z`;
      const events = [
        { type: 'recognition', label: 'Banana', confidence: 0.9, at: at(0) },
        { type: 'recognition', label: 'Banana', confidence: 0.8, at: at(0) },
        { type: 'recognition', label: null, confidence: 0.2, at: at(0) },
        { type: 'recognition', label: 'Kiwi', confidence: 0.7, at: at(1) },
        { type: 'impression', label: 'Kiwi', productIds: ['p1', 'p3'], at: at(1) },
      ];
      const sent = await app.inject({ method: 'POST', url: '/api/kiosk/events', headers: bearer(KIOSK), payload: { events } });
      expect(sent.statusCode).toBe(202);
      const from = `${day}T00:00:00.000Z`;
      const to = new Date(Date.parse(from) + 86_400_000).toISOString();
      const hourly = (await app.inject({ method: 'GET', url: `/api/admin/analytics?from=${from}&to=${to}&bucket=hour`, headers: asAdmin })).json<AnalyticsResponse>();
      expect(hourly.buckets).toHaveLength(24);
      expect(hourly.buckets[0]).toMatchObject({ recognitions: 2, unknown: 1, impressions: 0 });
      expect(hourly.buckets[1]).toMatchObject({ recognitions: 1, unknown: 0, impressions: 2 });
      expect(hourly.totals).toMatchObject({ recognitions: 3, unknown: 1, unknownRate: 0.25, impressions: 2 });
      // The examples taught in beforeAll (today) count as teaching activity.
      expect(hourly.totals.teaching).toBe(6);
      expect(hourly.perLabel[0]).toMatchObject({ label: 'Banana', recognitions: 2 });

      const csv = await app.inject({ method: 'GET', url: `/api/admin/analytics.csv?from=${from}&to=${to}&bucket=day`, headers: asAdmin });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('bucket_start,label,recognitions,unknown,impressions,teaching');
      expect(lines[1]).toBe(`${from},,3,1,2,6`);
      expect(lines).toContain(`${from},Kiwi,1,0,2,1`);
    });

    it('refuses a range that ends before it starts', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/admin/analytics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', headers: asAdmin });
      expect(res.statusCode).toBe(400);
    });
  });

  describe('kiosk token', () => {
    it('rotates the kiosk token: the old one stops working, the new one works and is saved', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/admin/kiosk-token/rotate', headers: asAdmin });
      expect(res.statusCode).toBe(200);
      const { kioskToken } = res.json<{ kioskToken: string }>();
      expect(kioskToken).not.toBe(KIOSK);
      const event = { events: [{ type: 'recognition', label: null, confidence: 0.1 }] };
      expect((await app.inject({ method: 'POST', url: '/api/kiosk/events', headers: bearer(KIOSK), payload: event })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/api/kiosk/events', headers: bearer(kioskToken), payload: event })).statusCode).toBe(202);
      expect(readFileSync(join(dir, 'kiosk.token'), 'utf8').trim()).toBe(kioskToken);
    });
  });

  describe('labels', () => {
    it('reports near-duplicates and examples whose nearest neighbour has another label', async () => {
      const q = (await app.inject({ method: 'GET', url: '/api/admin/quality?threshold=0.999', headers: asAdmin })).json<QualityResponse>();
      expect(q.examples).toBe(6);
      expect(q.nearDuplicates).toHaveLength(1);
      expect([q.nearDuplicates[0]!.a.label, q.nearDuplicates[0]!.b.label]).toEqual(['Banana', 'Banana']);
      const conflicted = q.conflicts.map((c) => `${c.example.label}->${c.neighbour.label}`).sort();
      expect(conflicted).toEqual(['Apple->Pear', 'Pear->Apple']);
    });

    it('renames a label (examples, ranking and strategy follow) and refuses a taken name', async () => {
      const taken = await app.inject({ method: 'POST', url: '/api/admin/labels/Kiwi/rename', headers: asAdmin, payload: { to: 'Banana' } });
      expect(taken.json<ErrorResponse>().error.code).toBe('CONFLICT');
      const res = await app.inject({ method: 'POST', url: '/api/admin/labels/Kiwi/rename', headers: asAdmin, payload: { to: 'Gold kiwi' } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ label: 'Gold kiwi', moved: 1 });
      const strategy = (await app.inject({ method: 'GET', url: `/api/admin/labels/${encodeURIComponent('Gold kiwi')}/strategy`, headers: asAdmin })).json<{ strategy: string }>();
      expect(strategy.strategy).toBe('manual-then-bought-together');
      const pub = (await app.inject({ method: 'GET', url: `/api/labels/${encodeURIComponent('Gold kiwi')}/recommendations` })).json<RecommendationsResponse>();
      expect(pub.products[0]?.id).toBe('p4');
    });

    it('merges one label into another', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/admin/labels/Apple/merge', headers: asAdmin, payload: { into: 'Pear' } });
      expect(res.json()).toEqual({ label: 'Pear', moved: 1 });
      const labels = (await app.inject({ method: 'GET', url: '/api/labels' })).json<{ labels: { label: string; examples: number }[] }>().labels;
      expect(labels.find((l) => l.label === 'Apple')).toBeUndefined();
      expect(labels.find((l) => l.label === 'Pear')?.examples).toBe(3);
    });
  });
});
