// Embedding speed of every preset on this machine's Node WASM backend, batch 1 vs batch 8.
//   node --import tsx bench/embed-speed.ts [--images 16] [--repeats 3] [--models-dir <dir>]
// Images are decoded once up front: the numbers are preprocessing + network + pooling only.
// Each timing is the fastest of --repeats runs: on a shared machine other processes only ever
// add time, so the minimum is the least disturbed estimate. The CPU time of this process is
// reported too: the WASM backend runs on one thread in Node, so CPU ms ≈ wall ms on an idle
// machine, and unlike wall time it does not grow when other jobs compete for the cores.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getBackend } from '@tensorflow/tfjs-core';
import { PRESETS, type RawImage } from '@smartmirror/core';
import { decodeImage, defaultModelsDir, loadNodeEmbedder } from '@smartmirror/node';
import { report, type Row } from './lib/report.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const trainDir = join(dirname(repo), 'shared', 'datasets', 'grocery-store', 'train');
const { values: args } = parseArgs({ options: { images: { type: 'string', default: '16' }, repeats: { type: 'string', default: '3' }, 'models-dir': { type: 'string' } } });
const count = Number(args.images);
const repeats = Math.max(1, Number(args.repeats));
const modelsDir = args['models-dir'] ?? defaultModelsDir();

async function sampleImages(): Promise<RawImage[]> {
  const labels = (await readdir(trainDir)).sort();
  const images: RawImage[] = [];
  for (let i = 0; images.length < count; i++) {
    const label = labels[i % labels.length] ?? '';
    const file = (await readdir(join(trainDir, label))).sort()[Math.floor(i / labels.length)] ?? '';
    images.push(await decodeImage(await readFile(join(trainDir, label, file))));
  }
  return images;
}

const images = await sampleImages();
const decodeStarted = performance.now();
const first = (await readdir(join(trainDir, 'Banana'))).sort()[0] ?? '';
for (let i = 0; i < 8; i++) await decodeImage(await readFile(join(trainDir, 'Banana', first)));
const decodeMs = (performance.now() - decodeStarted) / 8;

const rows: Row[] = [];
for (const preset of PRESETS) {
  const row: Row = { model: preset.name };
  try {
    for (const batch of [1, 8]) {
      const embedder = await loadNodeEmbedder(preset.name, { modelsDir, batchSize: batch });
      row.dim = embedder.info.dim;
      await embedder.embed(images.slice(0, batch)); // warm-up: kernels compile, weights upload
      let best = Infinity;
      let bestCpu = Infinity;
      for (let r = 0; r < repeats; r++) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        await embedder.embed(images);
        best = Math.min(best, (performance.now() - started) / images.length);
        const used = process.cpuUsage(cpu);
        bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000 / images.length);
      }
      row[`cpuMsPerImage@batch${batch}`] = bestCpu;
      row[`msPerImage@batch${batch}`] = best;
      embedder.dispose();
    }
    const b1 = row['cpuMsPerImage@batch1'];
    const b8 = row['cpuMsPerImage@batch8'];
    row['cpu batch8/batch1'] = typeof b1 === 'number' && typeof b8 === 'number' ? b8 / b1 : null;
  } catch (err) {
    row.error = err instanceof Error ? err.message : String(err);
  }
  rows.push(row);
  process.stderr.write(`${preset.name} done\n`);
}
report('embed-speed', rows, { backend: getBackend(), images: images.length, repeats, decodeMsPerImage: decodeMs, note: 'shared 2-core machine: other processes may have been running' });
