import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.ts';

describe('createBackoff', () => {
  it('doubles up to the cap and starts over after a success', () => {
    const b = createBackoff({ baseMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.failures).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads delays within ±jitter', () => {
    const low = createBackoff({ baseMs: 1000, jitter: 0.2, random: () => 0 });
    const high = createBackoff({ baseMs: 1000, jitter: 0.2, random: () => 0.999 });
    expect(low.next()).toBe(800);
    expect(high.next()).toBeGreaterThan(1190);
    expect(high.next()).toBeLessThanOrEqual(2400);
  });
});
