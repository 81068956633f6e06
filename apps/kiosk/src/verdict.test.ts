import { describe, expect, it } from 'vitest';
import { createVerdict } from './verdict.ts';

const apple = { label: 'Apple', unknown: false };
const milk = { label: 'Milk', unknown: false };
const none = { label: null, unknown: true };

describe('verdict smoothing', () => {
  it('announces a label only once it won most of a full window', () => {
    const v = createVerdict({ window: 5, quorum: 0.6 });
    expect(v.push(apple).label).toBeNull();
    v.push(apple);
    v.push(apple);
    v.push(apple);
    expect(v.push(apple)).toEqual({ label: 'Apple', unknown: false });
  });

  it('ignores a one-frame glitch', () => {
    const v = createVerdict({ window: 5 });
    for (let i = 0; i < 5; i++) v.push(apple);
    expect(v.push(milk).label).toBeNull();
    expect(v.push(apple).label).toBe('Apple');
  });

  it('reports a stable unknown, distinct from undecided', () => {
    const v = createVerdict({ window: 3 });
    v.push(none);
    v.push(none);
    expect(v.push(none)).toEqual({ label: null, unknown: true });
    v.reset();
    expect(v.push(none)).toEqual({ label: null, unknown: false });
  });
});
