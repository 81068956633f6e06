// Repository interfaces: everything the services persist goes through these. They are async and
// free of SQLite types so that a PostgreSQL implementation can slot in without touching services.
import type { ExampleSource, KioskEvent, Settings } from '@smartmirror/api';

/** A stored example without its vector. */
export interface ExampleMeta {
  id: string;
  label: string;
  modelId: string;
  source: ExampleSource;
  createdAt: string;
  hasThumbnail: boolean;
}

/** A new example to store. */
export interface NewExample {
  id: string;
  label: string;
  modelId: string;
  /** Unit-length vector. */
  embedding: Float32Array;
  /** 96-px JPEG, already re-encoded by the server. */
  thumbnail: Uint8Array | null;
  source: ExampleSource;
  createdAt: string;
}

/** An example with its vector, for the classifier and sync. */
export interface ExampleVector {
  id: string;
  label: string;
  embedding: Float32Array;
}

/** A label with counts, as the labels list shows it. */
export interface LabelRow {
  label: string;
  /** Examples of the model asked about. */
  examples: number;
  /** Examples of every other model. */
  otherModelExamples: number;
  /** Ids of the newest examples with a thumbnail, newest first (at most 4). */
  thumbnailIds: string[];
  updatedAt: string | null;
  recommendations: number;
}

/** A product as stored. */
export interface ProductRecord {
  id: string;
  name: string;
  description: string;
  price: number | null;
  tags: string[];
  /** MIME type of the stored image, null when none. */
  imageType: string | null;
  /** Changes whenever the image changes: part of its URL, so the URL can be cached forever. */
  imageVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** A stored product image. */
export interface ProductImage {
  bytes: Uint8Array;
  type: string;
}

/** A kiosk event as stored (server receive time in `at` when the kiosk sent none). */
export type StoredEvent = KioskEvent & { at: string };

/** Everything the store holds that travels in an export bundle. */
export interface StoreDump {
  labels: { name: string; createdAt: string }[];
  examples: (NewExample & { thumbnail: Uint8Array | null })[];
  products: (ProductRecord & { image: Uint8Array | null })[];
  /** label → ranked product ids */
  recommendations: { label: string; productIds: string[] }[];
}

/** Labels and their examples. */
export interface ExampleRepository {
  /** Stores examples (creating their labels) in one transaction: all or nothing. */
  add(examples: NewExample[]): Promise<void>;
  get(id: string): Promise<ExampleMeta | null>;
  listByLabel(label: string): Promise<ExampleMeta[]>;
  /** Every vector of one model, oldest first. */
  vectors(modelId: string): Promise<ExampleVector[]>;
  thumbnail(id: string): Promise<Uint8Array | null>;
  /** Deletes one example; returns it, or null when absent. */
  remove(id: string): Promise<ExampleMeta | null>;
  count(modelId: string): Promise<number>;
  /** Labels (all of them, also those without examples) with counts for `modelId`, sorted by name. */
  labels(modelId: string): Promise<LabelRow[]>;
  labelExists(label: string): Promise<boolean>;
  /** Deletes a label with its examples and recommendations; returns the examples deleted, null when absent. */
  removeLabel(label: string): Promise<number | null>;
}

/** The product catalog. */
export interface ProductRepository {
  list(): Promise<ProductRecord[]>;
  get(id: string): Promise<ProductRecord | null>;
  /** Products by id, in the order given; unknown ids are skipped. */
  getMany(ids: readonly string[]): Promise<ProductRecord[]>;
  create(product: Omit<ProductRecord, 'imageType' | 'imageVersion'>): Promise<ProductRecord>;
  update(id: string, patch: Partial<Pick<ProductRecord, 'name' | 'description' | 'price' | 'tags'>>, at: string): Promise<ProductRecord | null>;
  remove(id: string): Promise<boolean>;
  setImage(id: string, image: ProductImage, at: string): Promise<ProductRecord | null>;
  image(id: string): Promise<ProductImage | null>;
}

/** Ranked recommendations per label. */
export interface RecommendationRepository {
  /** Ranked product ids, best first (empty when none). */
  get(label: string): Promise<string[]>;
  /** Replaces the ranked list, creating the label when needed. */
  set(label: string, productIds: readonly string[], at: string): Promise<void>;
}

/** Analytics events. Teaching events are written by ExampleRepository.add, one per example. */
export interface EventRepository {
  append(events: readonly StoredEvent[]): Promise<void>;
  /** Counts by type, for tests and the back office. */
  count(type?: StoredEvent['type'] | 'teaching'): Promise<number>;
}

/** Settings saved by the back office; absent keys fall back to config defaults. */
export interface SettingsRepository {
  get(): Promise<Partial<Settings>>;
  set(patch: Partial<Settings>): Promise<void>;
}

/** Whole-store export and import. */
export interface TransferRepository {
  dump(): Promise<StoreDump>;
  /** Writes a whole dump in one transaction; `replace` wipes labels, examples, products first. */
  load(dump: StoreDump, mode: 'merge' | 'replace'): Promise<void>;
}

/** Minimal async SQL access for server modules that own their own tables (e.g. admin analytics). */
export interface SqlAccess {
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /** Runs the statements in order in one transaction: all of them take effect, or none. */
  batch(statements: readonly { sql: string; params?: readonly unknown[] }[]): Promise<{ changes: number }[]>;
}

/** Every repository of one store, and its lifecycle. */
export interface Repositories {
  examples: ExampleRepository;
  products: ProductRepository;
  recommendations: RecommendationRepository;
  events: EventRepository;
  settings: SettingsRepository;
  transfer: TransferRepository;
  sql: SqlAccess;
  close(): Promise<void>;
}

/** A schema change, applied once and remembered by name. */
export interface Migration {
  /** Unique, stable name, e.g. `001-initial` or `admin-001-daily-stats`. Applied in list order. */
  name: string;
  /** SQL statements run in one transaction. */
  sql: string;
}
