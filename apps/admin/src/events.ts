// Live updates for the back office: one EventSource per page, typed by the shared EventMap, so a
// view refreshes when a kiosk teaches or another marketer edits.
import { useEffect, useRef } from 'preact/hooks';
import type { EventMap, EventName } from '@smartmirror/api';

type Listener = (type: EventName, data: unknown) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
const TYPES: EventName[] = ['example.added', 'example.removed', 'label.changed', 'catalog.changed', 'recommendations.changed', 'settings.changed'];

function ensureSource(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/events/stream');
  for (const type of TYPES) {
    source.addEventListener(type, (e) => {
      let data: unknown;
      try {
        data = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const l of listeners) l(type, data);
    });
  }
}

/**
 * Calls `onChange` (at most every `delayMs`, default 400) after any of `types` arrives; `filter`
 * may ignore events that do not concern the view. The browser's EventSource reconnects by itself.
 */
export function useServerEvents<K extends EventName>(
  types: readonly K[],
  onChange: () => void,
  filter: (type: K, data: EventMap[K]) => boolean = () => true,
  delayMs = 400,
): void {
  const latest = useRef({ onChange, filter });
  latest.current = { onChange, filter };
  const key = types.join(',');
  useEffect(() => {
    ensureSource();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const listener: Listener = (type, data) => {
      if (!(types as readonly EventName[]).includes(type)) return;
      if (!latest.current.filter(type as unknown as K, data as EventMap[K])) return;
      if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          latest.current.onChange();
        }, delayMs);
      }
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (timer !== null) clearTimeout(timer);
    };
    // `types` is compared by value through `key`.
  }, [key, delayMs]);
}
