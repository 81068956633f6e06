import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { KioskConfigResponse } from '@smartmirror/api';
import type { Embedder } from '@smartmirror/core';
import { decodeImage, loadNodeEmbedder } from '@smartmirror/node';
import { DATASET_DIR, hasDataset, launchChromium } from './lib/browser.ts';
import { MODELS_DIR, startServer, type StartedServer } from './lib/server.ts';

// The kiosk embeds in the browser (TF.js WASM, canvas-decoded JPEG), the server and the CLI in Node
// (TF.js WASM, sharp-decoded JPEG). Examples taught on one side are matched on the other, so the
// two embeddings of one image must agree.

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
};

describe.skipIf(!hasDataset)('browser and Node embeddings of the same image agree', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  let node: Embedder;
  let config: KioskConfigResponse;
  const images = ['Banana', 'Oatly-Oat-Milk', 'Red-Bell-Pepper'].map((product) => {
    const dir = join(DATASET_DIR, 'val', product);
    return join(dir, readdirSync(dir).sort()[0] ?? '');
  });

  beforeAll(async () => {
    server = await startServer();
    config = (await (await fetch(`${server.url}/api/kiosk/config`)).json()) as KioskConfigResponse;
    node = await loadNodeEmbedder(config.model.id.split('@')[0] ?? '', { modelsDir: MODELS_DIR });
    // No camera needed: the page boots its embedder all the same.
    browser = await launchChromium();
    page = await browser.newPage();
    await page.route('**/parity/*', async (route) => {
      const i = Number(new URL(route.request().url()).pathname.split('/').pop());
      await route.fulfill({ body: readFileSync(images[i] ?? ''), contentType: 'image/jpeg' });
    });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { __mirror?: { stats(): { boot: string } } }).__mirror?.stats().boot === 'ready', undefined, {
      timeout: 120_000,
    });
  });

  afterAll(async () => {
    node?.dispose();
    await browser?.close();
    await server?.stop();
  });

  it('uses the same model on both sides', async () => {
    expect(node.info.id).toBe(config.model.id);
    const backend = await page.evaluate(() => (window as unknown as { __mirror: { stats(): { backend: string } } }).__mirror.stats().backend);
    expect(['wasm', 'webgl', 'cpu']).toContain(backend);
  });

  it('gives cosine ≥ 0.99 for each dataset JPEG, and tells different products apart', async () => {
    const inBrowser: number[][] = [];
    for (let i = 0; i < images.length; i++) {
      inBrowser.push(
        await page.evaluate((url) => (window as unknown as { __mirror: { embedUrl(u: string): Promise<number[]> } }).__mirror.embedUrl(url), `${server.url}/parity/${i}`),
      );
    }
    const inNode = await node.embed(await Promise.all(images.map((f) => decodeImage(readFileSync(f)))));
    for (let i = 0; i < images.length; i++) {
      expect(inBrowser[i]).toHaveLength(config.model.dim);
      const same = cosine(inBrowser[i] ?? [], inNode[i] ?? []);
      console.info(`parity ${images[i]?.split('/').slice(-2).join('/')}: cosine ${same.toFixed(5)}`);
      expect(same).toBeGreaterThanOrEqual(0.99);
    }
    // The 0.99 bar is discriminating: another product's embedding falls under it.
    expect(cosine(inBrowser[0] ?? [], inNode[1] ?? [])).toBeLessThan(0.99);
  });
});

if (!hasDataset) console.warn(`e2e: ${DATASET_DIR} is absent; the embedding parity test is skipped.`);
