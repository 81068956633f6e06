import type { Command } from 'commander';
import { loadConfig, startServer, type Config } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';

/** Flags every store command shares (serve, train, classify, labels, export, import, token). */
export interface StoreFlags {
  data?: string;
  model?: string;
  modelsDir?: string;
}

/** Adds --data, --model and --models-dir to a command. */
export function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data folder; env SMARTMIRROR_DATA, default ./data')
    .option('--model <name>', 'model preset or path; env SMARTMIRROR_MODEL, default mobilenet-v2')
    .option('--models-dir <dir>', 'folder of model presets; env SMARTMIRROR_MODELS_DIR');
}

/** The validated config of a store command (env + flags; fails with one line, exit 2). */
export function storeConfig(o: StoreFlags, extra: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig(process.env, { dataDir: o.data, model: o.model, modelsDir: o.modelsDir, ...extra });
}

/** `smartmirror serve`: the HTTP server on the data folder, stopped gracefully by SIGTERM/SIGINT. */
export const registerServe: RegisterCommand = (program: Command) => {
  program
    .command('serve')
    .description('Start the mirror server (kiosk at /, back office at /admin/, API at /api, docs at /api/docs)')
    .option('--port <port>', 'TCP port (0 = any free port); env SMARTMIRROR_PORT, default 8080')
    .option('--host <host>', 'interface; env SMARTMIRROR_HOST, default 0.0.0.0')
    .option('--data <dir>', 'data folder; env SMARTMIRROR_DATA, default ./data')
    .option('--model <name>', 'model preset or path; env SMARTMIRROR_MODEL, default mobilenet-v2')
    .option('--models-dir <dir>', 'folder of model presets; env SMARTMIRROR_MODELS_DIR')
    .action(async (o: { port?: string; host?: string; data?: string; model?: string; modelsDir?: string }) => {
      const config = loadConfig(process.env, { port: o.port, host: o.host, dataDir: o.data, model: o.model, modelsDir: o.modelsDir });
      const server = await startServer(config, { print: (line) => process.stderr.write(`smartmirror: ${line}\n`) });
      process.stdout.write(`smartmirror: listening on ${server.url} (model ${config.model}, data ${config.dataDir})\n`);
      await new Promise<void>((done) => {
        const shutdown = (signal: NodeJS.Signals): void => {
          process.stderr.write(`smartmirror: ${signal}: finishing requests and closing the store\n`);
          process.off('SIGTERM', shutdown);
          process.off('SIGINT', shutdown);
          server.stop().then(() => {
            // Operators and the fresh-clone test look for this line: the store is closed, nothing is lost.
            process.stderr.write('smartmirror: closed\n');
            done();
          }, (err: unknown) => {
            process.stderr.write(`smartmirror: error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
            done();
          });
        };
        process.on('SIGTERM', shutdown);
        process.on('SIGINT', shutdown);
      });
    });
};
