import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE, openSqliteStore } from './sqlite.ts';

describe('SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartmirror-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const moduleMigrations = [{ name: 'admin-001-notes', sql: 'CREATE TABLE admin_notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;' }];

  it('applies core then module migrations once each, remembered by name, in WAL with synchronous=FULL', async () => {
    const a = openSqliteStore(dir, { moduleMigrations });
    await a.sql.run('INSERT INTO admin_notes (text) VALUES (?)', ['kept']);
    await a.close();
    // Reopening must not re-run anything (CREATE TABLE would fail) and must keep the data.
    const b = openSqliteStore(dir, { moduleMigrations });
    expect(await b.sql.all('SELECT text FROM admin_notes')).toEqual([{ text: 'kept' }]);
    expect((await b.sql.all<{ name: string }>('SELECT name FROM migrations ORDER BY rowid')).map((r) => r.name)).toEqual(['001-initial', 'admin-001-notes']);
    await b.close();
    const db = new Database(join(dir, DB_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps examples of other models but hands the classifier only the asked model', async () => {
    const s = openSqliteStore(dir, { moduleMigrations });
    const at = '2026-01-01T00:00:00.000Z';
    const v = (x: number): Float32Array => Float32Array.from([x, Math.sqrt(1 - x * x)]);
    await s.examples.add([
      { id: 'a', label: 'Milk', modelId: 'm1', embedding: v(0.6), thumbnail: null, source: 'kiosk', createdAt: at },
      { id: 'b', label: 'Milk', modelId: 'm2', embedding: Float32Array.from([1, 0, 0]), thumbnail: null, source: 'upload', createdAt: at },
    ]);
    expect((await s.examples.vectors('m1')).map((e) => e.id)).toEqual(['a']);
    expect(Array.from((await s.examples.vectors('m1'))[0]?.embedding ?? [])).toEqual(Array.from(v(0.6)));
    expect(await s.examples.labels('m1')).toEqual([expect.objectContaining({ label: 'Milk', examples: 1, otherModelExamples: 1 })]);
    expect(await s.events.count('teaching')).toBe(2);
    // A failing row rolls the whole batch back (duplicate id).
    await expect(
      s.examples.add([
        { id: 'c', label: 'Oats', modelId: 'm1', embedding: v(0.1), thumbnail: null, source: 'kiosk', createdAt: at },
        { id: 'a', label: 'Oats', modelId: 'm1', embedding: v(0.2), thumbnail: null, source: 'kiosk', createdAt: at },
      ]),
    ).rejects.toThrow();
    expect(await s.examples.get('c')).toBeNull();
    expect(await s.examples.labelExists('Oats')).toBe(false);
    expect(await s.events.count('teaching')).toBe(2);
    await s.close();
  });

  it('runs a batch of statements all or nothing', async () => {
    const s = openSqliteStore(dir, { moduleMigrations });
    const r = await s.sql.batch([
      { sql: 'INSERT INTO admin_notes (text) VALUES (?)', params: ['one'] },
      { sql: 'INSERT INTO admin_notes (text) VALUES (?)', params: ['two'] },
    ]);
    expect(r).toEqual([{ changes: 1 }, { changes: 1 }]);
    // The second statement fails (NOT NULL): the first must not stay behind.
    await expect(
      s.sql.batch([
        { sql: 'INSERT INTO admin_notes (text) VALUES (?)', params: ['three'] },
        { sql: 'INSERT INTO admin_notes (text) VALUES (?)', params: [null] },
      ]),
    ).rejects.toThrow(/NOT NULL/);
    expect((await s.sql.all<{ text: string }>('SELECT text FROM admin_notes ORDER BY id')).map((n) => n.text)).toEqual(['kept', 'one', 'two']);
    await s.close();
  });
});
