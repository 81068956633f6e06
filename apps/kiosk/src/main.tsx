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
}

function statsOf() {
  const v = mirror.view;
  return { ...v.stats, phase: v.phase.kind, camera: v.camera.kind, online: v.online, boot: v.boot.kind };
}

(window as unknown as { __mirror: MirrorHook }).__mirror = { stats: statsOf, benchmark: (on) => mirror.setBenchmark(on) };

render(<App mirror={mirror} />, document.getElementById('app') ?? document.body);
mirror.start();
