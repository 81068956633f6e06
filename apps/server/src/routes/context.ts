import type { ModelInfo } from '@smartmirror/core';
import type { Config } from '../config.ts';
import type { App, AppDeps, Clock, Ids } from '../deps.ts';
import type { Auth } from '../auth.ts';
import type { CatalogService } from '../services/catalog.ts';
import type { MirrorService } from '../services/mirror.ts';
import type { TransferService } from '../services/transfer.ts';
import type { EventHub } from '../sse.ts';
import type { Repositories } from '../store/types.ts';

/** What route files (and server modules) get: services, auth and the event hub. */
export interface RouteContext {
  config: Config;
  repos: Repositories;
  mirror: MirrorService;
  catalog: CatalogService;
  transfer: TransferService;
  auth: Auth;
  events: EventHub;
  clock: Clock;
  ids: Ids;
  buildId: string;
  startedAt: number;
  model: AppDeps['model'];
  /** The server embedder's model description (input size, range, cut). */
  embedderInfo: ModelInfo;
}

/** A route file: registers its routes on the app. */
export type RegisterRoutes = (app: App, ctx: RouteContext) => void;
