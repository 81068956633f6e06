import { randomUUID } from 'node:crypto';
import type { Embedder } from '@smartmirror/core';
import { resolveModel } from '@smartmirror/node';
import type { Config } from './config.ts';
import { createCatalogService, type CatalogService } from './services/catalog.ts';
import { createMirrorService, type MirrorService } from './services/mirror.ts';
import { createTransferService, type TransferService } from './services/transfer.ts';
import { loadEmbedder, openStore } from './server.ts';
import { createEventHub } from './sse.ts';
import type { Repositories } from './store/types.ts';

/** The server's services on the data folder, without HTTP: what the CLI commands use. */
export interface LocalMirror {
  repos: Repositories;
  catalog: CatalogService;
  transfer: TransferService;
  /** Id of the configured model (known without loading it). */
  modelId: string;
  /** Loads the model (once) and the classifier of its examples. */
  mirror(): Promise<MirrorService>;
  close(): Promise<void>;
}

/**
 * Opens the store of `config.dataDir` for one CLI command. The model is loaded only by commands
 * that embed or classify. A running server does not see CLI writes until it restarts (its
 * classifier is in memory); the store itself is safe to share (SQLite WAL, busy timeout).
 */
export function openLocalMirror(config: Config, opts: { embedder?: Embedder } = {}): LocalMirror {
  const repos = openStore(config);
  const clock = { now: () => new Date() };
  const ids = { uuid: () => randomUUID() };
  const events = createEventHub();
  const catalog = createCatalogService({ repos, clock, ids, events, maxImagePixels: config.maxImagePixels });
  let loaded: { embedder: Embedder; mirror: MirrorService } | null = null;
  const modelId = opts.embedder?.info.id ?? resolveModel(config.model, config.modelsDir ? { modelsDir: config.modelsDir } : {}).id;
  const transfer = createTransferService({ repos, clock, events, afterImport: () => loaded?.mirror.reload() ?? Promise.resolve() });
  return {
    repos,
    catalog,
    transfer,
    modelId,
    async mirror() {
      if (!loaded) {
        const embedder = opts.embedder ?? (await loadEmbedder(config));
        loaded = { embedder, mirror: await createMirrorService({ config, repos, embedder, clock, ids, events }) };
      }
      return loaded.mirror;
    },
    async close() {
      if (loaded && !opts.embedder) loaded.embedder.dispose();
      await repos.close();
    },
  };
}
