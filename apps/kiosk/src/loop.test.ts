import { describe, expect, it } from 'vitest';
import { ema, pauseAfter, startLoop } from './loop.ts';

describe('recognition loop pacing', () => {
  it('caps the frame rate on fast machines and rests in proportion on slow ones', () => {
    expect(pauseAfter(20, { maxFps: 10, restShare: 0.5, flat: false })).toBe(80);
    expect(pauseAfter(400, { maxFps: 10, restShare: 0.5, flat: false })).toBe(200);
    expect(pauseAfter(400, { maxFps: 10, restShare: 0.5, flat: true })).toBe(0);
  });

  it('averages smoothly', () => {
    expect(ema(null, 10)).toBe(10);
    expect(ema(10, 20, 0.5)).toBe(15);
  });

  it('never runs two frames at once and survives a failing frame', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const errors: unknown[] = [];
    const loop = startLoop(
      async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        if (calls === 2) throw new Error('camera hiccup');
      },
      () => 0,
      (e) => errors.push(e),
    );
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveLength(1);
    expect(maxActive).toBe(1);
    loop.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(after);
  });
});
