import { describe, expect, it } from 'vitest';
import { createEventHub, sseFrame } from './sse.ts';

describe('event hub', () => {
  it('fans typed events out to every listener until they unsubscribe', () => {
    const hub = createEventHub();
    const a: string[] = [];
    const b: string[] = [];
    const offA = hub.subscribe((type, data) => a.push(sseFrame(type, data)), () => undefined);
    hub.subscribe((type) => b.push(type), () => undefined);
    hub.send('example.removed', { id: 'e1', label: 'Milk' });
    offA();
    hub.send('recommendations.changed', { label: 'Milk' });
    expect(a).toEqual(['event: example.removed\ndata: {"id":"e1","label":"Milk"}\n\n']);
    expect(b).toEqual(['example.removed', 'recommendations.changed']);
    expect(hub.size).toBe(1);
  });

  it('ends every stream on closeAll (server shutdown)', () => {
    const hub = createEventHub();
    let closed = 0;
    hub.subscribe(() => undefined, () => closed++);
    hub.subscribe(() => undefined, () => closed++);
    hub.closeAll();
    expect(closed).toBe(2);
    expect(hub.size).toBe(0);
  });

  it('keeps a frame on one data line even when values contain newlines', () => {
    const frame = sseFrame('label.changed', { label: 'two\nlines', action: 'created' });
    expect(frame.split('\n').filter((l) => l.startsWith('data: '))).toHaveLength(1);
    expect(frame.endsWith('\n\n')).toBe(true);
  });
});
