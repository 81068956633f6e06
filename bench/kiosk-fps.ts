// Recognition speed and tensor hygiene of the kiosk page in headless Debian Chromium, against the
// real server holding `--examples` stored examples (synced to the page over the API + SSE).
// Side by side in one run: the kiosk's normal paced loop (≤ 10 fps, rests half its embed time)
// and benchmark mode (frames back to back via window.__mirror.benchmark), plus tf numTensors after
// `--warmup` frames and after `--frames` frames, which must be equal (no tensor leak).
//
//   nice -n 10 node --import tsx bench/kiosk-fps.ts [--examples 1000] [--frames 5000] [--warmup 100] [--paced-s 30]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { KioskConfigResponse } from '@smartmirror/api';
import { report, type Row } from './lib/report.ts';
import { ARTIFACTS_DIR, DATASET_DIR, hasDataset, launchChromium, makeFakeCamera } from '../e2e/lib/browser.ts';
import { startServer } from '../e2e/lib/server.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '1000' },
    frames: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '100' },
    'paced-s': { type: 'string', default: '30' },
    labels: { type: 'string', default: '50' },
  },
});
const EXAMPLES = Number(values.examples);
const FRAMES = Number(values.frames);
const WARMUP = Number(values.warmup);
const PACED_MS = Number(values['paced-s']) * 1000;
const LABELS = Number(values.labels);

interface Stats {
  boot: string;
  camera: string;
  online: boolean;
  frames: number;
  fps: number;
  embedMs: number;
  numTensors: number;
  examples: number;
  backend: string;
  modelId: string;
}
const stats = (page: Page): Promise<Stats> => page.evaluate(() => (window as unknown as { __mirror: { stats(): Stats } }).__mirror.stats());

/** A deterministic pseudo-random unit vector (xorshift), base64 little-endian float32. */
function randomUnitVector(dim: number, seed: number): string {
  let s = seed * 2654435761 + 1;
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    v[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
    norm += (v[i] ?? 0) ** 2;
  }
  for (let i = 0; i < dim; i++) v[i] = (v[i] ?? 0) / Math.sqrt(norm);
  return Buffer.from(v.buffer).toString('base64');
}

async function framesUntil(page: Page, target: number): Promise<{ at: number; s: Stats }> {
  for (;;) {
    const s = await stats(page);
    if (s.frames >= target) return { at: performance.now(), s };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  if (!hasDataset) {
    process.stderr.write(`kiosk-fps: ${DATASET_DIR} is absent; nothing to show the camera.\n`);
    process.exit(2);
  }
  const server = await startServer();
  const browser = await launchChromium({
    fakeCamera: await makeFakeCamera(
      readdirSync(join(DATASET_DIR, 'val', 'Banana'))
        .sort()
        .slice(0, 3)
        .map((f) => join(DATASET_DIR, 'val', 'Banana', f)),
      join(ARTIFACTS_DIR, 'kiosk-fps.y4m'),
      2,
    ),
  });
  try {
    const config = (await (await fetch(`${server.url}/api/kiosk/config`)).json()) as KioskConfigResponse;
    // Stored through the same API a kiosk teaches with, 64 per request.
    for (let i = 0; i < EXAMPLES; i += 64) {
      const examples = Array.from({ length: Math.min(64, EXAMPLES - i) }, (_, j) => ({ embedding: randomUnitVector(config.model.dim, i + j + 1), modelId: config.model.id }));
      const label = `product-${(i / 64) % LABELS}`;
      const res = await fetch(`${server.url}/api/labels/${label}/examples`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.kioskToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ examples }),
      });
      if (!res.ok) throw new Error(`storing examples: ${res.status} ${await res.text()}`);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(
      (n) => {
        const s = (window as unknown as { __mirror?: { stats(): Stats } }).__mirror?.stats();
        return s?.boot === 'ready' && s.camera === 'live' && s.online && s.examples === n && s.frames > 5;
      },
      EXAMPLES,
      { timeout: 180_000 },
    );

    // 1. The normal paced loop, as on a mirror.
    const p0 = await framesUntil(page, 0);
    await new Promise((r) => setTimeout(r, PACED_MS));
    const p1 = await framesUntil(page, 0);
    const pacedFps = ((p1.s.frames - p0.s.frames) * 1000) / (p1.at - p0.at);

    // 2. Benchmark mode: frames back to back; tensors after the warm-up and at the end.
    await page.evaluate(() => (window as unknown as { __mirror: { benchmark(on: boolean): void } }).__mirror.benchmark(true));
    const start = p1.s.frames;
    const w = await framesUntil(page, start + WARMUP);
    let last = w;
    while (last.s.frames < start + FRAMES) {
      last = await framesUntil(page, Math.min(start + FRAMES, last.s.frames + 500));
      process.stderr.write(`kiosk-fps: ${last.s.frames - start}/${FRAMES} frames, numTensors ${last.s.numTensors}\n`);
    }
    const flatFps = ((last.s.frames - w.s.frames) * 1000) / (last.at - w.at);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'kiosk-fps.png') });

    const rows: Row[] = [
      { mode: 'paced (normal loop)', frames: p1.s.frames - p0.s.frames, fps: pacedFps, embedMs: p1.s.embedMs, numTensors: p1.s.numTensors, ratio: 1 },
      { mode: 'benchmark (back to back)', frames: last.s.frames - w.s.frames, fps: flatFps, embedMs: last.s.embedMs, numTensors: last.s.numTensors, ratio: flatFps / pacedFps },
    ];
    report('kiosk-fps', rows, {
      params: { examples: EXAMPLES, frames: FRAMES, warmup: WARMUP, pacedS: PACED_MS / 1000, labels: LABELS },
      model: last.s.modelId,
      backend: last.s.backend,
      examplesInPage: last.s.examples,
      numTensorsAfterWarmup: w.s.numTensors,
      numTensorsAtEnd: last.s.numTensors,
      tensorsFlat: w.s.numTensors === last.s.numTensors,
    });
    if (w.s.numTensors !== last.s.numTensors) process.exitCode = 1;
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
