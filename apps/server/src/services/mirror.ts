import { AppError, type ExampleSource, type ExampleView, type KioskEvent, type Settings, type SettingsPatch } from '@smartmirror/api';
import { createClassifier, defaultThreshold, type Classifier, type Embedder, type Prediction } from '@smartmirror/core';
import { decodeImage } from '@smartmirror/node';
import type { Config } from '../config.ts';
import type { Clock, Ids } from '../deps.ts';
import { encodeEmbedding } from '../embedding.ts';
import type { EventHub } from '../sse.ts';
import type { ExampleMeta, NewExample, Repositories } from '../store/types.ts';
import { thumbnailFromPixels } from '../thumbnails.ts';

/** One example ready to store: a unit vector and an optional thumbnail. */
export interface PreparedExample {
  embedding: Float32Array;
  thumbnail: Uint8Array | null;
}

/** Teaching, recognition and settings: the classifier mirrors the store's active-model examples. */
export interface MirrorService {
  readonly modelId: string;
  readonly dim: number;
  settings(): Settings;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  /** Decodes and embeds uploaded images (all of them, before anything is stored). */
  embedImages(images: readonly Uint8Array[]): Promise<PreparedExample[]>;
  /** Stores examples of one label in one transaction, then adds them to the classifier. */
  addExamples(label: string, examples: readonly PreparedExample[], source: ExampleSource): Promise<ExampleView[]>;
  listExamples(label: string): Promise<ExampleView[]>;
  removeExample(id: string): Promise<void>;
  removeLabel(label: string): Promise<number>;
  classify(embedding: Float32Array): Prediction;
  /** Stored example count of the active model. */
  size(): number;
  recordEvents(events: readonly KioskEvent[]): Promise<number>;
  /** Reloads the classifier from the store (after an import). */
  reload(): Promise<void>;
}

/** Public view of a stored example. */
export function exampleView(e: ExampleMeta): ExampleView {
  return {
    id: e.id,
    label: e.label,
    modelId: e.modelId,
    source: e.source,
    createdAt: e.createdAt,
    thumbnailUrl: e.hasThumbnail ? `/api/examples/${e.id}/thumbnail` : null,
  };
}

/** Creates the service and loads the active model's examples into the classifier. */
export async function createMirrorService(deps: {
  config: Config;
  repos: Repositories;
  embedder: Embedder;
  clock: Clock;
  ids: Ids;
  events: EventHub;
}): Promise<MirrorService> {
  const { config, repos, embedder, clock, ids, events } = deps;
  const modelId = embedder.info.id;
  const dim = embedder.info.dim;
  const defaults: Settings = {
    threshold: config.threshold ?? defaultThreshold(config.model),
    k: config.k,
    smoothingWindow: config.smoothingWindow,
    idleTimeoutMs: config.idleTimeoutMs,
    modelId,
  };
  // The model is fixed by config/flags at start; a stored modelId of another model is ignored.
  let settings: Settings = { ...defaults, ...(await repos.settings.get()), modelId };
  let classifier: Classifier = createClassifier({ k: settings.k, threshold: settings.threshold });

  const load = async (): Promise<void> => {
    const c = createClassifier({ k: settings.k, threshold: settings.threshold });
    for (const v of await repos.examples.vectors(modelId)) c.add(v);
    classifier = c;
  };
  await load();

  // The WASM backend runs one inference at a time; queueing keeps memory bounded under load.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    modelId,
    dim,
    settings: () => settings,
    async updateSettings(patch) {
      if (patch.modelId !== undefined && patch.modelId !== modelId) {
        throw new AppError('MODEL_MISMATCH', `The server runs ${modelId}; start it with --model to change models.`);
      }
      const next: Settings = { ...settings, ...patch, modelId };
      await repos.settings.set(patch);
      const rebuild = next.k !== settings.k || next.threshold !== settings.threshold;
      settings = next;
      if (rebuild) {
        const snap = classifier.snapshot();
        classifier = createClassifier({ k: settings.k, threshold: settings.threshold });
        if (snap.ids.length > 0) classifier.restore(snap);
      }
      events.send('settings.changed', { keys: Object.keys(patch) });
      return settings;
    },
    async embedImages(images) {
      const out: PreparedExample[] = [];
      for (const bytes of images) {
        const img = await decodeImage(bytes, { maxPixels: config.maxImagePixels });
        const [embedding] = await serially(() => embedder.embed([img]));
        if (!embedding) throw new AppError('INTERNAL', 'The model returned no embedding.');
        out.push({ embedding, thumbnail: await thumbnailFromPixels(img) });
      }
      return out;
    },
    async addExamples(label, prepared, source) {
      const createdAt = clock.now().toISOString();
      const isNew = !(await repos.examples.labelExists(label));
      const rows: NewExample[] = prepared.map((p) => ({ id: ids.uuid(), label, modelId, embedding: p.embedding, thumbnail: p.thumbnail, source, createdAt }));
      await repos.examples.add(rows);
      for (const r of rows) classifier.add({ id: r.id, label, embedding: r.embedding });
      if (isNew) events.send('label.changed', { label, action: 'created' });
      for (const r of rows) {
        events.send('example.added', { id: r.id, label, modelId, embedding: encodeEmbedding(r.embedding), createdAt });
      }
      return rows.map((r) => exampleView({ ...r, hasThumbnail: r.thumbnail !== null }));
    },
    async listExamples(label) {
      if (!(await repos.examples.labelExists(label))) throw new AppError('LABEL_NOT_FOUND', `No label "${label}".`);
      return (await repos.examples.listByLabel(label)).map(exampleView);
    },
    async removeExample(id) {
      const gone = await repos.examples.remove(id);
      if (!gone) throw new AppError('EXAMPLE_NOT_FOUND', `No example ${id}.`);
      classifier.remove(id);
      events.send('example.removed', { id, label: gone.label });
    },
    async removeLabel(label) {
      const n = await repos.examples.removeLabel(label);
      if (n === null) throw new AppError('LABEL_NOT_FOUND', `No label "${label}".`);
      classifier.clearLabel(label);
      events.send('label.changed', { label, action: 'cleared' });
      return n;
    },
    classify: (embedding) => classifier.predict(embedding),
    size: () => classifier.size,
    async recordEvents(batch) {
      const at = clock.now().toISOString();
      await repos.events.append(batch.map((e) => ({ ...e, at: e.at ?? at })));
      for (const e of batch) {
        if (e.type === 'recognition') events.send('recognition', { label: e.label, confidence: e.confidence, at: e.at ?? at });
      }
      return batch.length;
    },
    reload: load,
  };
}
