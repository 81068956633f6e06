import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS_DIR, DATASET_DIR, hasDataset, launchChromium, makeFakeCamera } from './lib/browser.ts';
import { startServer, type StartedServer } from './lib/server.ts';

// The mirror's error states in real Chromium: no camera, camera permission denied, and the server
// going away and coming back while the kiosk keeps recognising.

const WAIT = 120_000;

interface Stats {
  boot: string;
  camera: string;
  online: boolean;
  frames: number;
}
const stats = (page: Page): Promise<Stats> => page.evaluate(() => (window as unknown as { __mirror: { stats(): Stats } }).__mirror.stats());

describe('kiosk error states', () => {
  let server: StartedServer;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
  });

  async function open(browser: Browser): Promise<Page> {
    browsers.push(browser);
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto(`${server.url}/`);
    return page;
  }

  it('says so in full screen when there is no camera', async () => {
    // No fake-device flags: headless Chromium has no capture device at all.
    const page = await open(await launchChromium({ extraArgs: ['--use-fake-ui-for-media-stream'] }));
    const message = page.getByTestId('camera-missing');
    await message.waitFor({ timeout: WAIT });
    expect(await message.innerText()).toContain('No camera found');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'kiosk-error-no-camera.png') });
  });

  it('says so in full screen when camera permission is denied', async () => {
    const page = await open(await launchChromium({ extraArgs: ['--use-fake-device-for-media-stream', '--deny-permission-prompts'] }));
    const message = page.getByTestId('camera-denied');
    await message.waitFor({ timeout: WAIT });
    expect(await message.innerText()).toContain('The camera is blocked');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'kiosk-error-denied.png') });
  });

  it.skipIf(!hasDataset)('shows an offline banner and keeps recognising while the server is down, then reconnects', async () => {
    const dir = join(DATASET_DIR, 'val', 'Banana');
    const video = await makeFakeCamera([join(dir, readdirSync(dir).sort()[0] ?? '')], join(ARTIFACTS_DIR, 'kiosk-offline.y4m'), 2);
    const page = await open(await launchChromium({ fakeCamera: video }));
    await page.waitForFunction(() => {
      const s = (window as unknown as { __mirror?: { stats(): Stats } }).__mirror?.stats();
      return s?.boot === 'ready' && s.camera === 'live' && s.online;
    }, undefined, { timeout: WAIT });
    expect(await page.getByTestId('offline').count()).toBe(0);

    // Restart on the same port and data folder, as a container restart would.
    const port = Number(new URL(server.url).port);
    const dataDir = server.dataDir;
    await server.kill('SIGTERM');
    await page.getByTestId('offline').waitFor({ timeout: WAIT });
    const before = (await stats(page)).frames;
    await expect.poll(async () => (await stats(page)).frames, { timeout: WAIT }).toBeGreaterThan(before + 5);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'kiosk-error-offline.png') });

    const restarted = await startServer({ port, dataDir, adminToken: server.adminToken, kioskToken: server.kioskToken });
    const old = server;
    server = {
      ...restarted,
      stop: async () => {
        await restarted.stop();
        await old.stop(); // removes the data folder it made
      },
    };
    // A new build id makes the page reload itself; either way it ends up online with a live camera.
    await page.waitForFunction(() => {
      const s = (window as unknown as { __mirror?: { stats(): Stats } }).__mirror?.stats();
      return s?.boot === 'ready' && s.camera === 'live' && s.online;
    }, undefined, { timeout: WAIT });
    await page.getByTestId('offline').waitFor({ state: 'detached', timeout: WAIT });
  });
});
