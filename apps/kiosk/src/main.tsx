import { render } from 'preact';
import { createMirror } from './mirror.ts';
import { setLanguage } from './strings.ts';
import { App } from './ui/App.tsx';
import './styles.css';

setLanguage(navigator.language);
const mirror = createMirror();

/** Read-only debug hook for e2e tests and benchmarks. */
interface MirrorHook {
  /** A copy of the live stats (fps, embed ms, numTensors…) and the current phase. */
  stats(): ReturnType<typeof statsOf>;
  /** Benchmark mode: recognise frames back to back. */
  benchmark(on: boolean): void;
  /** Embeds the image at `url` (full frame, EXIF-rotated) with the mirror's embedder; for parity tests. */
  embedUrl(url: string): Promise<number[]>;
}

async function embedUrl(url: string): Promise<number[]> {
  const blob = await (await fetch(url)).blob();
  // 'from-image' honours EXIF orientation, as the server's sharp decode does.
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return [...(await mirror.embedImage({ data: px.data, width: px.width, height: px.height, channels: 4 }))];
}

function statsOf() {
  const v = mirror.view;
  return { ...v.stats, phase: v.phase.kind, camera: v.camera.kind, online: v.online, boot: v.boot.kind };
}

(window as unknown as { __mirror: MirrorHook }).__mirror = {
  stats: statsOf,
  benchmark: (on) => mirror.setBenchmark(on),
  embedUrl,
};

render(<App mirror={mirror} />, document.getElementById('app') ?? document.body);
mirror.start();
