// HTTP recognition throughput: the real server binary (default model, mobilenet-v2) on a temp data
// folder seeded with `--examples` stored examples, driven over loopback for `--seconds` per case:
//   image: POST /api/classify multipart with a small real JPEG (the server decodes + embeds + searches)
//   json:  POST /api/classify {embedding} (search + HTTP only), to separate model time from search time
// at each concurrency in `--concurrency`. Prints requests/s, p50/p99 latency and the image/json ratio.
//
//   nice -n 10 node --import tsx bench/http.ts [--examples 10000] [--seconds 10] [--concurrency 1,4]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { ClassifyResponse, KioskConfigResponse } from '@smartmirror/api';
import { seededRandom } from '@smartmirror/core';
import { openStore } from '@smartmirror/server';
import { DATASET_DIR, hasDataset } from '../e2e/lib/browser.ts';
import { startServer } from '../e2e/lib/server.ts';
import { report, type Row } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '10000' },
    labels: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '1,4' },
  },
});
const EXAMPLES = Number(values.examples);
const LABELS = Number(values.labels);
const SECONDS = Number(values.seconds);
const CONCURRENCY = values.concurrency.split(',').map(Number);


const unit = (v: Float32Array): Float32Array => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** A small real JPEG: a dataset photo (or a drawn gradient without the dataset) at 320 px. */
async function smallJpeg(): Promise<{ bytes: Buffer; source: string }> {
  if (hasDataset) {
    const dir = join(DATASET_DIR, 'val', 'Banana');
    const file = join(dir, readdirSync(dir).sort()[0] ?? '');
    return { bytes: await sharp(readFileSync(file)).resize(320).jpeg({ quality: 85 }).toBuffer(), source: file };
  }
  const raw = Buffer.alloc(320 * 240 * 3).map((_, i) => (i * 7) % 255);
  return { bytes: await sharp(raw, { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toBuffer(), source: 'generated gradient' };
}

function multipart(bytes: Buffer): { body: Uint8Array<ArrayBuffer>; type: string } {
  const b = 'benchboundary7d1';
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="image"; filename="q.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return { body: new Uint8Array(body), type: `multipart/form-data; boundary=${b}` };
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Sends requests from `concurrency` loops for `seconds`; returns the latencies (ms) of 200 answers. */
async function drive(send: () => Promise<Response>, concurrency: number, seconds: number): Promise<{ latencies: number[]; errors: number; wallS: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const r = await send();
        await r.arrayBuffer();
        if (r.status === 200) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return { latencies, errors, wallS: (performance.now() - start) / 1000 };
}

const loadBefore = loadavg()[0];
const dataDir = mkdtempSync(join(tmpdir(), 'smartmirror-bench-http-'));
try {
  // Learn the model id and dimension from a first start, then seed the store while it is stopped.
  let server = await startServer({ dataDir });
  const cfg = (await (await fetch(`${server.url}/api/kiosk/config`)).json()) as KioskConfigResponse;
  await server.stop();
  const { id: modelId, dim } = cfg.model;
  const repos = openStore({ dataDir });
  const random = seededRandom(42);
  // Examples cluster around one centre per label, like photos of one product.
  const centres = Array.from({ length: LABELS }, () => unit(new Float32Array(dim).map(() => random() - 0.5)));
  const rows = Array.from({ length: EXAMPLES }, (_, i) => {
    const c = centres[i % LABELS] ?? new Float32Array(dim);
    return {
      id: `bench-${i}`,
      label: `product-${i % LABELS}`,
      modelId,
      embedding: unit(c.map((x) => x + (random() - 0.5) * 0.08)),
      thumbnail: null,
      source: 'import' as const,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    };
  });
  await repos.examples.add(rows);
  await repos.close();

  server = await startServer({ dataDir });
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as { examples: number };
  if (health.examples !== EXAMPLES) throw new Error(`server loaded ${health.examples} examples, expected ${EXAMPLES}`);
  const jpeg = await smallJpeg();
  const meta = await sharp(jpeg.bytes).metadata();
  const { body, type } = multipart(jpeg.bytes);
  const query = Buffer.from(unit((centres[7] ?? new Float32Array(dim)).map((x) => x + (random() - 0.5) * 0.08)).buffer).toString('base64');
  const jsonBody = JSON.stringify({ embedding: query, modelId });

  const cases = {
    image: () => fetch(`${server.url}/api/classify`, { method: 'POST', body, headers: { 'content-type': type } }),
    json: () => fetch(`${server.url}/api/classify`, { method: 'POST', body: jsonBody, headers: { 'content-type': 'application/json' } }),
  };
  // Sanity: both answer, and the JSON query lands on its cluster.
  const check = (await (await cases.json()).json()) as ClassifyResponse;
  if (check.label !== 'product-7') throw new Error(`json query answered ${check.label}`);
  await (await cases.image()).arrayBuffer();

  const rowsOut: Row[] = [];
  const rps: Record<string, number> = {};
  for (const concurrency of CONCURRENCY) {
    for (const [name, send] of Object.entries(cases)) {
      await drive(send, concurrency, Math.min(1, SECONDS)); // warm-up
      const { latencies, errors, wallS } = await drive(send, concurrency, SECONDS);
      latencies.sort((a, b) => a - b);
      const r = latencies.length / wallS;
      rps[`${name}@${concurrency}`] = r;
      rowsOut.push({
        case: name,
        concurrency,
        requests: latencies.length,
        errors,
        rps: r,
        p50_ms: quantile(latencies, 0.5),
        p99_ms: quantile(latencies, 0.99),
        mean_ms: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
      });
    }
  }
  await server.stop();
  const ratios = Object.fromEntries(CONCURRENCY.map((c) => [`json_over_image@${c}`, (rps[`json@${c}`] ?? NaN) / (rps[`image@${c}`] ?? NaN)]));
  report('http', rowsOut, {
    examples: EXAMPLES,
    labels: LABELS,
    seconds: SECONDS,
    modelId,
    dim,
    image: { source: jpeg.source, width: meta.width, height: meta.height, bytes: jpeg.bytes.length },
    ratios,
    // Other work on the machine skews every number: the 1-minute load average before and after.
    cpus: cpus().length,
    loadavg1: [loadBefore, loadavg()[0]],
    note: 'server = real binary (child process), client = fetch over loopback in this process; image = decode + embed + k-NN + HTTP, json = k-NN + HTTP',
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
