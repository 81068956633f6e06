import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '@smartmirror/api';
import { classifyWithRecommendations, openLocalMirror } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';
import { storeConfig, withStoreOptions, type StoreFlags } from './serve.ts';

/** `smartmirror classify <image> [--json]`: recognises one photo against the stored examples. */
export const registerClassify: RegisterCommand = (program: Command) => {
  withStoreOptions(program.command('classify').description('Recognise a product in a photo'))
    .argument('<image>', 'image file')
    .option('--json', 'print the full answer as JSON (same shape as POST /api/classify)')
    .action(async (file: string, o: StoreFlags & { json?: boolean }) => {
      const bytes = await readFile(file).catch(() => {
        throw new AppError('NOT_FOUND', `No such file: ${file}`);
      });
      const local = openLocalMirror(storeConfig(o));
      try {
        const mirror = await local.mirror();
        const [prepared] = await mirror.embedImages([bytes]);
        if (!prepared) throw new AppError('INTERNAL', 'No embedding.');
        const { answer, prediction: p } = await classifyWithRecommendations(mirror, local.catalog, prepared.embedding);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(answer)}\n`);
        } else {
          const best = p.scores[0]?.label ?? '-';
          process.stdout.write(
            p.unknown
              ? `unknown (closest: ${best}, similarity ${p.similarity.toFixed(3)})\n`
              : `${answer.label ?? ''} (confidence ${p.confidence.toFixed(3)}, similarity ${p.similarity.toFixed(3)})\n`,
          );
          for (const r of answer.recommendations) process.stdout.write(`  → ${r.name}\n`);
        }
      } finally {
        await local.close();
      }
    });
};
