// Shared fixtures of the server's tests: a tiny deterministic embedder, an app on a temp store,
// multipart bodies and a content digest of the database.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import type { Embedder, RawImage } from '@smartmirror/core';
import { createApp } from '../src/app.ts';
import { ConfigSchema, type Config } from '../src/config.ts';
import type { App, AppDeps } from '../src/deps.ts';
import { openStore } from '../src/server.ts';
import { DB_FILE } from '../src/store/sqlite.ts';
import type { Repositories } from '../src/store/types.ts';

/** Fixed tokens of test apps. */
export const ADMIN = 'test-admin-token-0123456789';
export const KIOSK = 'test-kiosk-token-0123456789';

/**
 * A deterministic stand-in for MobileNet: mean R, G, B of each cell of a 2×2 grid, centred and
 * normalised (dim 12). Solid colours map to clearly different vectors; same colour, same vector.
 */
export function colourEmbedder(): Embedder & { calls: number } {
  const e = {
    calls: 0,
    info: { id: 'test-colour@grid2', inputSize: 32, inputRange: [0, 1] as const, cutLayers: ['grid2'], dim: 12 },
    embed(images: readonly RawImage[]): Promise<Float32Array[]> {
      e.calls += images.length;
      return Promise.resolve(
        images.map((img) => {
          const v = new Float32Array(12);
          const n = new Float32Array(4);
          for (let y = 0; y < img.height; y++) {
            for (let x = 0; x < img.width; x++) {
              const cell = (y < img.height / 2 ? 0 : 2) + (x < img.width / 2 ? 0 : 1);
              const i = (y * img.width + x) * img.channels;
              for (let c = 0; c < 3; c++) v[cell * 3 + c] = (v[cell * 3 + c] ?? 0) + ((img.data[i + c] ?? 0) / 255 - 0.5);
              n[cell] = (n[cell] ?? 0) + 1;
            }
          }
          let sq = 0;
          for (let i = 0; i < 12; i++) {
            v[i] = (v[i] ?? 0) / Math.max(1, n[Math.floor(i / 3)] ?? 1);
            sq += (v[i] ?? 0) ** 2;
          }
          const norm = Math.sqrt(sq) || 1;
          return v.map((x) => x / norm);
        }),
      );
    },
    dispose(): void {},
  };
  return e;
}

/** A solid-colour JPEG. */
export async function solidJpeg(rgb: [number, number, number], w = 64, h = 48): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).jpeg().toBuffer();
}

/** A multipart/form-data body for app.inject or fetch. */
export function multipart(files: { field?: string; name?: string; type?: string; bytes: Uint8Array }[]): { body: Buffer; contentType: string } {
  const boundary = `----smartmirror${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'image'}"; filename="${f.name ?? 'photo.jpg'}"\r\nContent-Type: ${f.type ?? 'image/jpeg'}\r\n\r\n`,
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Test config: defaults plus a data folder; no demo catalog (tests start from an empty store). */
export function testConfig(dataDir: string, over: Partial<Config> = {}): Config {
  return { ...ConfigSchema.parse({}), dataDir, demo: false, logLevel: 'silent', ...over };
}

/** An app on a fresh temp store with the colour embedder; close() removes everything. */
export interface TestApp {
  app: App;
  repos: Repositories;
  dir: string;
  embedder: ReturnType<typeof colourEmbedder>;
  /** Closes the app and the store, then reopens both on the same folder (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Builds an app on a temp data folder. */
export async function makeTestApp(over: Partial<AppDeps> & { config?: Partial<Config> } = {}): Promise<TestApp> {
  const { config: configOver, ...depsOver } = over;
  const dir = mkdtempSync(join(tmpdir(), 'smartmirror-test-'));
  const embedder = colourEmbedder();
  const build = async (): Promise<{ app: App; repos: Repositories }> => {
    const repos = openStore({ dataDir: dir });
    const app = await createApp({
      config: testConfig(dir, configOver),
      repos,
      embedder,
      tokens: { admin: ADMIN, kiosk: KIOSK },
      staticDirs: { kiosk: null, admin: null, wasm: null },
      ...depsOver,
    });
    return { app, repos };
  };
  let cur = await build();
  const t: TestApp = {
    get app() {
      return cur.app;
    },
    get repos() {
      return cur.repos;
    },
    dir,
    embedder,
    async restart() {
      await cur.app.close();
      await cur.repos.close();
      cur = await build();
    },
    async close() {
      await cur.app.close();
      await cur.repos.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Authorization header of a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * A digest of every row of every table of the database (read through a second connection), to
 * assert that a refused request changed nothing.
 */
export function dbDigest(dataDir: string): string {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  try {
    const h = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const t of tables) {
      h.update(`#${t}\n`);
      const rows = db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][];
      const lines = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v))).sort();
      for (const l of lines) h.update(`${l}\n`);
    }
    return h.digest('hex');
  } finally {
    db.close();
  }
}
