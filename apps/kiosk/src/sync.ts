import type { EventMap, ExamplesSyncResponse } from '@smartmirror/api';
import type { Classifier, Example } from '@smartmirror/core';
import { decodeEmbedding } from './api.ts';
import { createBackoff, type Backoff } from './backoff.ts';

/** The part of EventSource the sync uses (injected so tests need no network). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void;
  close(): void;
}

/** Options of startSync. */
export interface SyncOptions {
  /** Fetches the server's examples of a model. */
  fetchExamples(modelId: string): Promise<ExamplesSyncResponse>;
  /** Where the examples live; the sync is its only writer besides addLocal. */
  classifier: Classifier;
  modelId: string;
  /** Embedding length of the model (an empty server answers dim null). */
  dim: number;
  /** The build id the page was loaded with; a `hello` with another one means the server was upgraded. */
  buildId: string;
  /** URL of the SSE stream. Default '/api/events/stream'. */
  streamUrl?: string;
  /** Default `(url) => new EventSource(url)`. */
  openStream?: (url: string) => EventSourceLike;
  /** Called when the server was upgraded: the page should reload. */
  onReload(): void;
  /** Called whenever the connection state or the example count changes. */
  onChange(status: SyncStatus): void;
  /** Every other event (settings, catalog, recommendations) for the app to act on. */
  onEvent?<K extends keyof EventMap>(type: K, data: EventMap[K]): void;
  /** Injected for tests. Default createBackoff(). */
  backoff?: Backoff;
  /** Injected for tests. Default setTimeout. */
  setTimer?: (fn: () => void, ms: number) => unknown;
}

/** What the UI shows of the sync. */
export interface SyncStatus {
  /** Connected to the event stream and the last fetch succeeded. */
  online: boolean;
  /** Examples in the classifier, including unsaved local ones. */
  examples: number;
  /** Locally added examples the server has not confirmed yet. */
  pending: number;
}

/** A running sync. */
export interface Sync {
  readonly status: SyncStatus;
  /** Adds an example at once (recognition improves right away) until the server confirms it. */
  addLocal(example: Example): void;
  /** The server stored the local example `localId` as `serverId`. */
  confirm(localId: string, serverId: string): void;
  /** The server refused the local example: forget it. */
  drop(localId: string): void;
  /** Removes an example (after the server deleted it). */
  remove(id: string): void;
  /** Refetches everything now (coalesced with a fetch in flight). */
  refresh(): Promise<void>;
  stop(): void;
}

const CLOSED = 2;

/**
 * Keeps `classifier` equal to the server's examples of `modelId`: one GET, then SSE events
 * (example.added/removed applied in place; label.changed and every reconnect refetch). Events that
 * arrive during a refetch are replayed after it so none is lost. Failed fetches retry with backoff;
 * the classifier keeps its last content meanwhile so recognition goes on offline.
 */
export function startSync(opts: SyncOptions): Sync {
  const backoff = opts.backoff ?? createBackoff({ baseMs: 1000, maxMs: 30_000 });
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const openStream = opts.openStream ?? ((url: string) => new EventSource(url));
  const url = opts.streamUrl ?? '/api/events/stream';
  const pending = new Map<string, Example>();
  let connected = false;
  let fetchedOk = false;
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let buffered: (() => void)[] | null = null;
  let source: EventSourceLike | null = null;
  let retryTimer = false;

  const status = (): SyncStatus => ({ online: connected && fetchedOk, examples: opts.classifier.size, pending: pending.size });
  const changed = (): void => {
    if (!stopped) opts.onChange(status());
  };

  // Applies now, or after the refetch in flight (whose snapshot may predate the event).
  const apply = (fn: () => void): void => {
    if (buffered) buffered.push(fn);
    else fn();
    changed();
  };

  async function fetchOnce(): Promise<void> {
    buffered = [];
    try {
      const res = await opts.fetchExamples(opts.modelId);
      const dim = res.dim ?? opts.dim;
      const vectors = new Float32Array(res.examples.length * dim);
      const ids: string[] = [];
      const labels: string[] = [];
      for (const ex of res.examples) {
        const v = decodeEmbedding(ex.embedding);
        if (v.length !== dim) continue; // another model's vector slipped in: never mix spaces
        vectors.set(v, ids.length * dim);
        ids.push(ex.id);
        labels.push(ex.label);
      }
      opts.classifier.restore({ dim, ids, labels, vectors: vectors.subarray(0, ids.length * dim) });
      for (const ex of pending.values()) opts.classifier.add(ex);
      fetchedOk = true;
      backoff.reset();
    } catch {
      fetchedOk = false;
      if (!stopped && !retryTimer) {
        retryTimer = true;
        setTimer(() => {
          retryTimer = false;
          void refresh();
        }, backoff.next());
      }
    } finally {
      const replay = buffered ?? [];
      buffered = null;
      for (const fn of replay) fn();
      changed();
    }
  }

  function refresh(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        await fetchOnce();
      } while (again && !stopped);
      inFlight = null;
    })();
    return inFlight;
  }

  function on<K extends keyof EventMap>(es: EventSourceLike, type: K, handle: (data: EventMap[K]) => void): void {
    es.addEventListener(type, (ev) => {
      if (stopped || es !== source) return;
      let data: EventMap[K];
      try {
        data = JSON.parse(ev.data) as EventMap[K];
      } catch {
        return; // a torn message: the next refetch repairs whatever it carried
      }
      handle(data);
    });
  }

  function connect(): void {
    if (stopped) return;
    const es = openStream(url);
    source = es;
    es.onopen = () => {
      if (es !== source) return;
      connected = true;
      // Whatever happened while disconnected is unknown: refetch on every (re)connection.
      void refresh();
      changed();
    };
    es.onerror = () => {
      if (es !== source) return;
      connected = false;
      changed();
      // EventSource retries by itself unless the server answered with an error status.
      if (es.readyState === CLOSED) {
        es.close();
        setTimer(connect, backoff.next());
      }
    };
    on(es, 'hello', (d) => {
      if (d.buildId !== opts.buildId) opts.onReload();
    });
    on(es, 'example.added', (d) => {
      if (d.modelId !== opts.modelId) return;
      const embedding = decodeEmbedding(d.embedding);
      if (embedding.length !== opts.dim) return;
      apply(() => opts.classifier.add({ id: d.id, label: d.label, embedding }));
    });
    on(es, 'example.removed', (d) => apply(() => void opts.classifier.remove(d.id)));
    on(es, 'label.changed', (d) => {
      void refresh();
      opts.onEvent?.('label.changed', d);
    });
    for (const type of ['catalog.changed', 'recommendations.changed', 'settings.changed'] as const) {
      on(es, type, (d) => opts.onEvent?.(type, d));
    }
  }

  connect();
  return {
    get status() {
      return status();
    },
    addLocal(example) {
      pending.set(example.id, example);
      opts.classifier.add(example);
      changed();
    },
    confirm(localId, serverId) {
      const ex = pending.get(localId);
      pending.delete(localId);
      if (!ex) return;
      opts.classifier.remove(localId);
      opts.classifier.add({ ...ex, id: serverId });
      changed();
    },
    drop(localId) {
      pending.delete(localId);
      opts.classifier.remove(localId);
      changed();
    },
    remove(id) {
      apply(() => void opts.classifier.remove(id));
    },
    refresh,
    stop() {
      stopped = true;
      source?.close();
      source = null;
    },
  };
}
