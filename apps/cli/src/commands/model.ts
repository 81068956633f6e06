import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { AppError } from '@smartmirror/api';
import { BEST_PRESET, DEFAULT_PRESET, findPreset, presetModelId, PRESETS, type Preset } from '@smartmirror/core';
import { defaultModelsDir, fetchModelFiles, modelJsonUrl } from '@smartmirror/node';
import type { RegisterCommand } from './index.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
/** The accuracy benchmark's committed result, read for the "measured" column. */
const ACCURACY_RESULTS = join(repo, 'bench', 'results', 'accuracy.json');

/** Measured few-shot accuracy of a preset, as the accuracy benchmark summarises it. */
interface PresetScore {
  acc1?: number;
  acc5?: number;
  auroc?: number;
}

function measuredScores(file = ACCURACY_RESULTS): Record<string, PresetScore> {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { presets?: Record<string, PresetScore> };
    return json.presets ?? {};
  } catch {
    return {};
  }
}

/** One row of `smartmirror model list`. */
export interface PresetRow {
  name: string;
  id: string;
  /** Where the model's files were found, or why not. */
  where: string;
  available: boolean;
  default: boolean;
  best: boolean;
  /** Measured 5-shot top-1 accuracy on grocery-store/train, if benchmarked. */
  acc5: number | null;
  acc1: number | null;
  auroc: number | null;
}

function locate(p: Preset, modelsDir: string): { id: string; where: string; available: boolean } {
  if (p.kind === 'ensemble') {
    const parts = p.members.map((m) => {
      const member = findPreset(m);
      return member ? locate(member, modelsDir) : { id: m, where: `${m} unknown`, available: false };
    });
    return { id: parts.map((x) => x.id).join('&'), where: `ensemble of ${p.members.join(' + ')}`, available: parts.every((x) => x.available) };
  }
  const id = presetModelId(p);
  switch (p.source.kind) {
    case 'nsfwjs':
      return { id, where: 'npm package nsfwjs', available: true };
    case 'models-dir': {
      const dir = join(modelsDir, p.source.dir);
      const available = existsSync(join(dir, 'model.json'));
      return { id, where: available ? dir : `missing: ${dir}`, available };
    }
  }
}

/** The presets with where each is found and its measured accuracy. */
export function listPresets(modelsDir: string, resultsFile?: string): PresetRow[] {
  const scores = measuredScores(resultsFile);
  return PRESETS.map((p) => {
    const s = scores[p.name] ?? {};
    return { name: p.name, ...locate(p, modelsDir), default: p.name === DEFAULT_PRESET, best: p.name === BEST_PRESET, acc5: s.acc5 ?? null, acc1: s.acc1 ?? null, auroc: s.auroc ?? null };
  });
}

/**
 * Copies a TF.js model from `url` into `target`: everything is fetched and size-checked in
 * memory, written into a temporary folder beside the target, then renamed into place, so a
 * failure never leaves half a model behind. An existing target is replaced only with `force`.
 */
export async function pullModel(url: string, target: string, force = false): Promise<{ files: number; bytes: number }> {
  if (existsSync(target) && !force) throw new AppError('CONFLICT', `${target} already exists (use --force to replace it).`);
  const files = await fetchModelFiles(url);
  await mkdir(dirname(target), { recursive: true }).catch((cause: unknown) => {
    throw new AppError('BAD_REQUEST', `Cannot create ${dirname(target)}.`, { cause });
  });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.pull-`)).catch((cause: unknown) => {
    throw new AppError('BAD_REQUEST', `Cannot write into ${dirname(target)}.`, { cause });
  });
  try {
    await writeFile(join(tmp, 'model.json'), JSON.stringify(files.json));
    for (const w of files.weights) {
      await mkdir(dirname(join(tmp, w.path)), { recursive: true });
      await writeFile(join(tmp, w.path), w.bytes);
    }
    if (existsSync(target)) {
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { files: files.weights.length + 1, bytes: files.weights.reduce((n, w) => n + w.bytes.byteLength, 0) };
}

/** Source URL and target folder of `model pull <preset|url>`. */
function pullPlan(what: string, o: { to?: string; from?: string; modelsDir: string }): { url: string; target: string } {
  if (/^https?:\/\//i.test(what)) {
    const url = modelJsonUrl(what);
    const name = url.pathname.split('/').filter(Boolean).at(-2) ?? 'model';
    return { url: url.href, target: resolve(o.to ?? join(o.modelsDir, name)) };
  }
  const preset = findPreset(what);
  if (!preset) throw new AppError('MODEL_NOT_FOUND', `Unknown preset "${what}" (${PRESETS.map((p) => p.name).join(', ')}); or give an http(s) URL.`);
  if (preset.kind !== 'model' || preset.source.kind !== 'models-dir') {
    throw new AppError('BAD_REQUEST', `${preset.name} needs no pull: ${preset.kind === 'ensemble' ? `pull its members ${preset.members.join(', ')}` : 'it comes with npm ci'}.`);
  }
  if (!o.from) throw new AppError('BAD_REQUEST', `Say where to pull ${preset.name} from: --from <base-url> or SMARTMIRROR_MODELS_URL.`);
  return { url: new URL(`${preset.source.dir}/model.json`, o.from.endsWith('/') ? o.from : `${o.from}/`).href, target: resolve(o.to ?? join(o.modelsDir, preset.source.dir)) };
}

/** `smartmirror model list|pull`: the model presets, and copying a model into the models dir. */
export const registerModel: RegisterCommand = (program: Command) => {
  const model = program.command('model').description('List model presets, or pull a TF.js model into the models folder');
  model
    .command('list')
    .description('Show every preset, where it is found and its measured accuracy')
    .option('--models-dir <dir>', 'folder of model presets; env SMARTMIRROR_MODELS_DIR')
    .option('--json', 'print JSON instead of a table')
    .action((o: { modelsDir?: string; json?: boolean }) => {
      const rows = listPresets(o.modelsDir ?? defaultModelsDir());
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
      const lines = rows.map((r) =>
        [`${r.name}${r.default ? ' (default)' : ''}${r.best ? ' (best)' : ''}`.padEnd(34), pct(r.acc1).padStart(8), pct(r.acc5).padStart(8), (r.auroc === null ? '—' : r.auroc.toFixed(3)).padStart(6), `  ${r.where}`].join(''),
      );
      process.stdout.write(`${'preset'.padEnd(34)}${'1-shot'.padStart(8)}${'5-shot'.padStart(8)}${'AUROC'.padStart(6)}  found at\n${lines.join('\n')}\n`);
    });
  model
    .command('pull')
    .description('Copy a TF.js model (model.json + every weight file, sizes checked) from a URL; all or nothing')
    .argument('<preset|url>', 'a folder preset (with --from) or the URL of a model.json or its folder')
    .option('--to <dir>', 'folder the model lands in (default: <models-dir>/<name>)')
    .option('--from <base-url>', 'base URL holding preset folders; env SMARTMIRROR_MODELS_URL')
    .option('--models-dir <dir>', 'folder of model presets; env SMARTMIRROR_MODELS_DIR')
    .option('--force', 'replace an existing folder')
    .action(async (what: string, o: { to?: string; from?: string; modelsDir?: string; force?: boolean }) => {
      const from = o.from ?? process.env.SMARTMIRROR_MODELS_URL;
      const plan = pullPlan(what, { modelsDir: o.modelsDir ?? defaultModelsDir(), ...(o.to ? { to: o.to } : {}), ...(from ? { from } : {}) });
      const done = await pullModel(plan.url, plan.target, o.force ?? false);
      process.stdout.write(`pulled ${plan.url} → ${plan.target} (${done.files} files, ${(done.bytes / 1e6).toFixed(1)} MB)\n`);
    });
};
