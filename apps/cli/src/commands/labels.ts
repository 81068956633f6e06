import type { Command } from 'commander';
import { openLocalMirror } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';
import { storeConfig, withStoreOptions, type StoreFlags } from './serve.ts';

/** `smartmirror labels [--json]`: the taught labels with their example counts. */
export const registerLabels: RegisterCommand = (program: Command) => {
  withStoreOptions(program.command('labels').description('List the taught labels with example counts'))
    .option('--json', 'print JSON')
    .action(async (o: StoreFlags & { json?: boolean }) => {
      const local = openLocalMirror(storeConfig(o));
      try {
        const rows = await local.repos.examples.labels(local.modelId);
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ modelId: local.modelId, labels: rows.map(({ thumbnailIds: _t, ...r }) => r) })}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('no labels yet (teach one with: smartmirror train <label> <photos...>)\n');
          return;
        }
        const width = Math.max(5, ...rows.map((r) => r.label.length));
        process.stdout.write(`${'label'.padEnd(width)}  examples  other-model  recommendations\n`);
        for (const r of rows) {
          process.stdout.write(`${r.label.padEnd(width)}  ${String(r.examples).padStart(8)}  ${String(r.otherModelExamples).padStart(11)}  ${String(r.recommendations).padStart(15)}\n`);
        }
      } finally {
        await local.close();
      }
    });
};
