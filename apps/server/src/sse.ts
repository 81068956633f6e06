import type { EventMap } from '@smartmirror/api';

/** One SSE connection's writer. */
export type EventListener = <K extends keyof EventMap>(type: K, data: EventMap[K]) => void;

/** Fans typed server events out to every connected stream. */
export interface EventHub {
  send<K extends keyof EventMap>(type: K, data: EventMap[K]): void;
  /** Adds a listener; returns its unsubscribe function. */
  subscribe(listener: EventListener, onClose: () => void): () => void;
  /** Number of connected listeners. */
  readonly size: number;
  /** Ends every stream (server shutdown). */
  closeAll(): void;
}

/** Creates an in-process hub (one server; a fleet would put Postgres LISTEN/NOTIFY behind this). */
export function createEventHub(): EventHub {
  const listeners = new Map<EventListener, () => void>();
  return {
    send(type, data) {
      for (const l of listeners.keys()) l(type, data);
    },
    subscribe(listener, onClose) {
      listeners.set(listener, onClose);
      return () => {
        listeners.delete(listener);
      };
    },
    get size() {
      return listeners.size;
    },
    closeAll() {
      for (const close of [...listeners.values()]) close();
      listeners.clear();
    },
  };
}

/** Formats one SSE frame: `event:` is the type, `data:` the JSON value (one line). */
export function sseFrame<K extends keyof EventMap>(type: K, data: EventMap[K]): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
