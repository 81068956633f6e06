import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../test/helpers.ts';

describe('static files: kiosk at /, back office at /admin/, TF.js wasm at /tfjs-wasm/', () => {
  const root = mkdtempSync(join(tmpdir(), 'smartmirror-static-'));
  let t: TestApp;
  beforeAll(async () => {
    for (const [dir, file, text] of [
      ['kiosk', 'index.html', '<title>kiosk</title>'],
      ['admin', 'index.html', '<title>admin</title>'],
      ['wasm', 'tfjs-backend-wasm.wasm', '\0asm'],
      ['wasm', 'tf-backend-wasm.js', 'not served'],
    ] as const) {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, file), text);
    }
    t = await makeTestApp({ staticDirs: { kiosk: join(root, 'kiosk'), admin: join(root, 'admin'), wasm: join(root, 'wasm') } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves both apps with the security headers', async () => {
    const kiosk = await t.app.inject('/');
    expect(kiosk.body).toContain('kiosk');
    expect(kiosk.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(kiosk.headers['referrer-policy']).toBe('no-referrer');
    expect((await t.app.inject('/admin/')).body).toContain('admin');
    const bare = await t.app.inject('/admin');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/admin/');
  });

  it('serves only .wasm files from the wasm folder, as application/wasm', async () => {
    const wasm = await t.app.inject('/tfjs-wasm/tfjs-backend-wasm.wasm');
    expect(wasm.statusCode).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect((await t.app.inject('/tfjs-wasm/tf-backend-wasm.js')).statusCode).toBe(404);
  });

  it('still answers API errors as JSON, and unknown API paths with NOT_FOUND', async () => {
    const r = await t.app.inject('/api/nope');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
