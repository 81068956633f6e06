// Bought-together (order history → association rules) and the per-label strategy that decides
// what the mirror shows: the manual ranking, an anchor product's partners, or both.
import {
  AppError,
  type BoughtTogetherResponse,
  type BoughtTogetherSettings,
  type OrdersSummary,
  type Product,
  type RecStrategy,
  type ResolvedRecommendation,
  type ResolvedRecommendationsResponse,
} from '@smartmirror/api';
import { createCooccurrenceCounter, createCooccurrenceModel, type AssociationRule } from '@smartmirror/core';
import type { Clock } from '../../deps.ts';
import { productView } from '../../services/catalog.ts';
import type { EventHub } from '../../sse.ts';
import type { Repositories } from '../../store/types.ts';
import { csvRows } from './csv.ts';
import type { AdminRepositories, OrderLine } from './repository.ts';

/** Bought-together thresholds when none are saved. */
export const DEFAULT_BOUGHT_SETTINGS: BoughtTogetherSettings = { minSupport: 0, minCount: 2, rankBy: 'confidence' };

/** A label's strategy when none is saved: the manual ranking, six products at most. */
export const DEFAULT_STRATEGY: RecStrategy = { strategy: 'manual', anchorProductId: null, limit: 6 };

/** Most order lines one history may hold. */
export const MAX_ORDER_LINES = 2_000_000;

// Readable errors, not a wall of them: the first few tell what is wrong with the file.
const MAX_REPORTED_ERRORS = 20;

/** The recommendations service of the back office. */
export interface AdminRecommendationsService {
  ordersSummary(): Promise<OrdersSummary>;
  /** Parses CSV (order id, product id, qty); refuses the whole file on any bad line; replaces or appends. */
  importOrders(csv: string, mode: 'replace' | 'append'): Promise<OrdersSummary>;
  boughtSettings(): Promise<BoughtTogetherSettings>;
  setBoughtSettings(s: BoughtTogetherSettings): Promise<BoughtTogetherSettings>;
  /** Partners of a product with their scores (products not in the catalog are listed with product null). */
  boughtTogether(productId: string, limit?: number): Promise<BoughtTogetherResponse>;
  strategy(label: string): Promise<RecStrategy>;
  setStrategy(label: string, s: RecStrategy): Promise<RecStrategy>;
  /** What the mirror shows for a label, with sources and scores. */
  resolve(label: string): Promise<ResolvedRecommendationsResponse>;
  /** The same as products only: the public recommendations route answers this. */
  products(label: string): Promise<Product[]>;
}

/** Splits CSV text into order lines, or throws VALIDATION_FAILED listing the first bad lines. */
export function parseOrderLines(csv: string): OrderLine[] {
  let col = { order: 0, product: 1, qty: 2 };
  const lines: OrderLine[] = [];
  const errors: { line: number; message: string }[] = [];
  let bad = 0;
  let lineNo = 0;
  for (const r of csvRows(csv)) {
    lineNo++;
    if (lineNo === 1) {
      const head = r.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
      if (Number.isNaN(Number(head[2] ?? 'x'))) {
        const find = (...names: string[]): number => head.findIndex((h) => names.includes(h));
        col = { order: find('order_id', 'order', 'orderid'), product: find('product_id', 'product', 'productid', 'sku'), qty: find('qty', 'quantity') };
        if (col.order < 0 || col.product < 0 || col.qty < 0) {
          throw new AppError('VALIDATION_FAILED', 'The first line must name the columns order_id, product_id and qty.');
        }
        continue;
      }
    }
    if (r.every((f) => f.trim() === '')) continue;
    const orderId = (r[col.order] ?? '').trim();
    const productId = (r[col.product] ?? '').trim();
    const qtyText = (r[col.qty] ?? '').trim();
    const qty = Number(qtyText);
    let message: string | null = null;
    if (!orderId) message = 'order id is empty';
    else if (!productId) message = 'product id is empty';
    else if (qtyText === '' || !Number.isFinite(qty)) message = `qty "${qtyText}" is not a number`;
    else if (orderId.length > 100 || productId.length > 100) message = 'ids are limited to 100 characters';
    if (message) {
      bad++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: lineNo, message });
      continue;
    }
    if (lines.length >= MAX_ORDER_LINES) throw new AppError('VALIDATION_FAILED', `At most ${MAX_ORDER_LINES} order lines per file.`);
    lines.push({ orderId, productId, qty });
  }
  if (bad > 0) {
    const first = errors[0];
    throw new AppError('VALIDATION_FAILED', `${bad} bad lines (line ${first?.line ?? 0}: ${first?.message ?? ''}); nothing was imported.`, {
      details: { errors },
    });
  }
  if (lines.length === 0) throw new AppError('VALIDATION_FAILED', 'The file holds no order lines.');
  return lines;
}

/** Creates the service. */
export function createAdminRecommendationsService(deps: {
  repos: Repositories;
  admin: AdminRepositories;
  clock: Clock;
  events: EventHub;
}): AdminRecommendationsService {
  const { repos, admin, clock, events } = deps;
  // Imports are serialised: each builds a whole new generation from the one before.
  let importChain: Promise<unknown> = Promise.resolve();

  const boughtSettings = async (): Promise<BoughtTogetherSettings> => ({ ...DEFAULT_BOUGHT_SETTINGS, ...(await admin.settings.boughtTogether()) });

  async function rulesFor(productId: string, limit: number): Promise<{ rules: AssociationRule[]; orders: number; productCount: number; settings: BoughtTogetherSettings }> {
    const settings = await boughtSettings();
    const c = await admin.orders.product(productId);
    // The core maths computes the measures, from this product's slice of the counts.
    const model = createCooccurrenceModel({
      orders: c.orders,
      products: [{ id: productId, count: c.productCount }, ...c.partners.map((p) => ({ id: p.id, count: p.partnerCount }))],
      pairs: c.partners.map((p) => ({ a: productId, b: p.id, count: p.count })),
    });
    return { rules: model.rulesFor(productId, { ...settings, limit }), orders: c.orders, productCount: c.productCount, settings };
  }

  const strategy = async (label: string): Promise<RecStrategy> => (await admin.strategies.get(label)) ?? DEFAULT_STRATEGY;

  async function resolve(label: string): Promise<ResolvedRecommendationsResponse> {
    const s = await strategy(label);
    const items: ResolvedRecommendation[] = [];
    if (s.strategy !== 'bought-together') {
      const manual = await repos.products.getMany(await repos.recommendations.get(label));
      for (const p of manual) items.push({ product: productView(p), source: 'manual', scores: null });
    }
    if (s.strategy !== 'manual' && s.anchorProductId && items.length < s.limit) {
      const taken = new Set([s.anchorProductId, ...items.map((i) => i.product.id)]);
      // Ask for more than needed: partners already listed or missing from the catalog are skipped.
      const { rules } = await rulesFor(s.anchorProductId, s.limit + taken.size + 20);
      const candidates = rules.filter((r) => !taken.has(r.consequent));
      const found = new Map((await repos.products.getMany(candidates.map((r) => r.consequent))).map((p) => [p.id, p]));
      for (const r of candidates) {
        const p = found.get(r.consequent);
        if (!p || items.length >= s.limit) continue;
        items.push({ product: productView(p), source: 'bought-together', scores: { count: r.count, support: r.support, confidence: r.confidence, lift: r.lift } });
      }
    }
    // The manual ranking is never cut: `limit` only bounds how far bought-together fills.
    return { label, strategy: s, items };
  }

  // Labels whose strategy reads bought-together data change when the order history or thresholds do.
  async function announceBoughtLabels(): Promise<void> {
    for (const label of await admin.strategies.boughtTogetherLabels()) events.send('recommendations.changed', { label });
  }

  return {
    ordersSummary: () => admin.orders.summary(),
    importOrders(csv, mode) {
      const run = async (): Promise<OrdersSummary> => {
        const fresh = parseOrderLines(csv);
        const lines = mode === 'append' ? [...(await admin.orders.lines()), ...fresh] : fresh;
        if (lines.length > MAX_ORDER_LINES) throw new AppError('VALIDATION_FAILED', `At most ${MAX_ORDER_LINES} order lines in the history.`);
        const counter = createCooccurrenceCounter();
        for (const l of lines) counter.add(l.orderId, l.productId, l.qty);
        const summary = await admin.orders.replace(lines, counter.finish(), clock.now().toISOString());
        await announceBoughtLabels();
        return summary;
      };
      const next = importChain.then(run, run);
      importChain = next.catch(() => undefined);
      return next;
    },
    boughtSettings,
    async setBoughtSettings(s) {
      await admin.settings.setBoughtTogether(s);
      await announceBoughtLabels();
      return boughtSettings();
    },
    async boughtTogether(productId, limit = 20) {
      const { rules, orders, productCount, settings } = await rulesFor(productId, limit);
      const products = new Map((await repos.products.getMany(rules.map((r) => r.consequent))).map((p) => [p.id, p]));
      return {
        productId,
        orders,
        productOrders: productCount,
        settings,
        items: rules.map((r) => {
          const p = products.get(r.consequent);
          return { productId: r.consequent, product: p ? productView(p) : null, count: r.count, support: r.support, confidence: r.confidence, lift: r.lift };
        }),
      };
    },
    strategy,
    async setStrategy(label, s) {
      if (!(await repos.examples.labelExists(label))) throw new AppError('LABEL_NOT_FOUND', `No label ${label}.`);
      if (s.strategy !== 'manual' && s.anchorProductId === null) {
        throw new AppError('VALIDATION_FAILED', 'Choose the product whose bought-together partners fill the list.');
      }
      if (s.anchorProductId !== null && !(await repos.products.get(s.anchorProductId))) {
        throw new AppError('PRODUCT_NOT_FOUND', `No product ${s.anchorProductId}.`);
      }
      await admin.strategies.set(label, s);
      events.send('recommendations.changed', { label });
      return s;
    },
    resolve,
    products: async (label) => (await resolve(label)).items.map((i) => i.product),
  };
}
