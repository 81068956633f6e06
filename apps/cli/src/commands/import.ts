import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '@smartmirror/api';
import { openLocalMirror } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';
import { storeConfig, withStoreOptions, type StoreFlags } from './serve.ts';

/** `smartmirror import <file> [--replace]`: merges (or replaces with) a bundle, validated first. */
export const registerImport: RegisterCommand = (program: Command) => {
  withStoreOptions(program.command('import').description('Import a bundle made by export (merge, or --replace everything)'))
    .argument('<file>', 'bundle file')
    .option('--replace', 'replace labels, examples and products instead of merging')
    .action(async (file: string, o: StoreFlags & { replace?: boolean }) => {
      const bytes = await readFile(file).catch(() => {
        throw new AppError('NOT_FOUND', `No such file: ${file}`);
      });
      const local = openLocalMirror(storeConfig(o));
      try {
        const r = await local.transfer.importBundle(new Uint8Array(bytes), o.replace ? 'replace' : 'merge');
        process.stdout.write(`${r.mode === 'replace' ? 'replaced with' : 'merged'} ${r.labels} labels, ${r.examples} examples, ${r.products} products, ${r.recommendations} recommendation lists\n`);
      } finally {
        await local.close();
      }
    });
};
