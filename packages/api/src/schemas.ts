// Request and response shapes of the HTTP API, shared by the server (validation + OpenAPI), the
// kiosk, the back office and the CLI. Types are inferred from the schemas so they never drift.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** A label (product name as taught): 1–80 characters, no control characters, trimmed. */
export const LabelName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  // Control characters would break log lines, CSV exports and SSE framing.
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')
  .describe('A product label as taught, e.g. "Oatly Oat Milk"');
export type LabelName = z.infer<typeof LabelName>;

/** Opaque id (UUID from the server, or any safe id from an imported bundle). */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -');

/** Model id stored with every example, e.g. `mobilenet-v2@block_10`. */
export const ModelId = z.string().min(1).max(120).describe('Embedding-space id; examples are only comparable within one');

/** ISO 8601 timestamp in UTC. */
export const Timestamp = z.string().describe('ISO 8601 UTC timestamp');

/**
 * An embedding as sent by clients: either a JSON array of numbers or base64 of little-endian
 * float32 (4 bytes per value; ~3× smaller than JSON). The server checks length and finiteness.
 */
export const EmbeddingInput = z
  .union([z.array(z.number()).min(1).max(8192), z.string().min(4).max(8192 * 6)])
  .describe('number[] or base64 of little-endian float32');
export type EmbeddingInput = z.infer<typeof EmbeddingInput>;

/** The body of every error response. */
export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** Answer of deletions: how many rows went away. */
export const DeletedResponse = z.object({ deleted: z.number().int().nonnegative() });
export type DeletedResponse = z.infer<typeof DeletedResponse>;

// ---------------------------------------------------------------------------------------------
// Health, kiosk config, settings

/** GET /api/health */
export const HealthResponse = z.object({
  status: z.literal('ok'),
  buildId: z.string().describe('Changes on every server upgrade; kiosks reload when it changes'),
  modelId: ModelId,
  examples: z.number().int().nonnegative().describe('Examples of the active model'),
  uptimeS: z.number().nonnegative().describe('Seconds since the server started'),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** Recognition settings, edited in the back office and applied live by kiosks. */
export const Settings = z.object({
  threshold: z.number().min(-1).max(1).describe('Similarity (cosine in the whitened metric) under which the answer is "unknown"'),
  k: z.number().int().min(1).max(50).describe('Nearest neighbours that vote'),
  smoothingWindow: z.number().int().min(1).max(60).describe('Frames a kiosk votes over before it shows a label'),
  idleTimeoutMs: z.number().int().min(1000).max(3_600_000).describe('Kiosk returns to its idle screen after this long without a product, ms'),
  modelId: ModelId.describe('Active model: only its examples take part in recognition'),
});
export type Settings = z.infer<typeof Settings>;

/** PUT /api/settings: any subset of the settings. */
export const SettingsPatch = Settings.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** What a browser needs to load the active model itself. */
export const ModelDescriptor = z.object({
  id: ModelId,
  inputSize: z.number().int().positive().describe('Square input side, px'),
  inputRange: z.tuple([z.number(), z.number()]).describe('Range the pixels are scaled to'),
  cutLayers: z.array(z.string()),
  dim: z.number().int().positive().describe('Embedding length'),
  flip: z.boolean().describe('Average the embedding with the mirrored image (test-time augmentation)'),
  url: z.string().describe('URL of model.json (weights.bin beside it)'),
});
export type ModelDescriptor = z.infer<typeof ModelDescriptor>;

/** GET /api/kiosk/config (public) */
export const KioskConfigResponse = z.object({
  buildId: z.string(),
  model: ModelDescriptor,
  settings: Settings,
  wasmPath: z.string().describe('Prefix under which the TF.js wasm binaries are served, e.g. /tfjs-wasm/'),
});
export type KioskConfigResponse = z.infer<typeof KioskConfigResponse>;

// ---------------------------------------------------------------------------------------------
// Labels and examples

/** Where an example came from. */
export const ExampleSource = z.enum(['kiosk', 'upload', 'import']);
export type ExampleSource = z.infer<typeof ExampleSource>;

/** One stored example (without its vector). */
export const ExampleView = z.object({
  id: Id,
  label: LabelName,
  modelId: ModelId,
  source: ExampleSource,
  createdAt: Timestamp,
  thumbnailUrl: z.string().nullable().describe('96-px JPEG, null when none was stored'),
});
export type ExampleView = z.infer<typeof ExampleView>;

/** One label with its example counts. */
export const LabelSummary = z.object({
  label: LabelName,
  examples: z.number().int().nonnegative().describe('Examples of the active model'),
  otherModelExamples: z.number().int().nonnegative().describe('Examples kept from other models (not used)'),
  thumbnails: z.array(z.string()).describe('URLs of the latest thumbnails, newest first (at most 4)'),
  updatedAt: Timestamp.nullable(),
  recommendations: z.number().int().nonnegative().describe('Number of ranked products'),
});
export type LabelSummary = z.infer<typeof LabelSummary>;

/** GET /api/labels */
export const LabelsResponse = z.object({ labels: z.array(LabelSummary) });
export type LabelsResponse = z.infer<typeof LabelsResponse>;

/** Path params of label routes. */
export const LabelParams = z.object({ label: LabelName });
export type LabelParams = z.infer<typeof LabelParams>;

/** Path params of id routes. */
export const IdParams = z.object({ id: Id });
export type IdParams = z.infer<typeof IdParams>;

/** One example computed by a kiosk (which embedded the frame itself). */
export const EmbeddedExampleInput = z.object({
  embedding: EmbeddingInput,
  modelId: ModelId,
  thumbnail: z
    .string()
    .max(200_000)
    .optional()
    .describe('base64 JPEG or data:image/jpeg;base64,… URL; re-encoded by the server to 96 px'),
});
export type EmbeddedExampleInput = z.infer<typeof EmbeddedExampleInput>;

/**
 * POST /api/labels/:label/examples as JSON: one example or up to 64. (The same route also takes
 * multipart image uploads, field name `image`, one or more files; the server embeds them.)
 */
export const AddExamplesJsonBody = z.union([
  EmbeddedExampleInput,
  z.object({ examples: z.array(EmbeddedExampleInput).min(1).max(64) }),
]);
export type AddExamplesJsonBody = z.infer<typeof AddExamplesJsonBody>;

/** 201 answer of POST /api/labels/:label/examples */
export const AddExamplesResponse = z.object({ examples: z.array(ExampleView) });
export type AddExamplesResponse = z.infer<typeof AddExamplesResponse>;

/** GET /api/labels/:label/examples */
export const LabelExamplesResponse = z.object({ label: LabelName, examples: z.array(ExampleView) });
export type LabelExamplesResponse = z.infer<typeof LabelExamplesResponse>;

/** GET /api/examples?modelId= (public): the kiosk's sync source. */
export const ExamplesQuery = z.object({ modelId: ModelId.optional().describe('Defaults to the active model') });
export type ExamplesQuery = z.infer<typeof ExamplesQuery>;

/** One example with its vector, for syncing a kiosk's classifier. */
export const SyncExample = z.object({
  id: Id,
  label: LabelName,
  embedding: z.string().describe('base64 of little-endian float32'),
});
export type SyncExample = z.infer<typeof SyncExample>;

/** Answer of GET /api/examples */
export const ExamplesSyncResponse = z.object({ modelId: ModelId, dim: z.number().int().nullable(), examples: z.array(SyncExample) });
export type ExamplesSyncResponse = z.infer<typeof ExamplesSyncResponse>;

// ---------------------------------------------------------------------------------------------
// Products and recommendations

/** A product of the catalog. Text is plain text: clients must never render it as HTML. */
export const Product = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  description: z.string().max(5000),
  price: z.number().nonnegative().nullable().describe('Price in the shop currency (e.g. 2.49), null when not shown'),
  imageUrl: z.string().nullable(),
  tags: z.array(z.string().max(50)).max(30),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Product = z.infer<typeof Product>;

/** POST /api/products (JSON; the image is uploaded separately with PUT /api/products/:id/image). */
export const ProductInput = z.object({
  id: Id.optional().describe('Optional stable id (e.g. a SKU); generated when absent'),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(''),
  price: z.number().nonnegative().max(1e9).nullable().default(null),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
});
export type ProductInput = z.input<typeof ProductInput>;

/** PATCH /api/products/:id */
export const ProductPatch = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(5000).optional(),
  price: z.number().nonnegative().max(1e9).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).optional(),
});
export type ProductPatch = z.infer<typeof ProductPatch>;

/** GET /api/products */
export const ProductsResponse = z.object({ products: z.array(Product) });
export type ProductsResponse = z.infer<typeof ProductsResponse>;

/** GET /api/labels/:label/recommendations (public): ranked products, best first. */
export const RecommendationsResponse = z.object({ label: LabelName, products: z.array(Product) });
export type RecommendationsResponse = z.infer<typeof RecommendationsResponse>;

/** PUT /api/labels/:label/recommendations: the whole ranked list of product ids. */
export const RecommendationsPut = z.object({ productIds: z.array(Id).max(50) });
export type RecommendationsPut = z.infer<typeof RecommendationsPut>;

// ---------------------------------------------------------------------------------------------
// Classification

/** POST /api/classify as JSON: classify an embedding computed elsewhere (also used by benchmarks). */
export const ClassifyJsonBody = z.object({ embedding: EmbeddingInput, modelId: ModelId.optional() });
export type ClassifyJsonBody = z.infer<typeof ClassifyJsonBody>;

/** Answer of POST /api/classify (multipart field `image`, or JSON ClassifyJsonBody). */
export const ClassifyResponse = z.object({
  label: LabelName.nullable(),
  unknown: z.boolean(),
  confidence: z.number().describe('In [0, 1]'),
  similarity: z.number().describe('Cosine similarity of the best match'),
  neighbours: z.array(z.object({ id: Id, label: LabelName, similarity: z.number() })),
  modelId: ModelId,
  recommendations: z.array(Product),
});
export type ClassifyResponse = z.infer<typeof ClassifyResponse>;

// ---------------------------------------------------------------------------------------------
// Kiosk events (analytics)

/** One event reported by a kiosk. */
export const KioskEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('recognition'),
    label: LabelName.nullable(),
    confidence: z.number().min(0).max(1),
    at: z.iso.datetime({ offset: true }).optional().describe('When it happened on the kiosk (ISO 8601); server time when absent'),
  }),
  z.object({
    type: z.literal('impression'),
    label: LabelName,
    productIds: z.array(Id).min(1).max(50),
    at: z.iso.datetime({ offset: true }).optional(),
  }),
]);
export type KioskEvent = z.infer<typeof KioskEvent>;

/** POST /api/kiosk/events (kiosk token): a batch of at most 100 events. */
export const KioskEventsBody = z.object({ events: z.array(KioskEvent).min(1).max(100) });
export type KioskEventsBody = z.infer<typeof KioskEventsBody>;

/** 202 answer of POST /api/kiosk/events */
export const KioskEventsResponse = z.object({ accepted: z.number().int().nonnegative() });
export type KioskEventsResponse = z.infer<typeof KioskEventsResponse>;

// ---------------------------------------------------------------------------------------------
// Sessions (back office)

/** Who may do what: the admin token may do everything, the kiosk token may teach and report events. */
export const Role = z.enum(['admin', 'kiosk']);
export type Role = z.infer<typeof Role>;

/** POST /api/session: exchange the admin token for an HttpOnly session cookie. */
export const SessionLogin = z.object({ token: z.string().min(1).max(200) });
export type SessionLogin = z.infer<typeof SessionLogin>;

/**
 * Answer of POST/GET /api/session. The back office sends `csrfToken` back in the `x-csrf-token`
 * header of every non-GET request.
 */
export const SessionResponse = z.object({
  authenticated: z.boolean(),
  role: Role.nullable(),
  csrfToken: z.string().nullable(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

// ---------------------------------------------------------------------------------------------
// Export / import

/** POST /api/import?mode=: merge into the store (default) or replace it. Body: the export file bytes. */
export const ImportQuery = z.object({ mode: z.enum(['merge', 'replace']).default('merge') });
export type ImportQuery = z.infer<typeof ImportQuery>;

/** Answer of POST /api/import: what the bundle held. */
export const ImportResponse = z.object({
  mode: z.enum(['merge', 'replace']),
  labels: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  products: z.number().int().nonnegative(),
  recommendations: z.number().int().nonnegative(),
});
export type ImportResponse = z.infer<typeof ImportResponse>;
