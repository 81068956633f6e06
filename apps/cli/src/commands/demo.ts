import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@smartmirror/api';
import { createEmbeddingCache } from '@smartmirror/node';
import { loadConfig, loadEmbedder, openStore, type Config } from '@smartmirror/server';
import { DEFAULT_PER_LABEL, DEMO_PRODUCTS, drawDemoProduct, seedDemoCatalog, seedFromDataset } from '@smartmirror/server/demo';
import type { RegisterCommand } from './index.ts';

interface ConfigFlags {
  data?: string;
  model?: string;
  modelsDir?: string;
}

function configFrom(o: ConfigFlags): Config {
  return loadConfig(process.env, { dataDir: o.data, model: o.model, modelsDir: o.modelsDir });
}

function perLabel(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PER_LABEL;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new AppError('BAD_REQUEST', `--per-label must be a whole number from 1 to 10000 (got "${text}").`);
  return n;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * `smartmirror demo seed [--from <dir>] [--per-label N]`: the demo catalog and labels, or labels
 * taught from a dataset folder; `smartmirror demo images <dir>`: the drawn product pictures.
 */
export const registerDemo: RegisterCommand = (program: Command) => {
  const demo = program.command('demo').description('Demo content: a drawn product catalog, its labels, or labels taught from a photo dataset');
  const withConfig = (c: Command): Command =>
    c
      .option('--data <dir>', 'data folder; env SMARTMIRROR_DATA, default ./data')
      .option('--model <name>', 'model preset or path; env SMARTMIRROR_MODEL, default mobilenet-v2')
      .option('--models-dir <dir>', 'folder of model presets; env SMARTMIRROR_MODELS_DIR');

  withConfig(demo.command('seed'))
    .description('Fill an empty store with the demo catalog and its labels, or with --from teach one label per dataset folder')
    .option('--from <dir>', 'dataset folder laid out <dir>/<label>/*.jpg (e.g. ../shared/datasets/grocery-store/train)')
    .option('--per-label <n>', `images taught per label with --from (default ${DEFAULT_PER_LABEL})`)
    .action(async (o: ConfigFlags & { from?: string; perLabel?: string }) => {
      const config = configFrom(o);
      const n = perLabel(o.perLabel);
      const embedder = await loadEmbedder(config);
      const repos = openStore(config);
      try {
        if (o.from) {
          const r = await seedFromDataset({ repos, embedder, cache: createEmbeddingCache(), onLabel: (label, count) => say(`  ${label}: ${count}`) }, o.from, { perLabel: n });
          say(`Taught ${r.examples} examples of ${r.labels} labels (model ${embedder.info.id}) into ${config.dataDir}; each label recommends demo products.`);
        } else {
          const r = await seedDemoCatalog({ repos, embedder });
          say(
            r.seeded
              ? `Seeded ${r.products} demo products and ${r.labels} labels (${r.examples} examples, model ${embedder.info.id}) into ${config.dataDir}.`
              : `${config.dataDir} already has products or labels: the demo catalog is only added to an empty store.`,
          );
        }
        say('A running server picks the new examples up when it is restarted.');
      } finally {
        await repos.close();
        embedder.dispose();
      }
    });

  demo
    .command('images <dir>')
    .description('Write the drawn demo product pictures as PNG files (print them or show them on a phone to the mirror)')
    .action(async (dir: string) => {
      await mkdir(dir, { recursive: true }).catch((cause: unknown) => {
        throw new AppError('BAD_REQUEST', `Cannot create ${dir}.`, { cause });
      });
      for (const p of DEMO_PRODUCTS) await writeFile(join(dir, `${p.id}.png`), await drawDemoProduct(p));
      say(`Wrote ${DEMO_PRODUCTS.length} pictures to ${dir}.`);
    });
};
