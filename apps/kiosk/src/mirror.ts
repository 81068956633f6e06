// The mirror's controller: boots the model, keeps the examples in sync, runs the camera and the
// recognition loop, drives the demo phases and teach mode. Browser-only; the UI renders its `view`.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { AppError, isAppError, type KioskConfigResponse, type KioskEvent, type Product } from '@smartmirror/api';
import {
  createClassifier,
  createSmoother,
  loadEmbedder,
  selectBackend,
  type BackendName,
  type Classifier,
  type Embedder,
  type Prediction,
  type RawImage,
  type Smoother,
} from '@smartmirror/core';
import { createApi, encodeEmbedding, type KioskApi } from './api.ts';
import { createBackoff } from './backoff.ts';
import { createCamera, type Camera, type CameraState } from './camera.ts';
import { createFrameGrabber, type FrameGrabber } from './frames.ts';
import { DEFAULT_PACING, ema, pauseAfter, startLoop, type PacingOptions } from './loop.ts';
import { DEFAULT_PHASE_OPTIONS, initialPhaseState, nextPhase, type PhaseOptions, type PhaseState } from './phases.ts';
import { isEmptyScene, type Structure } from './scene.ts';
import { t } from './strings.ts';
import { startSync, type Sync } from './sync.ts';

/** Where teach mode keeps the kiosk token. */
export const TOKEN_STORAGE_KEY = 'smartmirror.kioskToken';
/** Frames recorded per second while the teach button is held (Teachable Machine style). */
export const TEACH_RATE = 4;
const MAX_THUMBS = 12;
const MAX_EVENTS = 100;

/** Live numbers for the debug overlay and the benchmark hook. */
export interface MirrorStats {
  /** Recognition frames per second (moving average). */
  fps: number;
  /** Embed + classify time per frame, ms (moving average). */
  embedMs: number;
  /** Frames recognised since start. */
  frames: number;
  backend: string;
  modelId: string;
  examples: number;
  pending: number;
  /** tf.memory().numTensors: must stay flat over weeks. */
  numTensors: number;
  /** Best labels of the last frame. */
  top: { label: string; confidence: number }[];
  /** Cosine similarity of the best match of the last frame. */
  similarity: number;
  structure: Structure;
  /** The last frame was judged an empty scene. */
  empty: boolean;
}

/** One recorded (or fetched) teaching example as teach mode shows it. */
export interface TeachThumb {
  key: string;
  /** Server id once saved; null while the save is in flight. */
  id: string | null;
  label: string;
  url: string;
}

/** Teach mode as the UI shows it. */
export interface TeachView {
  open: boolean;
  unlocked: boolean;
  label: string;
  recording: boolean;
  /** Frames recorded while the button was held this time. */
  recorded: number;
  thumbs: TeachThumb[];
  labels: { label: string; count: number }[];
  knownLabels: string[];
  message: string | null;
}

/** Everything the screen renders. */
export interface MirrorView {
  boot: { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready' };
  camera: CameraState;
  phase: PhaseState['phase'];
  /** Idle for longer than the idle timeout: show the attract screen rather than the plain mirror. */
  attract: boolean;
  online: boolean;
  recommendations: { label: string; products: Product[] | null; failed: boolean } | null;
  stats: MirrorStats;
  teach: TeachView;
  debug: boolean;
  /** Last prediction's label (for the teach panel's "now recognised"). */
  live: { label: string | null; confidence: number; empty: boolean };
}

/** The controller. */
export interface Mirror {
  readonly view: MirrorView;
  readonly video: HTMLVideoElement;
  subscribe(listener: () => void): () => void;
  start(): void;
  toggleDebug(): void;
  /** Benchmark mode: frames back to back, no pacing. */
  setBenchmark(on: boolean): void;
  chooseCamera(deviceId: string): void;
  /** The cameras present now (labels appear once permission was granted). */
  listCameras(): Promise<{ deviceId: string; label: string }[]>;
  openTeach(open: boolean): void;
  unlock(token: string): void;
  lock(): void;
  /** Picks the label to record; `fetchThumbs` (default true) also loads its latest thumbnails. */
  setTeachLabel(label: string, fetchThumbs?: boolean): void;
  setRecording(on: boolean): void;
  deleteExample(thumb: TeachThumb): void;
  /** Embeds one image with the mirror's own embedder (debug hook: browser/Node parity). */
  embedImage(image: RawImage): Promise<Float32Array>;
}

/** Options of createMirror (IO injectable for tests). */
export interface MirrorOptions {
  api?: KioskApi;
  storage?: Storage;
  now?: () => number;
  reload?: () => void;
}

/** A classifier whose options can change live without losing its examples. */
function swappable(initial: Classifier): Classifier & { swap(next: Classifier): void } {
  let inner = initial;
  return {
    get size() {
      return inner.size;
    },
    get dim() {
      return inner.dim;
    },
    add: (e) => inner.add(e),
    remove: (id) => inner.remove(id),
    clearLabel: (l) => inner.clearLabel(l),
    labels: () => inner.labels(),
    predict: (e) => inner.predict(e),
    snapshot: () => inner.snapshot(),
    restore: (s) => inner.restore(s),
    swap(next) {
      if (inner.size > 0) next.restore(inner.snapshot());
      inner = next;
    },
  };
}

/** Prefers WebGL only on a real GPU: a software renderer (SwiftShader, llvmpipe) is slower than WASM. */
export function preferredBackends(search: string): BackendName[] {
  const forced = new URLSearchParams(search).get('backend');
  if (forced === 'webgl' || forced === 'wasm' || forced === 'cpu') return [forced, 'wasm', 'cpu'];
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return ['wasm', 'cpu'];
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(renderer) || renderer === '' ? ['wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
  } catch {
    return ['wasm', 'cpu'];
  }
}

const reason = (err: unknown): string => (isAppError(err) || err instanceof Error ? err.message : String(err));

/** Creates the mirror controller; call start() once the UI is mounted. */
export function createMirror(opts: MirrorOptions = {}): Mirror {
  const api = opts.api ?? createApi();
  const storage = opts.storage ?? localStorage;
  const now = opts.now ?? (() => performance.now());
  const reload = opts.reload ?? (() => location.reload());
  const listeners = new Set<() => void>();
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;

  const token = new URLSearchParams(location.search).get('token');
  if (token) storage.setItem(TOKEN_STORAGE_KEY, token);

  let config: KioskConfigResponse | null = null;
  let embedder: Embedder | null = null;
  let classifier: ReturnType<typeof swappable> | null = null;
  let sync: Sync | null = null;
  let grabber: FrameGrabber | null = null;
  let smoother: Smoother = createSmoother({ now });
  const phaseOpts: PhaseOptions = { ...DEFAULT_PHASE_OPTIONS };
  let idleTimeoutMs = 30_000;
  let pacing: PacingOptions = { ...DEFAULT_PACING };
  let machine = initialPhaseState(now());
  let lastRecordAt = Number.NEGATIVE_INFINITY;
  let localSeq = 0;
  let held = false;
  let lockOnRelease = false;
  let saveChain: Promise<void> = Promise.resolve();
  const events: KioskEvent[] = [];
  const recCache = new Map<string, Product[]>();
  let fpsWindowStart = now();
  let fpsFrames = 0;

  const view: MirrorView = {
    boot: { kind: 'loading' },
    camera: { kind: 'starting' },
    phase: machine.phase,
    attract: true,
    online: false,
    recommendations: null,
    stats: {
      fps: 0,
      embedMs: 0,
      frames: 0,
      backend: '',
      modelId: '',
      examples: 0,
      pending: 0,
      numTensors: 0,
      top: [],
      similarity: 0,
      structure: { edges: 0, contrast: 0 },
      empty: true,
    },
    teach: {
      open: false,
      unlocked: storage.getItem(TOKEN_STORAGE_KEY) !== null,
      label: '',
      recording: false,
      recorded: 0,
      thumbs: [],
      labels: [],
      knownLabels: [],
      message: null,
    },
    debug: false,
    live: { label: null, confidence: 0, empty: true },
  };
  let snapshot: MirrorView = { ...view };
  const emit = (): void => {
    // A fresh top-level object per change lets preact see that something changed.
    snapshot = { ...view, stats: { ...view.stats }, teach: { ...view.teach } };
    for (const l of listeners) l();
  };

  const camera: Camera = createCamera({
    onChange(state) {
      view.camera = state;
      if (state.kind === 'live') {
        video.srcObject = state.stream;
        void video.play().catch(() => {
          // autoplay of a muted video is always allowed; a failure means the stream already ended
        });
      } else {
        video.srcObject = null;
      }
      emit();
    },
  });

  // ---- boot ------------------------------------------------------------------------------
  const bootBackoff = createBackoff({ baseMs: 2000, maxMs: 30_000 });
  async function boot(): Promise<void> {
    try {
      config = await api.config();
      setWasmPaths(config.wasmPath);
      const backend = await selectBackend(preferredBackends(location.search));
      embedder = await loadEmbedder({
        io: tf.io.http(config.model.url),
        id: config.model.id,
        inputSize: config.model.inputSize,
        inputRange: config.model.inputRange,
        cutLayers: config.model.cutLayers,
        // Same test-time augmentation as the server, or browser and server embeddings would differ.
        flip: config.model.flip,
      });
      applySettings(config);
      view.stats.backend = backend;
      view.stats.modelId = embedder.info.id;
      grabber = createFrameGrabber(video, embedder.info.inputSize);
      sync = startSync({
        fetchExamples: (modelId) => api.examples(modelId),
        classifier: classifier ?? fail(),
        modelId: embedder.info.id,
        dim: embedder.info.dim,
        buildId: config.buildId,
        onReload: reload,
        onChange(status) {
          const wasOffline = !view.online;
          view.online = status.online;
          view.stats.examples = status.examples;
          view.stats.pending = status.pending;
          view.teach.labels = classifier?.labels() ?? [];
          if (status.online && wasOffline) flushEvents();
          emit();
        },
        onEvent(type) {
          if (type === 'settings.changed') void refreshSettings();
          if (type === 'catalog.changed' || type === 'recommendations.changed') {
            recCache.clear();
            if (view.recommendations) void loadRecommendations(view.recommendations.label);
          }
        },
      });
      view.boot = { kind: 'ready' };
      emit();
      startLoop(frame, (ms) => pauseAfter(ms, pacing), () => undefined, now);
      setInterval(flushEvents, 15_000);
    } catch (err) {
      view.boot = { kind: 'failed', message: reason(err) };
      emit();
      setTimeout(() => void boot(), bootBackoff.next());
    }
  }

  function fail(): never {
    throw new AppError('INTERNAL', 'The mirror is not ready.');
  }

  function applySettings(c: KioskConfigResponse): void {
    const next = createClassifier({ k: c.settings.k, threshold: c.settings.threshold });
    if (classifier) classifier.swap(next);
    else classifier = swappable(next);
    smoother = createSmoother({ now, minFrames: c.settings.smoothingWindow });
    idleTimeoutMs = c.settings.idleTimeoutMs;
  }

  async function refreshSettings(): Promise<void> {
    try {
      const c = await api.config();
      if (c.model.id !== config?.model.id) {
        reload();
        return;
      }
      config = c;
      applySettings(c);
      emit();
    } catch {
      // Offline: keep the current settings; the reconnect brings another settings.changed.
    }
  }

  // ---- recognition -------------------------------------------------------------------------
  async function frame(): Promise<void> {
    if (!embedder || !grabber || !classifier || view.camera.kind !== 'live') {
      await new Promise((r) => setTimeout(r, 200));
      return;
    }
    const grabbed = grabber.grab();
    if (!grabbed) {
      await new Promise((r) => setTimeout(r, 100));
      return;
    }
    const t0 = now();
    const [embedding] = await embedder.embed([grabbed.image]);
    if (!embedding) return;
    const prediction = classifier.predict(embedding);
    const t1 = now();
    observe(prediction, grabbed.structure, t1);
    if (view.teach.recording && t1 - lastRecordAt >= 1000 / TEACH_RATE) {
      lastRecordAt = t1;
      record(embedding);
    }
    const s = view.stats;
    s.embedMs = ema(s.frames === 0 ? null : s.embedMs, t1 - t0);
    s.frames++;
    fpsFrames++;
    if (t1 - fpsWindowStart >= 1000) {
      s.fps = (fpsFrames * 1000) / (t1 - fpsWindowStart);
      fpsWindowStart = t1;
      fpsFrames = 0;
    }
    s.numTensors = tf.memory().numTensors;
    s.top = prediction.scores.slice(0, 3);
    s.similarity = prediction.similarity;
    s.structure = grabbed.structure;
    emit();
  }

  function observe(p: Prediction, structure: Structure, at: number): void {
    const empty = isEmptyScene(p.label, structure);
    view.stats.empty = empty;
    view.live = { label: empty ? null : p.label, confidence: p.confidence, empty };
    // The smoother decides what is stable; the phase machine decides what the screen shows.
    const stable = smoother.update(empty ? null : { label: p.unknown ? null : p.label, confidence: p.confidence });
    const present = stable.phase !== 'idle';
    const before = machine.phase;
    machine = nextPhase(
      machine,
      { at, present, label: stable.phase === 'recognised' ? stable.label : null, unknown: stable.phase === 'unknown' },
      phaseOpts,
    );
    const attract = machine.phase.kind === 'idle' && at - machine.lastPresentAt >= idleTimeoutMs;
    if (attract !== view.attract) view.attract = attract;
    if (machine.phase === before) return;
    view.phase = machine.phase;
    const ph = machine.phase;
    switch (ph.kind) {
      case 'recognised':
        queueEvent({ type: 'recognition', label: ph.label, confidence: clamp01(p.confidence), at: new Date().toISOString() });
        void loadRecommendations(ph.label);
        break;
      case 'unknown':
        queueEvent({ type: 'recognition', label: null, confidence: clamp01(p.confidence), at: new Date().toISOString() });
        break;
      case 'recommending': {
        const products = view.recommendations?.label === ph.label ? view.recommendations.products : null;
        if (products && products.length > 0) {
          queueEvent({ type: 'impression', label: ph.label, productIds: products.slice(0, 50).map((x) => x.id), at: new Date().toISOString() });
        }
        break;
      }
      case 'idle':
      case 'seeing':
        break;
      default: {
        const never: never = ph;
        return never;
      }
    }
  }

  async function loadRecommendations(label: string): Promise<void> {
    const cached = recCache.get(label);
    view.recommendations = { label, products: cached ?? null, failed: false };
    emit();
    try {
      const res = await api.recommendations(label);
      recCache.set(label, res.products);
      // Bounded: a kiosk meets a few hundred labels at most, but runs for weeks.
      if (recCache.size > 200) recCache.delete(recCache.keys().next().value ?? '');
      if (view.recommendations?.label === label) view.recommendations = { label, products: res.products, failed: false };
    } catch {
      if (view.recommendations?.label === label && !cached) view.recommendations = { label, products: null, failed: true };
    }
    emit();
  }

  // ---- analytics ---------------------------------------------------------------------------
  function queueEvent(e: KioskEvent): void {
    // Staff showing a product while teaching is not a shopper's interest.
    if (view.teach.open) return;
    events.push(e);
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  }

  function flushEvents(): void {
    const tok = storage.getItem(TOKEN_STORAGE_KEY);
    if (!tok || events.length === 0 || !view.online) return;
    const batch = events.splice(0, MAX_EVENTS);
    api.sendEvents(batch, tok).catch((err: unknown) => {
      // Unreachable: keep them for the next try; refused: drop them (they would be refused again).
      if (isAppError(err) && err.code === 'SERVICE_UNAVAILABLE') events.unshift(...batch.slice(0, MAX_EVENTS - events.length));
    });
  }

  // ---- teach mode --------------------------------------------------------------------------
  function teachMessage(message: string | null): void {
    view.teach.message = message;
    emit();
  }

  function pushThumb(thumb: TeachThumb): void {
    view.teach.thumbs = [thumb, ...view.teach.thumbs.filter((x) => x.key !== thumb.key)].slice(0, MAX_THUMBS);
  }

  function record(embedding: Float32Array): void {
    const tok = storage.getItem(TOKEN_STORAGE_KEY);
    const label = view.teach.label.trim();
    if (!tok || !label || !grabber || !sync || !embedder) return;
    const localId = `local-${++localSeq}`;
    const thumbnail = grabber.thumbnail(96);
    // Recognition improves at once: the example is used locally before the server confirms it.
    sync.addLocal({ id: localId, label, embedding });
    view.teach.recorded++;
    pushThumb({ key: localId, id: null, label, url: thumbnail });
    const body = { embedding: encodeEmbedding(embedding), modelId: embedder.info.id, thumbnail };
    // One save at a time: a held button must not open dozens of parallel requests.
    saveChain = saveChain.then(() => save(localId, label, body, tok, 0));
  }

  async function save(localId: string, label: string, body: { embedding: string; modelId: string; thumbnail: string }, tok: string, attempt: number): Promise<void> {
    try {
      const res = await api.addExample(label, body, tok);
      const saved = res.examples[0];
      if (!saved) throw new AppError('INTERNAL', 'The server stored nothing.');
      sync?.confirm(localId, saved.id);
      view.teach.thumbs = view.teach.thumbs.map((x) => (x.key === localId ? { ...x, id: saved.id } : x));
      emit();
    } catch (err) {
      if (isAppError(err) && err.code === 'SERVICE_UNAVAILABLE' && attempt < 5) {
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
        return save(localId, label, body, tok, attempt + 1);
      }
      sync?.drop(localId);
      view.teach.thumbs = view.teach.thumbs.filter((x) => x.key !== localId);
      if (isAppError(err) && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN')) {
        storage.removeItem(TOKEN_STORAGE_KEY);
        view.teach.recording = false;
        // Swapping the panel under a held finger would turn the release into a click on
        // whatever the token form puts there: lock once the button is let go.
        if (held) lockOnRelease = true;
        else view.teach.unlocked = false;
        teachMessage(t('teachBadToken'));
      } else {
        teachMessage(t('teachSaveFailed', { reason: reason(err) }));
      }
    }
  }

  async function loadLabelThumbs(label: string): Promise<void> {
    try {
      const [labels, examples] = await Promise.all([api.labels(), label ? api.labelExamples(label) : Promise.resolve(null)]);
      view.teach.knownLabels = labels.labels.map((l) => l.label);
      if (examples && view.teach.label === label) {
        const fetched = examples.examples
          .filter((e) => e.thumbnailUrl !== null)
          .slice(-MAX_THUMBS)
          .reverse()
          .map((e) => ({ key: e.id, id: e.id, label: e.label, url: e.thumbnailUrl ?? '' }));
        const mine = view.teach.thumbs.filter((x) => x.label === label && !fetched.some((f) => f.id === x.id));
        view.teach.thumbs = [...mine, ...fetched].slice(0, MAX_THUMBS);
      }
      emit();
    } catch {
      // Offline: teach mode still records; thumbnails of earlier sessions come back later.
    }
  }

  const mirror: Mirror = {
    get view() {
      return snapshot;
    },
    video,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    start() {
      camera.start();
      void boot();
    },
    toggleDebug() {
      view.debug = !view.debug;
      emit();
    },
    setBenchmark(on) {
      pacing = { ...pacing, flat: on };
    },
    chooseCamera(deviceId) {
      camera.choose(deviceId);
    },
    async listCameras() {
      return (await camera.devices()).map((d, i) => ({ deviceId: d.deviceId, label: d.label || t('cameraN', { n: i + 1 }) }));
    },
    openTeach(open) {
      view.teach.open = open;
      view.teach.recording = false;
      view.teach.message = null;
      view.teach.labels = classifier?.labels() ?? [];
      if (open) void loadLabelThumbs(view.teach.label);
      emit();
    },
    unlock(tok) {
      const trimmed = tok.trim();
      if (!trimmed) return;
      storage.setItem(TOKEN_STORAGE_KEY, trimmed);
      view.teach.unlocked = true;
      teachMessage(null);
    },
    lock() {
      storage.removeItem(TOKEN_STORAGE_KEY);
      view.teach.unlocked = false;
      view.teach.recording = false;
      emit();
    },
    setTeachLabel(label, fetchThumbs = true) {
      view.teach.label = label;
      view.teach.thumbs = view.teach.thumbs.filter((x) => x.label === label.trim());
      emit();
      if (fetchThumbs) void loadLabelThumbs(label.trim());
    },
    setRecording(on) {
      if (on && !view.teach.label.trim()) {
        teachMessage(t('teachNeedLabel'));
        return;
      }
      held = on;
      if (!on && lockOnRelease) {
        lockOnRelease = false;
        // After the release's click has been dispatched (same input task), not before.
        setTimeout(() => {
          view.teach.unlocked = false;
          emit();
        }, 250);
      }
      if (on && !view.teach.recording) view.teach.recorded = 0;
      view.teach.recording = on && view.teach.unlocked && storage.getItem(TOKEN_STORAGE_KEY) !== null;
      // A save error must stay readable after the button is released.
      if (on) view.teach.message = null;
      emit();
    },
    async embedImage(image) {
      if (!embedder) throw new AppError('SERVICE_UNAVAILABLE', 'The model is not loaded yet.');
      const [v] = await embedder.embed([image]);
      if (!v) throw new AppError('INTERNAL', 'The embedder returned nothing.');
      return v;
    },
    deleteExample(thumb) {
      const tok = storage.getItem(TOKEN_STORAGE_KEY);
      if (!thumb.id || !tok) return;
      const id = thumb.id;
      api
        .deleteExample(id, tok)
        .then(() => {
          sync?.remove(id);
          view.teach.thumbs = view.teach.thumbs.filter((x) => x.id !== id);
          view.teach.labels = classifier?.labels() ?? [];
          teachMessage(null);
        })
        .catch((err: unknown) => teachMessage(t('teachDeleteRefused', { reason: reason(err) })));
    },
  };
  return mirror;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
