import type { Command } from 'commander';
import { AppError } from '@smartmirror/api';
import { createClassifier, DEFAULT_PRESET, type ClassifierOptions } from '@smartmirror/core';
import {
  accuracyEpisodes,
  createEmbeddingCache,
  embedDataset,
  listDataset,
  openSetEpisodes,
  resolveModel,
  type AccuracyResult,
  type OpenSetResult,
} from '@smartmirror/node';
import type { RegisterCommand } from './index.ts';

/** The one JSON object `smartmirror eval --json` prints. */
export interface EvalReport {
  model: string;
  dim: number;
  /** Decode + embed time per image, in ms. */
  msPerImage: number;
  images: number;
  labels: number;
  classifier: ClassifierOptions;
  results: Pick<AccuracyResult, 'shots' | 'accuracy' | 'ci95' | 'episodes'>[];
  openSet?: Pick<OpenSetResult, 'auroc' | 'falseAcceptAt90Recall' | 'thresholdAt90Recall' | 'known' | 'shots'>;
}

interface EvalFlags {
  model: string;
  modelsDir?: string;
  shots: string;
  episodes: string;
  perClass?: string;
  seed: string;
  openSet?: boolean;
  known: string;
  k: string;
  mode: string;
  centre?: boolean;
  /** Commander's `--no-whiten` sets this to false. */
  whiten?: boolean;
  json?: boolean;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AppError('BAD_REQUEST', `--${flag} must be a positive integer, got "${value}".`);
  return n;
}

function progressBar(enabled: boolean): { update: (done: number, total: number) => void; end: () => void } {
  let last = -1;
  return {
    update(done, total) {
      const pct = Math.floor((100 * done) / Math.max(1, total));
      if (!enabled || pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((width * pct) / 100);
      process.stderr.write(`\rembedding [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% (${done}/${total})`);
    },
    end() {
      if (enabled && last >= 0) process.stderr.write('\n');
    },
  };
}

/** Runs the evaluation; exported for tests and the accuracy benchmark's consistency. */
export async function runEval(datasetDir: string, flags: EvalFlags): Promise<EvalReport> {
  const shots = flags.shots.split(',').map((s) => positiveInt('shots', s.trim()));
  const episodes = positiveInt('episodes', flags.episodes);
  const perClass = flags.perClass === undefined ? undefined : positiveInt('per-class', flags.perClass);
  const seed = Number(flags.seed);
  if (!Number.isFinite(seed)) throw new AppError('BAD_REQUEST', `--seed must be a number, got "${flags.seed}".`);
  const k = positiveInt('k', flags.k);
  if (flags.mode !== 'knn' && flags.mode !== 'prototype') throw new AppError('BAD_REQUEST', `--mode must be knn or prototype, got "${flags.mode}".`);
  const classifier: ClassifierOptions = { k, mode: flags.mode, centre: flags.centre ?? false, whiten: flags.whiten ?? true };
  const modelOpts = flags.modelsDir ? { modelsDir: flags.modelsDir } : {};
  // Fail on a bad dataset or an unknown model before any slow work.
  const dataset = await listDataset(datasetDir);
  resolveModel(flags.model, modelOpts);
  const bar = progressBar(!flags.json);
  const embedded = await embedDataset(flags.model, dataset.items.map((it) => it.path), {
    ...modelOpts,
    cache: createEmbeddingCache(),
    onProgress: bar.update,
  }).finally(bar.end);
  const data = { labels: dataset.items.map((it) => it.label), vectors: embedded.vectors };
  // Closed-set accuracy ranks labels; the threshold only matters for the open-set score.
  const make = () => createClassifier({ ...classifier, threshold: -1 });
  const results = shots.map((s) => {
    const r = accuracyEpisodes(data, make, { shots: s, episodes, seed, ...(perClass ? { perClass } : {}) });
    return { shots: r.shots, accuracy: r.accuracy, ci95: r.ci95, episodes: r.episodes };
  });
  const report: EvalReport = {
    model: embedded.modelId,
    dim: embedded.dim,
    msPerImage: embedded.msPerImage,
    images: dataset.items.length,
    labels: dataset.labels.length,
    classifier,
    results,
  };
  if (flags.openSet) {
    const known = positiveInt('known', flags.known);
    if (known >= dataset.labels.length) throw new AppError('BAD_REQUEST', `--known must be below the ${dataset.labels.length} labels of the dataset.`);
    const openShots = shots.includes(5) ? 5 : Math.max(...shots);
    const o = openSetEpisodes(data, make, { shots: openShots, episodes, seed, known, ...(perClass ? { perClass } : {}) });
    report.openSet = { auroc: o.auroc, falseAcceptAt90Recall: o.falseAcceptAt90Recall, thresholdAt90Recall: o.thresholdAt90Recall, known: o.known, shots: o.shots };
  }
  return report;
}

function printTable(r: EvalReport): void {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `model ${r.model} (dim ${r.dim}, ${r.msPerImage.toFixed(1)} ms/image), ${r.images} images of ${r.labels} labels`,
    `classifier k=${r.classifier.k} mode=${r.classifier.mode} whiten=${String(r.classifier.whiten)} centre=${String(r.classifier.centre)}`,
    '',
    'shots  accuracy  ±95 %     episodes',
    ...r.results.map((x) => `${String(x.shots).padStart(5)}  ${pct(x.accuracy).padStart(8)}  ${pct(x.ci95).padStart(7)}  ${String(x.episodes).padStart(8)}`),
  ];
  if (r.openSet) {
    lines.push('', `open set (${r.openSet.known} labels taught with ${r.openSet.shots} shots, the rest never seen):`);
    lines.push(`  AUROC ${r.openSet.auroc.toFixed(3)}, false accepts at 90 % recall ${pct(r.openSet.falseAcceptAt90Recall)} (threshold ${r.openSet.thresholdAt90Recall.toFixed(3)})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `smartmirror eval <dataset-dir>`: few-shot accuracy (and open-set AUROC) of a model on labelled folders. */
export const registerEval: RegisterCommand = (program: Command) => {
  program
    .command('eval')
    .description('Measure few-shot recognition accuracy on a folder of <label>/<image> files')
    .argument('<dataset-dir>', 'folder with one sub-folder of images per label')
    .option('--model <preset|path|url>', 'model preset, folder or URL', DEFAULT_PRESET)
    .option('--models-dir <dir>', 'folder of model presets; env SMARTMIRROR_MODELS_DIR')
    .option('--shots <list>', 'taught examples per label, comma-separated', '1,5,10')
    .option('--episodes <n>', 'random episodes averaged per shot count', '10')
    .option('--per-class <n>', 'most queries per label per episode (default: all the rest)')
    .option('--seed <n>', 'random seed (same seed, same episodes)', '1')
    .option('--open-set', 'also measure unknown-product rejection (AUROC)')
    .option('--known <n>', 'labels taught in the open-set run; the rest are never seen', '20')
    .option('--k <n>', 'classifier: neighbours that vote', '1')
    .option('--mode <mode>', 'classifier: knn or prototype', 'knn')
    .option('--centre', 'classifier: subtract the mean of stored examples (plain cosine only)')
    .option('--no-whiten', 'classifier: plain cosine instead of the metric fitted to the taught examples')
    .option('--json', 'print one JSON object on stdout instead of a table')
    .action(async (dir: string, flags: EvalFlags) => {
      const report = await runEval(dir, flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else printTable(report);
    });
};
