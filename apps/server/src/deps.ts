import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Embedder } from '@smartmirror/core';
import type { Config } from './config.ts';
import type { Repositories } from './store/types.ts';

/** The wall clock, injected so tests can pin time. */
export interface Clock {
  now(): Date;
}

/** Id generator, injected so tests can pin ids. */
export interface Ids {
  uuid(): string;
}

/** The active model as served to browsers: model.json naming one weights.bin, and its bytes. */
export interface ServedModel {
  modelJson: unknown;
  weights: Uint8Array;
  /** Whether embeddings average the mirrored image too (the browser must do the same). */
  flip: boolean;
}

/** The two secrets that authorise writes. */
export interface Tokens {
  admin: string;
  kiosk: string;
}

/** Everything createApp needs; IO enters only through these. */
export interface AppDeps {
  config: Config;
  repos: Repositories;
  /** Embeds uploaded images; its `info.id` is the active model. */
  embedder: Embedder;
  /** Loads the active model's files for browsers; absent → /api/models answers 404. */
  model?: () => Promise<ServedModel>;
  tokens: Tokens;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: crypto.randomUUID. */
  ids?: Ids;
  /** A Fastify-compatible (pino) logger; default: none, or Fastify's own at `logLevel`. */
  logger?: FastifyBaseLogger;
  /** Level of Fastify's own JSON logger on stdout when no `logger` is given; default: no logging. */
  logLevel?: Config['logLevel'];
  /** Changes with every build; default: derived from the start time. */
  buildId?: string;
  /** Folders of the built UIs; default apps/kiosk/dist and apps/admin/dist (served only when present). */
  staticDirs?: { kiosk?: string | null; admin?: string | null; wasm?: string | null };
}

/** The Fastify instance type used by every route file (zod type provider). */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;
