/* eslint-disable @typescript-eslint/require-await --
   better-sqlite3 is synchronous; the methods are async because the repository interfaces are
   (a PostgreSQL store will await), and `async` turns a thrown SQLite error into a rejection. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SettingsPatch, type ExampleSource, type Settings } from '@smartmirror/api';
import { CORE_MIGRATIONS } from './migrations.ts';
import type {
  ExampleMeta,
  ExampleRepository,
  EventRepository,
  LabelRow,
  Migration,
  NewExample,
  ProductRecord,
  ProductRepository,
  RecommendationRepository,
  Repositories,
  SettingsRepository,
  SqlAccess,
  StoreDump,
  TransferRepository,
} from './types.ts';

/** File name of the database inside the data folder. */
export const DB_FILE = 'smartmirror.db';

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** Migrations of server modules, run after the core ones, in order. Default none. */
  moduleMigrations?: readonly Migration[];
}

/**
 * Opens (creating and migrating when needed) the SQLite store in `dataDir`.
 *
 * WAL with synchronous=FULL: a mirror is often switched off at the plug, and a 201 answered to a
 * teaching request must mean the example survives that. NORMAL would be durable across process
 * crashes but may lose the last commits on power loss; the writes here are rare (a few per second
 * at most), so the extra fsync per commit costs nothing noticeable.
 */
export function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Repositories {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DB_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, [...CORE_MIGRATIONS, ...(options.moduleMigrations ?? [])]);
  } catch (err) {
    db.close();
    throw err;
  }
  return createRepositories(db);
}

type Db = Database.Database;

/** Applies, in order, every migration whose name is not yet recorded. Each one in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
  const names = new Set(migrations.map((m) => m.name));
  if (names.size !== migrations.length) throw new Error('Two migrations share a name');
  const applied = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as string[]);
  const record = db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.name, new Date().toISOString());
    })();
    done.push(m.name);
  }
  return done;
}

// Vectors are stored as little-endian float32; copy so the BLOB never aliases a reused buffer.
function toBlob(v: Float32Array): Buffer {
  const out = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i] ?? 0, i * 4);
  return out;
}

function fromBlob(b: Buffer): Float32Array {
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

const bytes = (b: Buffer | null): Uint8Array | null => (b === null ? null : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

interface ExampleRowDb {
  id: string;
  label: string;
  model_id: string;
  source: ExampleSource;
  created_at: string;
  has_thumb: number;
}

const exampleMeta = (r: ExampleRowDb): ExampleMeta => ({
  id: r.id,
  label: r.label,
  modelId: r.model_id,
  source: r.source,
  createdAt: r.created_at,
  hasThumbnail: r.has_thumb === 1,
});

const META_COLS = 'id, label, model_id, source, created_at, thumbnail IS NOT NULL AS has_thumb';

interface ProductRowDb {
  id: string;
  name: string;
  description: string;
  price: number | null;
  tags: string;
  image_type: string | null;
  image_version: number;
  created_at: string;
  updated_at: string;
}

const PRODUCT_COLS = 'id, name, description, price, tags, image_type, image_version, created_at, updated_at';

const productRecord = (r: ProductRowDb): ProductRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  price: r.price,
  tags: JSON.parse(r.tags) as string[],
  imageType: r.image_type,
  imageVersion: r.image_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function createRepositories(db: Db): Repositories {
  const ensureLabel = db.prepare('INSERT OR IGNORE INTO labels (name, created_at) VALUES (?, ?)');
  const insertExample = db.prepare(
    'INSERT INTO examples (id, label, model_id, dim, embedding, thumbnail, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertTeaching = db.prepare("INSERT INTO events (type, label, at) VALUES ('teaching', ?, ?)");
  // The teaching event is written in the same transaction as its example: analytics never count
  // an example that was rolled back, nor miss one that was stored.
  const addExamples = db.transaction((rows: readonly NewExample[]) => {
    for (const e of rows) {
      ensureLabel.run(e.label, e.createdAt);
      insertExample.run(e.id, e.label, e.modelId, e.embedding.length, toBlob(e.embedding), e.thumbnail, e.source, e.createdAt);
      insertTeaching.run(e.label, e.createdAt);
    }
  });

  const examples: ExampleRepository = {
    add: async (rows) => {
      addExamples(rows);
    },
    get: async (id) => {
      const r = db.prepare(`SELECT ${META_COLS} FROM examples WHERE id = ?`).get(id) as ExampleRowDb | undefined;
      return r ? exampleMeta(r) : null;
    },
    listByLabel: async (label) =>
      (db.prepare(`SELECT ${META_COLS} FROM examples WHERE label = ? ORDER BY created_at DESC, id`).all(label) as ExampleRowDb[]).map(exampleMeta),
    vectors: async (modelId) =>
      (db.prepare('SELECT id, label, embedding FROM examples WHERE model_id = ? ORDER BY created_at, id').all(modelId) as { id: string; label: string; embedding: Buffer }[]).map(
        (r) => ({ id: r.id, label: r.label, embedding: fromBlob(r.embedding) }),
      ),
    thumbnail: async (id) => {
      const r = db.prepare('SELECT thumbnail FROM examples WHERE id = ?').get(id) as { thumbnail: Buffer | null } | undefined;
      return r ? bytes(r.thumbnail) : null;
    },
    remove: async (id) =>
      db.transaction(() => {
        const r = db.prepare(`SELECT ${META_COLS} FROM examples WHERE id = ?`).get(id) as ExampleRowDb | undefined;
        if (!r) return null;
        db.prepare('DELETE FROM examples WHERE id = ?').run(id);
        return exampleMeta(r);
      })(),
    count: async (modelId) => db.prepare('SELECT count(*) FROM examples WHERE model_id = ?').pluck().get(modelId) as number,
    labels: async (modelId) => {
      const rows = db
        .prepare(
          `SELECT l.name AS label,
             (SELECT count(*) FROM examples e WHERE e.label = l.name AND e.model_id = @m) AS examples,
             (SELECT count(*) FROM examples e WHERE e.label = l.name AND e.model_id <> @m) AS other,
             (SELECT max(created_at) FROM examples e WHERE e.label = l.name) AS updated_at,
             (SELECT count(*) FROM recommendations r WHERE r.label = l.name) AS recs
           FROM labels l ORDER BY l.name`,
        )
        .all({ m: modelId }) as { label: string; examples: number; other: number; updated_at: string | null; recs: number }[];
      const thumbs = db.prepare(
        'SELECT id FROM examples WHERE label = ? AND thumbnail IS NOT NULL ORDER BY created_at DESC, id LIMIT 4',
      );
      return rows.map(
        (r): LabelRow => ({
          label: r.label,
          examples: r.examples,
          otherModelExamples: r.other,
          thumbnailIds: thumbs.pluck().all(r.label) as string[],
          updatedAt: r.updated_at,
          recommendations: r.recs,
        }),
      );
    },
    labelExists: async (label) => db.prepare('SELECT 1 FROM labels WHERE name = ?').get(label) !== undefined,
    removeLabel: async (label) =>
      db.transaction(() => {
        if (db.prepare('SELECT 1 FROM labels WHERE name = ?').get(label) === undefined) return null;
        const n = db.prepare('DELETE FROM examples WHERE label = ?').run(label).changes;
        db.prepare('DELETE FROM labels WHERE name = ?').run(label);
        return n;
      })(),
  };

  const products: ProductRepository = {
    list: async () => (db.prepare(`SELECT ${PRODUCT_COLS} FROM products ORDER BY name, id`).all() as ProductRowDb[]).map(productRecord),
    get: async (id) => {
      const r = db.prepare(`SELECT ${PRODUCT_COLS} FROM products WHERE id = ?`).get(id) as ProductRowDb | undefined;
      return r ? productRecord(r) : null;
    },
    getMany: async (ids) => {
      const stmt = db.prepare(`SELECT ${PRODUCT_COLS} FROM products WHERE id = ?`);
      return ids.flatMap((id) => {
        const r = stmt.get(id) as ProductRowDb | undefined;
        return r ? [productRecord(r)] : [];
      });
    },
    create: async (p) => {
      db.prepare(
        'INSERT INTO products (id, name, description, price, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(p.id, p.name, p.description, p.price, JSON.stringify(p.tags), p.createdAt, p.updatedAt);
      return { ...p, imageType: null, imageVersion: 0 };
    },
    update: async (id, patch, at) => {
      const sets: string[] = [];
      const params: unknown[] = [];
      const set = (col: string, value: unknown): void => {
        sets.push(`${col} = ?`);
        params.push(value);
      };
      if (patch.name !== undefined) set('name', patch.name);
      if (patch.description !== undefined) set('description', patch.description);
      if (patch.price !== undefined) set('price', patch.price);
      if (patch.tags !== undefined) set('tags', JSON.stringify(patch.tags));
      sets.push('updated_at = ?');
      params.push(at, id);
      const r = db.prepare(`UPDATE products SET ${sets.join(', ')} WHERE id = ? RETURNING ${PRODUCT_COLS}`).get(...params) as ProductRowDb | undefined;
      return r ? productRecord(r) : null;
    },
    remove: async (id) => db.prepare('DELETE FROM products WHERE id = ?').run(id).changes > 0,
    setImage: async (id, image, at) => {
      const r = db
        .prepare(
          `UPDATE products SET image = ?, image_type = ?, image_version = image_version + 1, updated_at = ? WHERE id = ? RETURNING ${PRODUCT_COLS}`,
        )
        .get(image.bytes, image.type, at, id) as ProductRowDb | undefined;
      return r ? productRecord(r) : null;
    },
    image: async (id) => {
      const r = db.prepare('SELECT image, image_type FROM products WHERE id = ? AND image IS NOT NULL').get(id) as
        | { image: Buffer; image_type: string }
        | undefined;
      return r ? { bytes: new Uint8Array(r.image), type: r.image_type } : null;
    },
  };

  const setRecommendations = db.transaction((label: string, ids: readonly string[], at: string) => {
    ensureLabel.run(label, at);
    db.prepare('DELETE FROM recommendations WHERE label = ?').run(label);
    const ins = db.prepare('INSERT INTO recommendations (label, product_id, rank) VALUES (?, ?, ?)');
    ids.forEach((id, rank) => ins.run(label, id, rank));
  });

  const recommendations: RecommendationRepository = {
    get: async (label) => db.prepare('SELECT product_id FROM recommendations WHERE label = ? ORDER BY rank').pluck().all(label) as string[],
    set: async (label, ids, at) => {
      setRecommendations(label, ids, at);
    },
  };

  const insertEvent = db.prepare('INSERT INTO events (type, label, confidence, product_ids, at) VALUES (?, ?, ?, ?, ?)');
  const appendEvents = db.transaction((rows: Parameters<EventRepository['append']>[0]) => {
    for (const e of rows) {
      switch (e.type) {
        case 'recognition':
          insertEvent.run('recognition', e.label, e.confidence, null, e.at);
          break;
        case 'impression':
          insertEvent.run('impression', e.label, null, JSON.stringify(e.productIds), e.at);
          break;
      }
    }
  });
  const events: EventRepository = {
    append: async (rows) => {
      appendEvents(rows);
    },
    count: async (type) =>
      (type === undefined
        ? db.prepare('SELECT count(*) FROM events').pluck().get()
        : db.prepare('SELECT count(*) FROM events WHERE type = ?').pluck().get(type)) as number,
  };

  const settings: SettingsRepository = {
    get: async () => {
      const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
      // Stored by an older version, a value may no longer be valid: drop it, defaults apply.
      const out: Partial<Settings> = {};
      for (const r of rows) {
        const one = SettingsPatch.safeParse({ [r.key]: JSON.parse(r.value) as unknown });
        if (one.success) Object.assign(out, one.data);
      }
      return out;
    },
    set: async (patch) => {
      const up = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
      db.transaction(() => {
        for (const [k, v] of Object.entries(patch)) if (v !== undefined) up.run(k, JSON.stringify(v));
      })();
    },
  };

  const loadDump = db.transaction((dump: StoreDump, mode: 'merge' | 'replace') => {
    if (mode === 'replace') {
      // Cascades remove examples and recommendations with their labels.
      db.exec('DELETE FROM labels; DELETE FROM products;');
    }
    for (const l of dump.labels) ensureLabel.run(l.name, l.createdAt);
    const upProduct = db.prepare(
      `INSERT INTO products (id, name, description, price, tags, image, image_type, image_version, created_at, updated_at)
       VALUES (@id, @name, @description, @price, @tags, @image, @imageType, @imageVersion, @createdAt, @updatedAt)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description, price = excluded.price,
         tags = excluded.tags, image = excluded.image, image_type = excluded.image_type,
         image_version = products.image_version + 1, updated_at = excluded.updated_at`,
    );
    for (const p of dump.products) upProduct.run({ ...p, tags: JSON.stringify(p.tags), image: p.image });
    const upExample = db.prepare(
      `INSERT INTO examples (id, label, model_id, dim, embedding, thumbnail, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET label = excluded.label, model_id = excluded.model_id, dim = excluded.dim,
         embedding = excluded.embedding, thumbnail = excluded.thumbnail, source = excluded.source, created_at = excluded.created_at`,
    );
    for (const e of dump.examples) {
      ensureLabel.run(e.label, e.createdAt);
      upExample.run(e.id, e.label, e.modelId, e.embedding.length, toBlob(e.embedding), e.thumbnail, e.source, e.createdAt);
    }
    const at = new Date(0).toISOString();
    for (const r of dump.recommendations) setRecommendations(r.label, r.productIds, at);
  });

  const transfer: TransferRepository = {
    dump: async () => {
      const labels = (db.prepare('SELECT name, created_at FROM labels ORDER BY name').all() as { name: string; created_at: string }[]).map((r) => ({
        name: r.name,
        createdAt: r.created_at,
      }));
      const ex = (
        db.prepare('SELECT id, label, model_id, embedding, thumbnail, source, created_at FROM examples ORDER BY created_at, id').all() as {
          id: string;
          label: string;
          model_id: string;
          embedding: Buffer;
          thumbnail: Buffer | null;
          source: ExampleSource;
          created_at: string;
        }[]
      ).map((r) => ({
        id: r.id,
        label: r.label,
        modelId: r.model_id,
        embedding: fromBlob(r.embedding),
        thumbnail: bytes(r.thumbnail),
        source: r.source,
        createdAt: r.created_at,
      }));
      const prods = (db.prepare(`SELECT ${PRODUCT_COLS}, image FROM products ORDER BY id`).all() as (ProductRowDb & { image: Buffer | null })[]).map(
        (r) => ({ ...productRecord(r), image: bytes(r.image) }),
      );
      const recRows = db.prepare('SELECT label, product_id FROM recommendations ORDER BY label, rank').all() as { label: string; product_id: string }[];
      const recMap = new Map<string, string[]>();
      for (const r of recRows) recMap.set(r.label, [...(recMap.get(r.label) ?? []), r.product_id]);
      return {
        labels,
        examples: ex,
        products: prods,
        recommendations: [...recMap].map(([label, productIds]) => ({ label, productIds })),
      };
    },
    load: async (dump, mode) => {
      loadDump(dump, mode);
    },
  };

  const runBatch = db.transaction((statements: Parameters<SqlAccess['batch']>[0]) =>
    statements.map((st) => ({ changes: db.prepare(st.sql).run(...(st.params ?? [])).changes })),
  );
  const sql: SqlAccess = {
    all: async <T>(q: string, params: readonly unknown[] = []) => db.prepare(q).all(...params) as T[],
    get: async <T>(q: string, params: readonly unknown[] = []) => db.prepare(q).get(...params) as T | undefined,
    run: async (q, params = []) => ({ changes: db.prepare(q).run(...params).changes }),
    batch: async (statements) => runBatch(statements),
  };

  return {
    examples,
    products,
    recommendations,
    events,
    settings,
    transfer,
    sql,
    close: async () => {
      if (db.open) db.close();
    },
  };
}
