// Request and response shapes of the back office routes (/api/admin/…), shared by the server
// module and the admin UI.
import { z } from 'zod';
import { Id, LabelName, Product, Timestamp } from './schemas.ts';

// ---------------------------------------------------------------------------------------------
// Catalog bulk import: a manifest (CSV or JSON) plus image files, previewed, then committed at once

/** One product row of an import manifest as parsed (before validation against the catalog). */
export const CatalogImportRow = z.object({
  /** 1-based row number in the manifest (CSV: data row, header excluded; JSON: array index + 1). */
  row: z.number().int().positive(),
  id: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  price: z.number().nullable(),
  tags: z.array(z.string()),
  /** File name of the image as given in the manifest, null when none. */
  image: z.string().nullable(),
  /** What committing would do with this row. */
  action: z.enum(['create', 'update', 'error']),
  /** Readable problems of this row; empty when it is fine. */
  errors: z.array(z.string()),
});
export type CatalogImportRow = z.infer<typeof CatalogImportRow>;

/** Answer of POST /api/admin/catalog/import/preview and …/commit. */
export const CatalogImportResponse = z.object({
  committed: z.boolean().describe('False for a preview; true when every row was written'),
  rows: z.array(CatalogImportRow),
  creates: z.number().int().nonnegative(),
  updates: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative().describe('Rows with at least one error; commit refuses when > 0'),
  unusedImages: z.array(z.string()).describe('Uploaded images no row refers to'),
});
export type CatalogImportResponse = z.infer<typeof CatalogImportResponse>;

// ---------------------------------------------------------------------------------------------
// Recommendation strategies and bought-together

/** How a label's recommendations are resolved. */
export const RecStrategyKind = z.enum(['manual', 'bought-together', 'manual-then-bought-together']);
export type RecStrategyKind = z.infer<typeof RecStrategyKind>;

/** A label's strategy: manual list, products bought with an anchor product, or manual first then filled. */
export const RecStrategy = z.object({
  strategy: RecStrategyKind,
  anchorProductId: Id.nullable().describe('The product whose bought-together partners fill the list'),
  limit: z.number().int().min(1).max(50).describe('Products shown at most'),
});
export type RecStrategy = z.infer<typeof RecStrategy>;

/** GET/PUT /api/admin/labels/:label/strategy */
export const RecStrategyResponse = RecStrategy.extend({ label: LabelName });
export type RecStrategyResponse = z.infer<typeof RecStrategyResponse>;

/** The association-rule measures of "bought A → also bought B". */
export const RuleScores = z.object({
  count: z.number().int().nonnegative().describe('Orders holding both'),
  support: z.number().describe('count / all orders, in [0, 1]'),
  confidence: z.number().describe('count / orders holding the anchor, in [0, 1]'),
  lift: z.number().describe('> 1: bought together more often than by chance'),
});
export type RuleScores = z.infer<typeof RuleScores>;

/** One resolved recommendation with where it came from (and its scores when computed). */
export const ResolvedRecommendation = z.object({
  product: Product,
  source: z.enum(['manual', 'bought-together']),
  scores: RuleScores.nullable(),
});
export type ResolvedRecommendation = z.infer<typeof ResolvedRecommendation>;

/** GET /api/admin/labels/:label/resolved: what the mirror will show, with sources and scores. */
export const ResolvedRecommendationsResponse = z.object({
  label: LabelName,
  strategy: RecStrategy,
  items: z.array(ResolvedRecommendation),
});
export type ResolvedRecommendationsResponse = z.infer<typeof ResolvedRecommendationsResponse>;

/** Thresholds of bought-together rules, kept in the back office settings. */
export const BoughtTogetherSettings = z.object({
  minSupport: z.number().min(0).max(1).describe('Minimum fraction of orders holding the pair. Default 0'),
  minCount: z.number().int().min(1).max(1_000_000).describe('Minimum orders holding the pair. Default 2'),
  rankBy: z.enum(['confidence', 'lift']).describe('Ranking of partners. Default confidence'),
});
export type BoughtTogetherSettings = z.infer<typeof BoughtTogetherSettings>;

/** POST /api/admin/orders/import?mode= : replace the order history (default) or append to it. */
export const OrdersImportQuery = z.object({ mode: z.enum(['replace', 'append']).default('replace') });
export type OrdersImportQuery = z.infer<typeof OrdersImportQuery>;

/** Answer of the orders import and GET /api/admin/orders: what the stored history holds. */
export const OrdersSummary = z.object({
  lines: z.number().int().nonnegative(),
  orders: z.number().int().nonnegative().describe('Orders with at least one product of positive quantity'),
  products: z.number().int().nonnegative(),
  pairs: z.number().int().nonnegative(),
  importedAt: Timestamp.nullable(),
});
export type OrdersSummary = z.infer<typeof OrdersSummary>;

/** One bought-together partner with its product (null when not in the catalog) and scores. */
export const BoughtTogetherItem = RuleScores.extend({
  productId: z.string(),
  product: Product.nullable(),
});
export type BoughtTogetherItem = z.infer<typeof BoughtTogetherItem>;

/** GET /api/admin/bought-together/:id */
export const BoughtTogetherResponse = z.object({
  productId: z.string(),
  orders: z.number().int().nonnegative().describe('All orders of the history'),
  productOrders: z.number().int().nonnegative().describe('Orders holding this product'),
  settings: BoughtTogetherSettings,
  items: z.array(BoughtTogetherItem),
});
export type BoughtTogetherResponse = z.infer<typeof BoughtTogetherResponse>;

// ---------------------------------------------------------------------------------------------
// Analytics

/** GET /api/admin/analytics and /api/admin/analytics.csv */
export const AnalyticsQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive start (ISO 8601); default 7 days before `to`'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive end (ISO 8601); default now'),
  bucket: z.enum(['hour', 'day']).default('day'),
});
export type AnalyticsQuery = z.input<typeof AnalyticsQuery>;

/** One time bucket of analytics (UTC). */
export const AnalyticsBucket = z.object({
  start: Timestamp,
  recognitions: z.number().int().nonnegative().describe('Recognitions of a known label'),
  unknown: z.number().int().nonnegative().describe('Recognitions that answered unknown'),
  impressions: z.number().int().nonnegative().describe('Recommended products shown'),
  teaching: z.number().int().nonnegative().describe('Examples taught'),
});
export type AnalyticsBucket = z.infer<typeof AnalyticsBucket>;

/** Answer of GET /api/admin/analytics */
export const AnalyticsResponse = z.object({
  from: Timestamp,
  to: Timestamp,
  bucket: z.enum(['hour', 'day']),
  buckets: z.array(AnalyticsBucket),
  perLabel: z.array(
    z.object({
      label: LabelName,
      recognitions: z.number().int().nonnegative(),
      impressions: z.number().int().nonnegative(),
      teaching: z.number().int().nonnegative(),
    }),
  ),
  totals: z.object({
    recognitions: z.number().int().nonnegative(),
    unknown: z.number().int().nonnegative(),
    unknownRate: z.number().min(0).max(1).describe('unknown / (recognitions + unknown); 0 when none'),
    impressions: z.number().int().nonnegative(),
    teaching: z.number().int().nonnegative(),
  }),
});
export type AnalyticsResponse = z.infer<typeof AnalyticsResponse>;

// ---------------------------------------------------------------------------------------------
// Labels: rename, merge, data quality

/** POST /api/admin/labels/:label/rename */
export const LabelRenameBody = z.object({ to: LabelName });
export type LabelRenameBody = z.infer<typeof LabelRenameBody>;

/** POST /api/admin/labels/:label/merge: moves every example of :label into `into`. */
export const LabelMergeBody = z.object({ into: LabelName });
export type LabelMergeBody = z.infer<typeof LabelMergeBody>;

/** Answer of rename and merge. */
export const LabelMoveResponse = z.object({ label: LabelName, moved: z.number().int().nonnegative() });
export type LabelMoveResponse = z.infer<typeof LabelMoveResponse>;

/** One example as the data-quality view names it. */
export const QualityExample = z.object({ id: Id, label: LabelName, thumbnailUrl: z.string().nullable() });
export type QualityExample = z.infer<typeof QualityExample>;

/** GET /api/admin/quality?threshold= : suspicious examples of the active model. */
export const QualityResponse = z.object({
  modelId: z.string(),
  examples: z.number().int().nonnegative(),
  duplicateThreshold: z.number().describe('Cosine similarity at or above which two examples count as near-duplicates'),
  nearDuplicates: z.array(z.object({ a: QualityExample, b: QualityExample, similarity: z.number() })),
  conflicts: z.array(
    z.object({ example: QualityExample, neighbour: QualityExample, similarity: z.number() }).describe(
      'The nearest other example carries another label',
    ),
  ),
});
export type QualityResponse = z.infer<typeof QualityResponse>;

/** Query of GET /api/admin/quality */
export const QualityQuery = z.object({ threshold: z.coerce.number().min(0).max(1).default(0.995) });
export type QualityQuery = z.input<typeof QualityQuery>;

// ---------------------------------------------------------------------------------------------
// Kiosk token

/** Answer of POST /api/admin/kiosk-token/rotate: the new token, shown once. */
export const KioskTokenResponse = z.object({ kioskToken: z.string() });
export type KioskTokenResponse = z.infer<typeof KioskTokenResponse>;
