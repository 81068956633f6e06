// Calibrates each preset's unknown threshold on photos from another shooting session: teach 5
// photos of 20 random products from train/, then show every val/ photo. The threshold is the best
// match similarity at which 90 % of the correctly recognised taught products still pass; the false
// accepts are the never-taught products that pass it too. The presets' `threshold` comes from here.
//   node --import tsx bench/threshold.ts > bench/results/threshold.json
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClassifier, PRESETS, selectBackend, SMOOTHER_DEFAULTS } from '@smartmirror/core';
import { createEmbeddingCache, defaultModelsDir, embedDataset, listDataset, seededRandom, shuffled } from '@smartmirror/node';
import { report, type Row } from './lib/report.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(dirname(repo), 'shared', 'datasets', 'grocery-store');
const EPISODES = 10;
const KNOWN = 20;
const SHOTS = 5;
const TRAIN_PER_LABEL = 12;
const RECALLS = [0.95, 0.9, 0.8];
/** Softmax temperatures compared for the confidence the kiosk gates on (SMOOTHER_DEFAULTS.enter). */
const TEMPERATURES = [0.05, 0.1];

await selectBackend();
const cache = createEmbeddingCache();
const train = await listDataset(join(root, 'train'));
const val = await listDataset(join(root, 'val'));
const taughtPool = train.labels.flatMap((l) => train.items.filter((i) => i.label === l).slice(0, TRAIN_PER_LABEL));
const rows: Row[] = [];

/** The product's metric (whitened, the default) and plain cosine beside it, on the same episodes. */
const METRICS = [
  { metric: 'whitened', whiten: true },
  { metric: 'cosine', whiten: false },
] as const;

for (const preset of PRESETS) for (const { metric, whiten } of METRICS) {
  const opts = { modelsDir: defaultModelsDir(), cache };
  let trainVectors: Float32Array[];
  let valVectors: Float32Array[];
  try {
    trainVectors = (await embedDataset(preset.name, taughtPool.map((i) => i.path), opts)).vectors;
    valVectors = (await embedDataset(preset.name, val.items.map((i) => i.path), opts)).vectors;
  } catch (err) {
    process.stderr.write(`skip ${preset.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    continue;
  }
  const random = seededRandom(7);
  const correct: number[] = [];
  const unseen: number[] = [];
  let knownShown = 0;
  const episodes: { known: Set<string>; taught: { label: string; row: number }[] }[] = [];
  const teach = (taught: { label: string; row: number }[], opts: { threshold: number; temperature?: number }) => {
    const classifier = createClassifier({ k: 1, whiten, ...opts });
    for (const { label, row } of taught) classifier.add({ id: String(row), label, embedding: trainVectors[row] ?? new Float32Array() });
    return classifier;
  };
  for (let e = 0; e < EPISODES; e++) {
    const known = new Set(shuffled(train.labels, random).slice(0, KNOWN));
    const taught = [...known].flatMap((label) =>
      shuffled(taughtPool.flatMap((it, i) => (it.label === label ? [i] : [])), random)
        .slice(0, SHOTS)
        .map((row) => ({ label, row })),
    );
    episodes.push({ known, taught });
    const classifier = teach(taught, { threshold: -1 });
    val.items.forEach((it, i) => {
      const p = classifier.predict(valVectors[i] ?? new Float32Array());
      if (!known.has(it.label)) unseen.push(p.similarity);
      else {
        knownShown++;
        if (p.label === it.label) correct.push(p.similarity);
      }
    });
  }
  correct.sort((a, b) => a - b);
  for (const recall of RECALLS) {
    const threshold = correct[Math.floor((1 - recall) * correct.length)] ?? 1;
    rows.push({
      preset: preset.name,
      metric,
      recallOfCorrect: recall,
      threshold: Number(threshold.toFixed(4)),
      falseAccepts: unseen.filter((s) => s >= threshold).length / unseen.length,
      closedSetAccuracy: correct.length / knownShown,
      presetThreshold: whiten ? preset.threshold : null,
    });
  }
  // What the kiosk does with it: a product is named when the confidence reaches the smoother's
  // enter level. Shares of the taught products' photos named right / wrong, and of the never-taught
  // products' photos named as something, at the preset's threshold, per temperature.
  if (!whiten) continue;
  for (const temperature of TEMPERATURES) {
    let right = 0;
    let wrong = 0;
    let shown = 0;
    let unseenNamed = 0;
    let unseenShown = 0;
    for (const { known, taught } of episodes) {
      const classifier = teach(taught, { threshold: preset.threshold, temperature });
      val.items.forEach((it, i) => {
        const p = classifier.predict(valVectors[i] ?? new Float32Array());
        const named = p.label !== null && p.confidence >= SMOOTHER_DEFAULTS.enter;
        if (!known.has(it.label)) {
          unseenShown++;
          if (named) unseenNamed++;
        } else {
          shown++;
          if (named && p.label === it.label) right++;
          else if (named) wrong++;
        }
      });
    }
    rows.push({ preset: preset.name, metric: `${metric}, confidence ≥ ${SMOOTHER_DEFAULTS.enter}`, temperature, namedRight: right / shown, namedWrong: wrong / shown, unseenNamed: unseenNamed / unseenShown });
  }
}
report('threshold', rows, { episodes: EPISODES, known: KNOWN, shots: SHOTS, taught: `train, first ${TRAIN_PER_LABEL} per product`, shown: 'val (another session)' });
