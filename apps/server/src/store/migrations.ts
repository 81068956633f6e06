import type { Migration } from './types.ts';

/**
 * The server's own schema, in order. Never edit an applied migration: add a new one. Module
 * migrations (e.g. `admin-001-…`) run after these.
 */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    name: '001-initial',
    sql: `
      CREATE TABLE labels (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE examples (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL REFERENCES labels(name) ON DELETE CASCADE ON UPDATE CASCADE,
        model_id TEXT NOT NULL,
        dim INTEGER NOT NULL CHECK (dim > 0),
        -- little-endian float32, dim * 4 bytes
        embedding BLOB NOT NULL CHECK (length(embedding) = dim * 4),
        thumbnail BLOB,
        source TEXT NOT NULL CHECK (source IN ('kiosk', 'upload', 'import')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX examples_model ON examples(model_id, created_at);
      CREATE INDEX examples_label ON examples(label, created_at);

      CREATE TABLE products (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        price REAL,
        tags TEXT NOT NULL DEFAULT '[]',
        image BLOB,
        image_type TEXT,
        image_version INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE recommendations (
        label TEXT NOT NULL REFERENCES labels(name) ON DELETE CASCADE ON UPDATE CASCADE,
        product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        PRIMARY KEY (label, product_id)
      ) STRICT;

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('recognition', 'impression', 'teaching')),
        label TEXT,
        confidence REAL,
        product_ids TEXT,
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_type_at ON events(type, at);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];
