import { describe, expect, it } from 'vitest';
import type { ExamplesSyncResponse } from '@smartmirror/api';
import type { Classifier, ClassifierSnapshot, Example } from '@smartmirror/core';
import { encodeEmbedding } from './api.ts';
import { startSync, type EventSourceLike, type SyncStatus } from './sync.ts';

/** Only what the sync touches: a map of id → example. */
function fakeClassifier(): Classifier & { map: Map<string, Example> } {
  const map = new Map<string, Example>();
  return {
    map,
    get size() {
      return map.size;
    },
    dim: 2,
    add: (e) => void map.set(e.id, e),
    remove: (id) => map.delete(id),
    clearLabel: () => 0,
    labels: () => [],
    predict: () => ({ label: null, unknown: true, confidence: 0, similarity: 0, scores: [], neighbours: [] }),
    snapshot: () => ({ dim: 2, ids: [], labels: [], vectors: new Float32Array() }),
    restore(s: ClassifierSnapshot) {
      map.clear();
      s.ids.forEach((id, i) => map.set(id, { id, label: s.labels[i] ?? '', embedding: s.vectors.slice(i * s.dim, (i + 1) * s.dim) }));
    },
  };
}

class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  private listeners = new Map<string, ((ev: MessageEvent<string>) => void)[]>();
  addEventListener(type: string, l: (ev: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
  emit(type: string, data: unknown): void {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

const vec = (a: number, b: number): string => encodeEmbedding(new Float32Array([a, b]));
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function setup(server: { examples: ExamplesSyncResponse['examples']; fail?: boolean }) {
  const classifier = fakeClassifier();
  const sources: FakeSource[] = [];
  const timers: (() => void)[] = [];
  const statuses: SyncStatus[] = [];
  let reloads = 0;
  let gate: Promise<void> = Promise.resolve();
  const sync = startSync({
    fetchExamples: async (modelId) => {
      await gate;
      if (server.fail) throw new Error('down');
      return { modelId, dim: 2, examples: server.examples };
    },
    classifier,
    modelId: 'm1',
    dim: 2,
    buildId: 'b1',
    openStream: () => {
      const s = new FakeSource();
      sources.push(s);
      return s;
    },
    onReload: () => void reloads++,
    onChange: (s) => void statuses.push(s),
    setTimer: (fn) => void timers.push(fn),
  });
  return {
    sync,
    classifier,
    sources,
    timers,
    statuses,
    reloads: () => reloads,
    hold(): () => void {
      let release = (): void => {};
      gate = new Promise((r) => (release = r));
      return release;
    },
  };
}

describe('example sync', () => {
  it('loads the server examples on connect and applies added/removed events', async () => {
    const t = setup({ examples: [{ id: 'a', label: 'Apple', embedding: vec(1, 0) }] });
    t.sources[0]!.open();
    await flush();
    expect([...t.classifier.map.keys()]).toEqual(['a']);
    t.sources[0]!.emit('example.added', { id: 'b', label: 'Milk', modelId: 'm1', embedding: vec(0, 1), createdAt: '' });
    t.sources[0]!.emit('example.added', { id: 'x', label: 'Milk', modelId: 'other', embedding: vec(0, 1), createdAt: '' });
    t.sources[0]!.emit('example.removed', { id: 'a', label: 'Apple' });
    expect([...t.classifier.map.keys()]).toEqual(['b']);
    expect(t.classifier.map.get('b')!.embedding[1]).toBe(1);
    expect(t.sync.status.online).toBe(true);
  });

  it('replays events that arrive during a refetch so none is lost', async () => {
    const t = setup({ examples: [{ id: 'a', label: 'Apple', embedding: vec(1, 0) }] });
    const release = t.hold();
    t.sources[0]!.open();
    t.sources[0]!.emit('example.added', { id: 'b', label: 'Milk', modelId: 'm1', embedding: vec(0, 1), createdAt: '' });
    release();
    await flush();
    expect([...t.classifier.map.keys()].sort()).toEqual(['a', 'b']);
  });

  it('keeps local examples until confirmed, across refetches', async () => {
    const t = setup({ examples: [] });
    t.sources[0]!.open();
    await flush();
    t.sync.addLocal({ id: 'local-1', label: 'Apple', embedding: new Float32Array([1, 0]) });
    expect(t.sync.status.pending).toBe(1);
    await t.sync.refresh();
    expect(t.classifier.map.has('local-1')).toBe(true);
    t.sync.confirm('local-1', 'srv-1');
    expect([...t.classifier.map.keys()]).toEqual(['srv-1']);
    t.sync.addLocal({ id: 'local-2', label: 'Apple', embedding: new Float32Array([1, 0]) });
    t.sync.drop('local-2');
    expect(t.sync.status).toMatchObject({ examples: 1, pending: 0 });
  });

  it('keeps its examples while offline, retries, and refetches on reconnect', async () => {
    const server = { examples: [{ id: 'a', label: 'Apple', embedding: vec(1, 0) }], fail: false };
    const t = setup(server);
    t.sources[0]!.open();
    await flush();
    server.fail = true;
    t.sources[0]!.fail(true); // the server went away: the browser gave up this EventSource
    expect(t.sync.status.online).toBe(false);
    expect(t.classifier.map.size).toBe(1);
    expect(t.sources[0]!.closed).toBe(true);
    // the backoff timer reconnects
    t.timers.shift()!();
    expect(t.sources).toHaveLength(2);
    server.fail = false;
    server.examples.push({ id: 'b', label: 'Milk', embedding: vec(0, 1) });
    t.sources[1]!.open();
    await flush();
    expect(t.classifier.map.size).toBe(2);
    expect(t.sync.status.online).toBe(true);
  });

  it('asks for a reload when the server build changed, not when it is the same', () => {
    const t = setup({ examples: [] });
    t.sources[0]!.emit('hello', { buildId: 'b1', modelId: 'm1', serverTime: '' });
    expect(t.reloads()).toBe(0);
    t.sources[0]!.emit('hello', { buildId: 'b2', modelId: 'm1', serverTime: '' });
    expect(t.reloads()).toBe(1);
  });
});
