// Soak: does a mirror stay flat over many recognitions? The real server binary on a temp data
// folder seeded with the demo catalog gets `--api` recognitions as JSON embeddings (POST
// /api/classify {embedding}) and `--images` as uploaded pictures (the server embeds them). Then the
// kiosk page in Chromium (fake camera showing the drawn demo products) recognises `--kiosk` frames
// back to back through its debug hook (window.__mirror.benchmark), sampling tf.memory().numTensors.
//
// What is sampled is what a process KEEPS, not where its garbage collector happens to be: before
// each sample the server gets a full GC through its inspector (it runs with --inspect on a loopback
// port; HeapProfiler.collectGarbage, then Runtime.getHeapUsage) and the load pauses while its RSS
// is read from /proc; the kiosk page gets the same through Chromium's DevTools protocol. Samples
// taken mid-load with whatever garbage was pending made the page's heap swing 10–37 MiB.
// "Flat" = the median of the last fifth of the samples at most 5 % above the median just after
// warm-up (the first tenth is warm-up), and the same tensor count at the end as at the start.
//
//   nice -n 10 node --import tsx bench/soak.ts [--api 50000] [--images 300] [--kiosk 5000] [--concurrency 4]
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { ClassifyResponse } from '@smartmirror/api';
import { DEFAULT_PRESET } from '@smartmirror/core';
import { embedFiles, loadNodeEmbedder } from '@smartmirror/node';
import { ARTIFACTS_DIR, launchChromium, makeFakeCamera } from '../e2e/lib/browser.ts';
import { report, type Row } from './lib/report.ts';
import { freePort } from '../e2e/lib/server.ts';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: '50000' },
    images: { type: 'string', default: '300' },
    kiosk: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '4' },
    'kiosk-max-s': { type: 'string', default: '1500' },
  },
});
const API = Number(values.api);
const IMAGES = Number(values.images);
const KIOSK = Number(values.kiosk);
const CONCURRENCY = Number(values.concurrency);
const KIOSK_MAX_MS = Number(values['kiosk-max-s']) * 1000;
const WARMUP = 0.1;
const FLAT_PCT = 5;
const MiB = 1024 * 1024;

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps/cli/bin/smartmirror.js');

interface Sample {
  at: number;
  value: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2;
}

/** Growth of the last fifth of the samples over those just after warm-up, in %. */
function growthPct(samples: Sample[], total: number): number {
  const after = samples.filter((s) => s.at >= total * WARMUP);
  const early = after.filter((s) => s.at < total * 0.3).map((s) => s.value);
  const late = after.filter((s) => s.at >= total * 0.8).map((s) => s.value);
  const base = median(early);
  return base === 0 ? (median(late) === 0 ? 0 : Infinity) : ((median(late) - base) / base) * 100;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function normalised(v: Float32Array): number[] {
  const n = Math.hypot(...v);
  return Array.from(v, (x) => x / n);
}

/** Deterministic queries: the drawn products with a little noise, and every fifth one random (unknown). */
function makeQuery(refs: Float32Array[], i: number, dim: number): number[] {
  let a = (i * 2654435761) >>> 0;
  const rnd = (): number => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296 - 0.5;
  };
  const ref = refs[i % refs.length];
  const v = new Float32Array(dim);
  for (let j = 0; j < dim; j++) v[j] = i % 5 === 4 || !ref ? rnd() : (ref[j] ?? 0) + rnd() * 0.02;
  return normalised(v);
}

// Runs in a child process (Node 20 has WebSocket only behind this flag): connects to the server's
// inspector, collects garbage, prints the V8 heap use as JSON.
const GC_CLIENT = `
const ws = new WebSocket(process.argv[1]);
let id = 0;
const pending = new Map();
const call = (method) => new Promise((resolve, reject) => { pending.set(++id, { resolve, reject }); ws.send(JSON.stringify({ id, method })); });
ws.onmessage = (e) => { const m = JSON.parse(e.data); const p = pending.get(m.id); if (!p) return; pending.delete(m.id); if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result); };
ws.onerror = () => { console.error('inspector unreachable'); process.exit(1); };
ws.onopen = async () => { await call('HeapProfiler.collectGarbage'); process.stdout.write(JSON.stringify(await call('Runtime.getHeapUsage'))); ws.close(); };
`;

/** A full GC in the server (through its inspector at `inspectorUrl`), a pause, then its RSS and V8 heap. */
async function settledSample(pid: number, inspectorUrl: string): Promise<{ rss: number; heap: number }> {
  const { stdout } = await run(process.execPath, ['--experimental-websocket', '-e', GC_CLIENT, inspectorUrl], { timeout: 30_000 });
  const { usedSize } = JSON.parse(stdout) as { usedSize: number };
  // Let the allocator hand freed pages back before /proc is read.
  await new Promise((r) => setTimeout(r, 100));
  return { rss: rssOf(pid), heap: usedSize };
}

/**
 * `n` requests through `send`, `CONCURRENCY` at a time, in 100 rounds; after each round the load
 * stops and the server is sampled settled (see settledSample).
 */
async function soakApi(pid: number, inspectorUrl: string, n: number, send: (i: number) => Promise<ClassifyResponse>): Promise<{ row: Row; rss: Sample[]; heap: Sample[] }> {
  const first = await settledSample(pid, inspectorUrl);
  const rss: Sample[] = [{ at: 0, value: first.rss }];
  const heap: Sample[] = [{ at: 0, value: first.heap }];
  const every = Math.max(1, Math.ceil(n / 100));
  let known = 0;
  let errors = 0;
  let busy = 0;
  for (let from = 0; from < n; from += every) {
    const to = Math.min(n, from + every);
    let next = from;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < to; i = next++) {
          try {
            const r = await send(i);
            if (r.label !== null) known++;
          } catch {
            errors++;
          }
        }
      }),
    );
    busy += performance.now() - t0;
    const s = await settledSample(pid, inspectorUrl);
    rss.push({ at: to, value: s.rss });
    heap.push({ at: to, value: s.heap });
  }
  const seconds = busy / 1000;
  const g = growthPct(rss, n);
  const hg = growthPct(heap, n);
  return {
    rss,
    heap,
    row: {
      requests: n,
      errors,
      recognisedPct: (known / n) * 100,
      // Time under load only: the pauses for sampling are left out.
      perSecond: n / seconds,
      seconds,
      rssStartMiB: (rss[0]?.value ?? 0) / MiB,
      rssEndMiB: (rss.at(-1)?.value ?? 0) / MiB,
      rssGrowthPct: g,
      jsHeapStartMiB: (heap[0]?.value ?? 0) / MiB,
      jsHeapEndMiB: (heap.at(-1)?.value ?? 0) / MiB,
      jsHeapGrowthPct: hg,
      // Shrinking is not a leak: only growth counts against flatness.
      flat: g <= FLAT_PCT && hg <= FLAT_PCT,
    },
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'soak-'));
  const data = join(work, 'data');
  const pictures = join(work, 'pictures');
  let server: ChildProcess | undefined;
  try {
    await run(process.execPath, [cli, 'demo', 'images', pictures]);
    await run(process.execPath, [cli, 'demo', 'seed', '--data', data], { maxBuffer: 16 * MiB });
    const files = readdirSync(pictures).filter((f) => f.endsWith('.png')).sort().map((f) => join(pictures, f));

    // Reference embeddings of the drawn products, with the server's default model (the server runs its default).
    const embedder = await loadNodeEmbedder(DEFAULT_PRESET);
    const refs = (await embedFiles(embedder, files)).embeddings;
    const dim = embedder.info.dim;
    embedder.dispose();

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // --inspect on a free loopback port: the soak forces full GCs through it before sampling.
    server = spawn(process.execPath, ['--inspect=127.0.0.1:0', cli, 'serve'], {
      env: { ...process.env, SMARTMIRROR_DATA: data, SMARTMIRROR_PORT: String(port), SMARTMIRROR_HOST: '127.0.0.1', SMARTMIRROR_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let serverErr = '';
    server.stderr?.on('data', (b: Buffer) => {
      serverErr += b.toString();
      // The inspector's own notices (one pair per sample) are not the server's.
      const lines = b.toString().split('\n').filter((l) => l && !/^(Debugger (attached|ending|listening)|For help, see)/.test(l));
      if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
    });
    const pid = server.pid ?? 0;
    for (let i = 0; !(await fetch(`${origin}/api/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 600 || server.exitCode !== null) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(serverErr)?.[1];
    if (!inspectorUrl) throw new Error(`the server printed no inspector address:\n${serverErr}`);

    const rows: Row[] = [];
    const series: Record<string, Sample[]> = {};
    if (API > 0) {
      process.stderr.write(`soak: ${API} JSON recognitions…\n`);
      const api = await soakApi(pid, inspectorUrl, API, async (i) => {
        const res = await fetch(`${origin}/api/classify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ embedding: makeQuery(refs, i, dim) }),
        });
        if (!res.ok) throw new Error(String(res.status));
        return (await res.json()) as ClassifyResponse;
      });
      rows.push({ phase: 'api json embedding', ...api.row });
      series.apiRss = api.rss;
      series.apiHeap = api.heap;
    }

    if (IMAGES > 0) {
      process.stderr.write(`soak: ${IMAGES} image recognitions (server embeds)…\n`);
      const blobs = files.map((f) => new Blob([readFileSync(f)], { type: 'image/png' }));
      const img = await soakApi(pid, inspectorUrl, IMAGES, async (i) => {
        const form = new FormData();
        form.append('image', blobs[i % blobs.length] ?? new Blob(), 'picture.png');
        const res = await fetch(`${origin}/api/classify`, { method: 'POST', body: form });
        if (!res.ok) throw new Error(String(res.status));
        return (await res.json()) as ClassifyResponse;
      });
      rows.push({ phase: 'api image upload', ...img.row });
      series.imageRss = img.rss;
      series.imageHeap = img.heap;
    }

    if (KIOSK > 0) {
      process.stderr.write(`soak: ${KIOSK} kiosk frames in Chromium…\n`);
      const video = await makeFakeCamera(files.slice(0, 4), join(ARTIFACTS_DIR, 'soak-camera.y4m'), 2);
      const browser = await launchChromium({ fakeCamera: video });
      try {
        const page = await browser.newPage({ viewport: { width: 720, height: 1280 } });
        await page.goto(`${origin}/`);
        const cdp = await page.context().newCDPSession(page);
        type Stats = { frames: number; numTensors: number; embedMs: number; fps: number; backend: string; heap: number };
        const stats = async (): Promise<Stats> => {
          // A full collection first, through the DevTools protocol (window.gc and
          // performance.memory are coarse and depend on flags): what is measured is what the page
          // keeps, not GC timing.
          await cdp.send('HeapProfiler.collectGarbage');
          const { usedSize } = await cdp.send('Runtime.getHeapUsage');
          const s = await page.evaluate(() => {
            const m = (window as unknown as { __mirror: { stats(): { frames: number; numTensors: number; embedMs: number; fps: number; backend: string } } }).__mirror.stats();
            return { frames: m.frames, numTensors: m.numTensors, embedMs: m.embedMs, fps: m.fps, backend: m.backend };
          });
          return { ...s, heap: usedSize };
        };
        await page.waitForFunction(() => ((window as unknown as { __mirror?: { stats(): { frames: number } } }).__mirror?.stats().frames ?? 0) > 3, undefined, {
          timeout: 300_000,
          polling: 500,
        });
        await page.evaluate(() => (window as unknown as { __mirror: { benchmark(on: boolean): void } }).__mirror.benchmark(true));
        const start = await stats();
        const tensors: Sample[] = [];
        const heap: Sample[] = [];
        const t0 = performance.now();
        let s = start;
        while (s.frames - start.frames < KIOSK && performance.now() - t0 < KIOSK_MAX_MS) {
          await new Promise((r) => setTimeout(r, 2000));
          s = await stats();
          tensors.push({ at: s.frames - start.frames, value: s.numTensors });
          heap.push({ at: s.frames - start.frames, value: s.heap });
        }
        const frames = s.frames - start.frames;
        const seconds = (performance.now() - t0) / 1000;
        const heapGrowth = growthPct(heap, frames);
        rows.push({
          phase: `kiosk page (${s.backend})`,
          requests: frames,
          errors: 0,
          recognisedPct: null,
          perSecond: frames / seconds,
          seconds,
          rssStartMiB: null,
          rssEndMiB: null,
          rssGrowthPct: null,
          flat: heapGrowth <= FLAT_PCT && (tensors.at(-1)?.value ?? 0) === (tensors[0]?.value ?? -1),
          jsHeapStartMiB: (heap[0]?.value ?? 0) / MiB,
          jsHeapEndMiB: (heap.at(-1)?.value ?? 0) / MiB,
          jsHeapGrowthPct: heapGrowth,
          tensorsStart: tensors[0]?.value ?? null,
          tensorsEnd: tensors.at(-1)?.value ?? null,
          tensorsMax: Math.max(...tensors.map((t) => t.value)),
          embedMs: s.embedMs,
        });
        series.kioskTensors = tensors;
        series.kioskHeap = heap;
      } finally {
        await browser.close();
      }
    }
    // Which code ran: the commit, and whether the working tree differed from it.
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
    const dirty = (await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root })).stdout.trim() !== '';
    report('soak', rows, {
      commit: head,
      dirty,
      params: { api: API, images: IMAGES, kiosk: KIOSK, concurrency: CONCURRENCY, warmup: WARMUP, flatPct: FLAT_PCT },
      series: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v.map((s) => [s.at, s.value])])),
    });
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
