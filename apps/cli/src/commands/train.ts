import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { AppError, LabelName } from '@smartmirror/api';
import { openLocalMirror } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';
import { storeConfig, withStoreOptions, type StoreFlags } from './serve.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);

/** Expands files and folders (one level, images by extension) into a sorted file list. */
export async function imageFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) throw new AppError('NOT_FOUND', `No such file or folder: ${p}`);
    if (s.isDirectory()) {
      const names = (await readdir(p)).filter((n) => IMAGE_EXT.has(extname(n).toLowerCase())).sort();
      out.push(...names.map((n) => join(p, n)));
    } else {
      out.push(p);
    }
  }
  if (out.length === 0) throw new AppError('BAD_REQUEST', 'No images found.');
  return out;
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, one final line otherwise). */
export function progress(total: number, what: string): { tick(): void; done(): void } {
  let n = 0;
  const tty = process.stderr.isTTY;
  const draw = (): void => {
    const width = 30;
    const filled = Math.round((n / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${n}/${total} ${what}`);
  };
  return {
    tick() {
      n++;
      if (tty) draw();
    },
    done() {
      draw();
      process.stderr.write('\n');
    },
  };
}

/** `smartmirror train <label> <image-or-dir>...`: embeds the photos and stores them, all or nothing. */
export const registerTrain: RegisterCommand = (program: Command) => {
  withStoreOptions(program.command('train').description('Teach a label from photos (files or folders)'))
    .argument('<label>', 'the product label')
    .argument('<images...>', 'image files or folders of images')
    .action(async (labelArg: string, paths: string[], o: StoreFlags) => {
      const parsed = LabelName.safeParse(labelArg);
      if (!parsed.success) throw new AppError('INVALID_LABEL', `Invalid label: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const files = await imageFiles(paths);
      const local = openLocalMirror(storeConfig(o));
      try {
        const mirror = await local.mirror();
        const bar = progress(files.length, parsed.data);
        const prepared = [];
        // Everything is embedded before the first row is written: a bad file leaves the store unchanged.
        for (const f of files) {
          try {
            prepared.push(...(await mirror.embedImages([await readFile(f)])));
          } catch (err) {
            process.stderr.write('\n');
            if (err instanceof AppError) throw new AppError(err.code, `${f}: ${err.message}`);
            throw err;
          }
          bar.tick();
        }
        bar.done();
        const created = await mirror.addExamples(parsed.data, prepared, 'upload');
        process.stdout.write(`taught ${created.length} example(s) to "${parsed.data}" (${mirror.modelId})\n`);
      } finally {
        await local.close();
      }
    });
};
