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

  it.skipIf(!hasDataset)('recovers from an unplugged camera without a reload, and refuses a wrong kiosk token in teach mode', async () => {
    const dir = join(DATASET_DIR, 'val', 'Kiwi');
    const video = await makeFakeCamera([join(dir, readdirSync(dir).sort()[0] ?? '')], join(ARTIFACTS_DIR, 'kiosk-unplug.y4m'), 2);
    const browser = await launchChromium({ fakeCamera: video });
    browsers.push(browser);
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto(`${server.url}/?token=not-the-kiosk-token`);
    await page.waitForFunction(() => {
      const s = (window as unknown as { __mirror?: { stats(): Stats } }).__mirror?.stats();
      return s?.boot === 'ready' && s.camera === 'live';
    }, undefined, { timeout: WAIT });

    // Unplugging ends the track; Chromium's fake device cannot be unplugged, so fire what it would.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
      const stream = document.querySelector('video')?.srcObject as MediaStream;
      stream.getVideoTracks()[0]?.dispatchEvent(new Event('ended'));
    });
    await page.getByTestId('camera-ended').waitFor({ timeout: WAIT });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'kiosk-error-unplugged.png') });
    await page.waitForFunction(() => (window as unknown as { __mirror: { stats(): Stats } }).__mirror.stats().camera === 'live', undefined, { timeout: WAIT });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // A wrong token: the first save is refused, teach mode locks again and says why; nothing is stored.
    await page.keyboard.press('t');
    const input = page.getByTestId('teach-label');
    await input.fill('Kiwi');
    await input.dispatchEvent('change');
    await page.getByTestId('teach-hold').hover();
    await page.mouse.down();
    await expect.poll(() => page.locator('.teach-message').allInnerTexts(), { timeout: WAIT }).toEqual(['That token was refused.']);
    await page.mouse.up();
    await page.getByTestId('teach-locked').waitFor({ timeout: WAIT });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'kiosk-error-bad-token.png') });
    expect(await page.getByTestId('teach-locked').innerText()).toContain('That token was refused.');
    const labels = (await (await fetch(`${server.url}/api/labels`)).json()) as { labels: unknown[] };
    expect(labels.labels).toEqual([]);
    await browser.close();
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
