// Repositories of the back office module: async interfaces free of SQLite types (a PostgreSQL
// implementation slots in behind them), and their SQLite implementation on the store's SqlAccess.
//
// SqlAccess offers single statements only, so every write that must be atomic is ONE statement:
// bulk rows travel as one JSON parameter expanded by json_each, and multi-step writes (a new order
// history) become visible through a last, single-row marker insert.
import type { BoughtTogetherSettings, OrdersSummary, RecStrategy } from '@smartmirror/api';
import type { CooccurrenceCounts } from '@smartmirror/core';
import type { SqlAccess } from '../../store/types.ts';

/** One order line as imported. */
export interface OrderLine {
  orderId: string;
  productId: string;
  qty: number;
}

/** One product's counts in the current order history: what its rules are computed from. */
export interface ProductCooccurrence {
  /** Orders of the whole history. */
  orders: number;
  /** Orders holding the product. */
  productCount: number;
  /** Every partner with the orders holding both and the orders holding the partner. */
  partners: { id: string; count: number; partnerCount: number }[];
}

/** The imported order history and its co-occurrence counts. */
export interface OrderHistoryRepository {
  summary(): Promise<OrdersSummary>;
  /** Every line of the current history (for appending to it). */
  lines(): Promise<OrderLine[]>;
  /** Stores a whole new history with its counts; it replaces the current one only once complete. */
  replace(lines: readonly OrderLine[], counts: CooccurrenceCounts, importedAt: string): Promise<OrdersSummary>;
  /** The counts one product's rules need. */
  product(productId: string): Promise<ProductCooccurrence>;
}

/** Per-label recommendation strategies. */
export interface StrategyRepository {
  /** The stored strategy, or null for the default (manual). */
  get(label: string): Promise<RecStrategy | null>;
  /** Stores the strategy of an existing label. */
  set(label: string, strategy: RecStrategy): Promise<void>;
  /** Labels whose strategy reads bought-together data. */
  boughtTogetherLabels(): Promise<string[]>;
}

/** Back office settings (JSON values by key). */
export interface AdminSettingsRepository {
  boughtTogether(): Promise<Partial<BoughtTogetherSettings>>;
  setBoughtTogether(settings: BoughtTogetherSettings): Promise<void>;
}

/** Renaming and merging labels (examples, recommendations and strategies follow). */
export interface LabelAdminRepository {
  /** Renames a label; false when `from` does not exist. Throws LabelExists when `to` does. */
  rename(from: string, to: string): Promise<boolean>;
  /** Moves every example of `from` into `into` and deletes `from`; returns the examples moved. */
  merge(from: string, into: string): Promise<number>;
}

/** Thrown by rename when the new name is taken. */
export class LabelExists extends Error {}

/** One aggregated analytics row: a bucket (ISO prefix), a kind and a label. */
export interface AnalyticsRow {
  bucket: string;
  kind: 'recognition' | 'unknown' | 'impression' | 'teaching';
  label: string | null;
  count: number;
}

/** Read-only aggregates over kiosk events and taught examples. */
export interface AnalyticsRepository {
  /** Counts in [from, to) grouped by the first `prefix` characters of the ISO timestamp (13 = hour, 10 = day). */
  aggregate(from: string, to: string, prefix: 10 | 13): Promise<AnalyticsRow[]>;
}

/** Every repository of the module. */
export interface AdminRepositories {
  orders: OrderHistoryRepository;
  strategies: StrategyRepository;
  settings: AdminSettingsRepository;
  labels: LabelAdminRepository;
  analytics: AnalyticsRepository;
}

const BOUGHT_KEY = 'bought-together';

// Rows per INSERT … json_each statement (about 1 MB of JSON for order lines).
const INSERT_CHUNK = 20_000;

/** The SQLite implementation, on the server store's connection. */
export function createSqliteAdminRepositories(sql: SqlAccess): AdminRepositories {
  const currentGen = async (): Promise<number | null> =>
    (await sql.get<{ gen: number | null }>('SELECT max(gen) AS gen FROM admin_order_imports'))?.gen ?? null;

  const orders: OrderHistoryRepository = {
    async summary() {
      const r = await sql.get<{ lines: number; orders: number; products: number; pairs: number; imported_at: string }>(
        'SELECT lines, orders, products, pairs, imported_at FROM admin_order_imports ORDER BY gen DESC LIMIT 1',
      );
      return r
        ? { lines: r.lines, orders: r.orders, products: r.products, pairs: r.pairs, importedAt: r.imported_at }
        : { lines: 0, orders: 0, products: 0, pairs: 0, importedAt: null };
    },
    async lines() {
      const gen = await currentGen();
      if (gen === null) return [];
      return sql.all<OrderLine>('SELECT order_id AS orderId, product_id AS productId, qty FROM admin_order_lines WHERE gen = ? ORDER BY rowid', [gen]);
    },
    async replace(lines, counts, importedAt) {
      const top = await sql.get<{ gen: number | null }>(
        `SELECT max(g) AS gen FROM (SELECT max(gen) AS g FROM admin_order_imports UNION ALL SELECT max(gen) FROM admin_order_lines
           UNION ALL SELECT max(gen) FROM admin_item_counts UNION ALL SELECT max(gen) FROM admin_pair_counts)`,
      );
      const gen = (top?.gen ?? 0) + 1;
      // Rows of the new generation stay invisible until the marker below, so they can go in chunks:
      // one JSON parameter per chunk keeps memory flat on a million lines.
      const insertChunks = async <T,>(table: string, cols: string, rows: readonly T[], toRow: (r: T) => unknown[]): Promise<void> => {
        const picks = cols
          .split(', ')
          .map((_, i) => `j.value ->> ${i}`)
          .join(', ');
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          const chunk = JSON.stringify(rows.slice(i, i + INSERT_CHUNK).map(toRow));
          await sql.run(`INSERT INTO ${table} (gen, ${cols}) SELECT ?, ${picks} FROM json_each(?) AS j`, [gen, chunk]);
        }
      };
      await insertChunks('admin_order_lines', 'order_id, product_id, qty', lines, (l) => [l.orderId, l.productId, l.qty]);
      await insertChunks('admin_item_counts', 'product_id, count', counts.products, (p) => [p.id, p.count]);
      await insertChunks('admin_pair_counts', 'a, b, count', counts.pairs, (p) => [p.a, p.b, p.count]);
      // The marker: from here on readers see the new generation.
      await sql.run('INSERT INTO admin_order_imports (gen, lines, orders, products, pairs, imported_at) VALUES (?, ?, ?, ?, ?, ?)', [
        gen,
        lines.length,
        counts.orders,
        counts.products.length,
        counts.pairs.length,
        importedAt,
      ]);
      for (const table of ['admin_order_lines', 'admin_item_counts', 'admin_pair_counts', 'admin_order_imports']) {
        await sql.run(`DELETE FROM ${table} WHERE gen <> ?`, [gen]);
      }
      return orders.summary();
    },
    async product(productId) {
      const gen = await currentGen();
      if (gen === null) return { orders: 0, productCount: 0, partners: [] };
      const head = await sql.get<{ orders: number; count: number | null }>(
        `SELECT i.orders AS orders, (SELECT count FROM admin_item_counts WHERE gen = i.gen AND product_id = ?) AS count
         FROM admin_order_imports AS i WHERE i.gen = ?`,
        [productId, gen],
      );
      const partners = await sql.all<{ id: string; count: number; partnerCount: number }>(
        `SELECT p.partner AS id, p.count AS count, c.count AS partnerCount
         FROM (SELECT b AS partner, count FROM admin_pair_counts WHERE gen = @gen AND a = @id
               UNION ALL SELECT a AS partner, count FROM admin_pair_counts WHERE gen = @gen AND b = @id) AS p
         JOIN admin_item_counts AS c ON c.gen = @gen AND c.product_id = p.partner`,
        [{ gen, id: productId }],
      );
      return { orders: head?.orders ?? 0, productCount: head?.count ?? 0, partners };
    },
  };

  const strategies: StrategyRepository = {
    async get(label) {
      const r = await sql.get<{ strategy: RecStrategy['strategy']; anchor_product_id: string | null; max_items: number }>(
        'SELECT strategy, anchor_product_id, max_items FROM admin_strategies WHERE label = ?',
        [label],
      );
      return r ? { strategy: r.strategy, anchorProductId: r.anchor_product_id, limit: r.max_items } : null;
    },
    async set(label, s) {
      await sql.run(
        `INSERT INTO admin_strategies (label, strategy, anchor_product_id, max_items) VALUES (?, ?, ?, ?)
         ON CONFLICT(label) DO UPDATE SET strategy = excluded.strategy, anchor_product_id = excluded.anchor_product_id, max_items = excluded.max_items`,
        [label, s.strategy, s.anchorProductId, s.limit],
      );
    },
    async boughtTogetherLabels() {
      return (await sql.all<{ label: string }>("SELECT label FROM admin_strategies WHERE strategy <> 'manual' ORDER BY label")).map((r) => r.label);
    },
  };

  const settings: AdminSettingsRepository = {
    async boughtTogether() {
      const r = await sql.get<{ value: string }>('SELECT value FROM admin_settings WHERE key = ?', [BOUGHT_KEY]);
      return r ? (JSON.parse(r.value) as Partial<BoughtTogetherSettings>) : {};
    },
    async setBoughtTogether(s) {
      await sql.run('INSERT INTO admin_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [
        BOUGHT_KEY,
        JSON.stringify(s),
      ]);
    },
  };

  const labels: LabelAdminRepository = {
    async rename(from, to) {
      // One statement: examples, recommendations and strategies follow by ON UPDATE CASCADE.
      try {
        return (await sql.run('UPDATE labels SET name = ? WHERE name = ?', [to, from])).changes === 1;
      } catch (err) {
        if (err instanceof Error && /UNIQUE|PRIMARY KEY/i.test(err.message)) throw new LabelExists(to);
        throw err;
      }
    },
    async merge(from, into) {
      // One transaction: a crash between the two must not leave examples moved and the old label
      // still listed. Deleting the emptied label also drops its ranking and strategy (cascade).
      const [moved] = await sql.batch([
        { sql: 'UPDATE examples SET label = ? WHERE label = ?', params: [into, from] },
        { sql: 'DELETE FROM labels WHERE name = ?', params: [from] },
      ]);
      return moved?.changes ?? 0;
    },
  };

  const analytics: AnalyticsRepository = {
    async aggregate(from, to, prefix) {
      const events = await sql.all<{ bucket: string; type: string; label: string | null; n: number; shown: number }>(
        `SELECT substr(at, 1, ?) AS bucket, type, label, count(*) AS n,
                coalesce(sum(CASE WHEN type = 'impression' THEN json_array_length(product_ids) END), 0) AS shown
         FROM events WHERE at >= ? AND at < ? GROUP BY 1, 2, 3`,
        [prefix, from, to],
      );
      // Teaching is read from the examples themselves (what was taught and is still kept).
      const taught = await sql.all<{ bucket: string; label: string; n: number }>(
        'SELECT substr(created_at, 1, ?) AS bucket, label, count(*) AS n FROM examples WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2',
        [prefix, from, to],
      );
      const rows: AnalyticsRow[] = [];
      for (const e of events) {
        if (e.type === 'recognition') rows.push({ bucket: e.bucket, kind: e.label === null ? 'unknown' : 'recognition', label: e.label, count: e.n });
        else if (e.type === 'impression') rows.push({ bucket: e.bucket, kind: 'impression', label: e.label, count: e.shown });
      }
      for (const t of taught) rows.push({ bucket: t.bucket, kind: 'teaching', label: t.label, count: t.n });
      return rows;
    },
  };

  return { orders, strategies, settings, labels, analytics };
}
