import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTIFACTS_DIR, DATASET_DIR, hasDataset, launchChromium, makeFakeCamera } from './lib/browser.ts';

// The other e2e specs rely on this pipeline: a dataset photo → ffmpeg → Chromium's fake webcam.
describe.skipIf(!hasDataset)('fake camera fed by dataset photos', () => {
  let browser: Browser;
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    const dir = join(DATASET_DIR, 'train', 'Banana');
    const photo = join(dir, readdirSync(dir).sort()[0] ?? '');
    const video = await makeFakeCamera([photo], join(ARTIFACTS_DIR, 'camera-smoke.y4m'), 1);
    browser = await launchChromium({ fakeCamera: video });
    // getUserMedia needs a secure context, and http://127.0.0.1 is one; about:blank is not.
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<video autoplay muted playsinline></video>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('plays the photo as a 640×480 webcam with real pixels', async () => {
    const page = await browser.newPage();
    await page.goto(origin);
    const result = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const video = document.querySelector('video')!;
      video.srcObject = stream;
      await video.play();
      // The first decoded frame can still be blank: wait until a few real frames have been shown.
      for (let i = 0; i < 5; i++) await new Promise((r) => video.requestVideoFrameCallback(r));
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(video, 0, 0);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += px[i]! + px[i + 1]! + px[i + 2]!;
      return { width: canvas.width, height: canvas.height, meanIntensity: sum / (px.length / 4) / 3 };
    });
    expect(result.width).toBe(640);
    expect(result.height).toBe(480);
    // A real photo: neither the black frame of a dead camera nor Chromium's default green pattern.
    expect(result.meanIntensity).toBeGreaterThan(20);
    expect(result.meanIntensity).toBeLessThan(240);
  });
});

if (!hasDataset) console.warn(`e2e: ${DATASET_DIR} is absent; dataset-fed camera tests are skipped.`);
