import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const run = promisify(execFile);

/** Debian's Chromium: Playwright's own browser download cannot run on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where e2e runs leave screenshots and fake-camera videos (git-ignored). */
export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
// Created on import: specs write pictures into it before any helper here runs (a clean clone has none).
mkdirSync(ARTIFACTS_DIR, { recursive: true });

/** ../shared/datasets/grocery-store beside the repository, when present. */
export const DATASET_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'datasets', 'grocery-store');

/** True when the shared dataset is present; tests that need it skip with a message otherwise. */
export const hasDataset = existsSync(DATASET_DIR);

// Without the background-networking flags Chromium keeps dialling Google on this closed network.
const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/** Starts headless Chromium; with `fakeCamera` (a .y4m/.mjpeg file) it plays that file as the webcam. */
export async function launchChromium(options: { fakeCamera?: string; extraArgs?: string[] } = {}): Promise<Browser> {
  const camera = options.fakeCamera
    ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${options.fakeCamera}`]
    : [];
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_FLAGS, ...camera, ...(options.extraArgs ?? [])],
  });
}

/**
 * Makes a 640×480 fake-camera video from still images: each image is shown for `secondsEach`
 * seconds at 10 fps, in order. Needs Debian's ffmpeg.
 */
export async function makeFakeCamera(images: string[], outFile: string, secondsEach = 3): Promise<string> {
  await mkdir(dirname(outFile), { recursive: true });
  const inputs = images.flatMap((img) => ['-loop', '1', '-t', String(secondsEach), '-i', img]);
  const scale = images
    .map((_, i) => `[${i}:v]scale=640:480:force_original_aspect_ratio=increase,crop=640:480,setsar=1,fps=10,format=yuv420p[v${i}]`)
    .join(';');
  const concat = `${images.map((_, i) => `[v${i}]`).join('')}concat=n=${images.length}:v=1:a=0[out]`;
  await run('ffmpeg', ['-y', '-loglevel', 'error', ...inputs, '-filter_complex', `${scale};${concat}`, '-map', '[out]', outFile]);
  return outFile;
}
