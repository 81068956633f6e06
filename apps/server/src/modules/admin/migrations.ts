import type { Migration } from '../../store/types.ts';

/**
 * Tables of the back office module. Bought-together data is written per import generation: rows
 * of a new import carry a new `gen`, and the row in admin_order_imports, written last, makes the
 * generation current. A half-written import (crash, error) is never read and is swept by the next.
 */
export const ADMIN_MIGRATIONS: readonly Migration[] = [
  {
    name: 'admin-001-bought-together-and-strategies',
    sql: `
      CREATE TABLE admin_order_imports (
        gen INTEGER PRIMARY KEY,
        lines INTEGER NOT NULL,
        orders INTEGER NOT NULL,
        products INTEGER NOT NULL,
        pairs INTEGER NOT NULL,
        imported_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE admin_order_lines (
        gen INTEGER NOT NULL,
        order_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        qty REAL NOT NULL
      ) STRICT;
      CREATE INDEX admin_order_lines_gen ON admin_order_lines(gen);

      CREATE TABLE admin_item_counts (
        gen INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (gen, product_id)
      ) STRICT;

      -- Each pair once, a < b; queries look both columns up.
      CREATE TABLE admin_pair_counts (
        gen INTEGER NOT NULL,
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (gen, a, b)
      ) STRICT;
      CREATE INDEX admin_pair_counts_b ON admin_pair_counts(gen, b);

      CREATE TABLE admin_strategies (
        label TEXT PRIMARY KEY REFERENCES labels(name) ON DELETE CASCADE ON UPDATE CASCADE,
        strategy TEXT NOT NULL CHECK (strategy IN ('manual', 'bought-together', 'manual-then-bought-together')),
        anchor_product_id TEXT,
        max_items INTEGER NOT NULL CHECK (max_items BETWEEN 1 AND 50)
      ) STRICT;

      CREATE TABLE admin_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];
