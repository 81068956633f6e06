import { rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { openLocalMirror } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';
import { storeConfig, withStoreOptions, type StoreFlags } from './serve.ts';

/** `smartmirror export <file>`: the whole store as one checksummed bundle. */
export const registerExport: RegisterCommand = (program: Command) => {
  withStoreOptions(program.command('export').description('Export labels, examples, thumbnails, products and recommendations to one file'))
    .argument('<file>', 'bundle file to write')
    .action(async (file: string, o: StoreFlags) => {
      const local = openLocalMirror(storeConfig(o));
      try {
        const bytes = await local.transfer.exportBundle();
        // Write-then-rename: an interrupted export never leaves a truncated bundle under the name.
        const tmp = `${file}.${process.pid}.tmp`;
        try {
          await writeFile(tmp, bytes);
          await rename(tmp, file);
        } catch (err) {
          await rm(tmp, { force: true });
          throw err;
        }
        process.stdout.write(`exported ${bytes.byteLength} bytes to ${file}\n`);
      } finally {
        await local.close();
      }
    });
};
