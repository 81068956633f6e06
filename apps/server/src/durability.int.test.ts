import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AddExamplesResponse, KioskConfigResponse } from '@smartmirror/api';
import { startServer } from '../../../e2e/lib/server.ts';
import { writeTinyModel } from '../test/tiny-model.ts';
import { DB_FILE } from './store/sqlite.ts';

const ROUNDS = 20;

// SQLite durability does not depend on the model, and loading MobileNet 20 times would dominate
// the run: the child servers use the weightless tiny model.

/** A random unit vector of `dim` as base64 float32 (the kiosk's wire format). */
function randomEmbedding(dim: number): string {
  const v = new Float32Array(dim).map(() => Math.random() - 0.5);
  const n = Math.hypot(...v);
  const buf = Buffer.alloc(dim * 4);
  v.forEach((x, i) => buf.writeFloatLE(x / n, i * 4));
  return buf.toString('base64');
}

describe('durability: SIGKILL in the middle of a stream of teaching requests', () => {
  const root = mkdtempSync(join(tmpdir(), 'smartmirror-crash-'));
  const dataDir = join(root, 'data');
  const model = join(root, 'tiny-model');
  writeTinyModel(model);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(`keeps every example answered 201, ${ROUNDS} times, with a clean database`, async () => {
    const acknowledged = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServer({ dataDir, model });
      const cfg = (await (await fetch(`${server.url}/api/kiosk/config`)).json()) as KioskConfigResponse;
      let stop = false;
      // Four kiosks teaching at once, each request one or a few examples.
      const teacher = async (k: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const n = 1 + (i % 3);
          const body = { examples: Array.from({ length: n }, () => ({ embedding: randomEmbedding(cfg.model.dim), modelId: cfg.model.id })) };
          try {
            const r = await fetch(`${server.url}/api/labels/crash-${round}-${k % 2}/examples`, {
              method: 'POST',
              headers: { authorization: `Bearer ${server.kioskToken}`, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            if (r.status === 201) for (const e of ((await r.json()) as AddExamplesResponse).examples) acknowledged.add(e.id);
          } catch {
            return; // the server is gone
          }
        }
      };
      const teachers = [0, 1, 2, 3].map(teacher);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 500));
      await server.kill('SIGKILL');
      stop = true;
      await Promise.all(teachers);

      const db = new Database(join(dataDir, DB_FILE));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        const ids = new Set(db.prepare('SELECT id FROM examples').pluck().all() as string[]);
        const missing = [...acknowledged].filter((id) => !ids.has(id));
        expect(missing, `round ${round}: acknowledged but lost`).toEqual([]);
        const orphans = db.prepare('SELECT count(*) FROM examples WHERE label NOT IN (SELECT name FROM labels)').pluck().get();
        expect(orphans).toBe(0);
        const badBlobs = db.prepare('SELECT count(*) FROM examples WHERE length(embedding) <> dim * 4').pluck().get();
        expect(badBlobs).toBe(0);
      } finally {
        db.close();
      }
    }
    // The stream really was interrupted mid-way many times, with many acknowledged writes.
    expect(acknowledged.size).toBeGreaterThan(ROUNDS);
    // And a last clean start serves all of them.
    const server = await startServer({ dataDir, model });
    try {
      const health = (await (await fetch(`${server.url}/api/health`)).json()) as { examples: number };
      expect(health.examples).toBeGreaterThanOrEqual(acknowledged.size);
    } finally {
      await server.stop();
    }
  });
});
