import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '@smartmirror/core';
import { loadNodeEmbedder, modelArtifactsFor } from '@smartmirror/node';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import type { App, ServedModel, Tokens } from './deps.ts';
import { modules } from './modules/index.ts';
import { DB_FILE, openSqliteStore } from './store/sqlite.ts';
import { seedDemoCatalog } from './demo/index.ts';
import { createFileTokenStore, resolveToken } from './store/tokens.ts';
import type { Repositories } from './store/types.ts';

/** A running server: its URL, and how to stop it. */
export interface RunningServer {
  app: App;
  url: string;
  tokens: Tokens;
  /** Stops accepting, finishes in-flight requests, closes the store and the model. */
  stop(): Promise<void>;
}

/** Opens the store of the data folder with every module's migrations. */
export function openStore(config: Pick<Config, 'dataDir'>): Repositories {
  return openSqliteStore(config.dataDir, { moduleMigrations: modules.flatMap((m) => m.migrations ?? []) });
}

/** The admin and kiosk tokens (from config, the data folder, or newly generated and saved). */
export async function loadTokens(config: Pick<Config, 'dataDir' | 'adminToken' | 'kioskToken'>, onCreated?: (role: 'admin' | 'kiosk', token: string) => void): Promise<Tokens> {
  const store = createFileTokenStore(config.dataDir);
  const admin = await resolveToken(store, 'admin', config.adminToken);
  const kiosk = await resolveToken(store, 'kiosk', config.kioskToken);
  if (admin.created) onCreated?.('admin', admin.token);
  if (kiosk.created) onCreated?.('kiosk', kiosk.token);
  return { admin: admin.token, kiosk: kiosk.token };
}

/** Loads the configured model as an Embedder (WASM backend). */
export function loadEmbedder(config: Pick<Config, 'model' | 'modelsDir'>): Promise<Embedder> {
  return loadNodeEmbedder(config.model, config.modelsDir ? { modelsDir: config.modelsDir } : {});
}

/** Starts the real server: store, tokens, model, HTTP. `print` receives one-time messages (new tokens). */
export async function startServer(
  config: Config,
  opts: { print?: (line: string) => void; buildId?: string; embedder?: Embedder; logger?: App['log'] } = {},
): Promise<RunningServer> {
  const fresh = !existsSync(join(config.dataDir, DB_FILE));
  const repos = openStore(config);
  let embedder: Embedder | undefined;
  try {
    const tokens = await loadTokens(config, (role, token) => opts.print?.(`${role} token (shown once, saved in ${config.dataDir}/${role}.token): ${token}`));
    embedder = opts.embedder ?? (await loadEmbedder(config));
    // A new mirror shows something from the first start: the drawn demo catalog, already taught.
    if (config.demo && fresh) {
      const seeded = await seedDemoCatalog({ repos, embedder });
      if (seeded.seeded) opts.print?.(`demo catalog seeded: ${seeded.products} products, ${seeded.labels} labels, ${seeded.examples} examples (SMARTMIRROR_DEMO=false skips this)`);
    }
    const model = async (): Promise<ServedModel> => {
      const m = await modelArtifactsFor(config.model, config.modelsDir ? { modelsDir: config.modelsDir } : {});
      return { modelJson: m.modelJson, weights: m.weights, flip: m.flip };
    };
    const app = await createApp({
      config,
      repos,
      embedder,
      model,
      tokens,
      ...(opts.logger ? { logger: opts.logger } : { logLevel: config.logLevel }),
      ...(opts.buildId ? { buildId: opts.buildId } : {}),
    });
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
    const e = embedder;
    let stopping: Promise<void> | null = null;
    return {
      app,
      url,
      tokens,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await repos.close();
          if (!opts.embedder) e.dispose();
        })()),
    };
  } catch (err) {
    if (embedder && !opts.embedder) embedder.dispose();
    await repos.close();
    throw err;
  }
}
