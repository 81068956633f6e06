import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { createSmoother } from './smoother.ts';
import type { SmootherFrame, SmootherOptions, SmootherUpdate } from './smoother.ts';

/** A smoother on a fake clock, fed one frame every `stepMs`. */
function rig(opts: SmootherOptions = {}, stepMs = 100) {
  let t = 1000;
  const s = createSmoother({ now: () => t, enter: 0.6, exit: 0.35, minFrames: 3, minMs: 300, holdMs: 1000, ...opts });
  const feed = (frame: SmootherFrame, times = 1): SmootherUpdate[] => {
    const out: SmootherUpdate[] = [];
    for (let i = 0; i < times; i++) {
      out.push(s.update(frame));
      t += stepMs;
    }
    return out;
  };
  return { s, feed, time: () => t };
}

const seen = (label: string, confidence = 0.9): SmootherFrame => ({ label, confidence });
const unknown: SmootherFrame = { label: null, confidence: 0.2 };

describe('createSmoother', () => {
  it('starts idle and announces a label only once it is stable over frames and time', () => {
    const { s, feed } = rig();
    expect(s.state).toMatchObject({ phase: 'idle', label: null });
    const ups = feed(seen('apple'), 5);
    expect(ups.map((u) => u.phase)).toEqual(['detecting', 'detecting', 'detecting', 'recognised', 'recognised']);
    expect(ups[3]).toMatchObject({ label: 'apple', changed: true, since: 1300 });
    expect(ups[4]?.changed).toBe(false);
    expect(ups[4]?.since).toBe(1300);
  });

  it('waits for the time window even when frames come fast', () => {
    const { feed } = rig({}, 10);
    const ups = feed(seen('apple'), 40);
    const first = ups.findIndex((u) => u.phase === 'recognised');
    // 3 frames arrive in 20 ms; the label must wait for 300 ms of agreement.
    expect(first).toBe(30);
    expect(ups[first]?.since).toBe(1300);
  });

  it('ignores a single stray frame of another label', () => {
    const { feed } = rig();
    feed(seen('apple'), 5);
    const ups = [...feed(seen('pear')), ...feed(seen('apple'), 3)];
    expect(ups.every((u) => u.label === 'apple' && !u.changed)).toBe(true);
  });

  it('keeps the label through weaker frames (hysteresis) that could not announce it', () => {
    const announced = rig();
    announced.feed(seen('apple'), 4);
    const weak = announced.feed(seen('apple', 0.45), 30);
    expect(weak.every((u) => u.phase === 'recognised' && u.label === 'apple')).toBe(true);
    expect(weak.at(-1)?.confidence).toBe(0.45);

    const fresh = rig();
    const ups = fresh.feed(seen('apple', 0.45), 30);
    expect(ups.some((u) => u.phase === 'recognised')).toBe(false);
    expect(ups.at(-1)?.phase).toBe('unknown');
  });

  it('keeps the label through brief dips, drops it after the hold time', () => {
    const { feed } = rig();
    feed(seen('apple'), 4);
    // 600 ms of nothing and unknowns, under the 1000 ms hold.
    const dip = [...feed(null, 3), ...feed(unknown, 3), ...feed(seen('apple', 0.2), 1), ...feed(seen('apple'), 2)];
    expect(dip.every((u) => u.label === 'apple' && u.phase === 'recognised')).toBe(true);
    const gone = feed(null, 15);
    const drop = gone.findIndex((u) => u.changed);
    // The last supporting frame came 100 ms before gone[0]; the 1000 ms hold ends at gone[9].
    expect(drop).toBe(9);
    expect(gone[drop]).toMatchObject({ phase: 'idle', label: null });
    expect(gone.filter((u) => u.changed).length).toBe(1);
  });

  it('switches to another stable label without waiting for the hold', () => {
    const { feed } = rig();
    feed(seen('apple'), 4);
    const ups = feed(seen('pear'), 5);
    const at = ups.findIndex((u) => u.label === 'pear');
    expect(at).toBe(3);
    expect(ups[at]).toMatchObject({ phase: 'recognised', changed: true });
    expect(ups.slice(0, at).every((u) => u.label === 'apple')).toBe(true);
  });

  it('announces unknown when something is in front but not recognised', () => {
    const { feed } = rig();
    const ups = feed(unknown, 5);
    expect(ups.map((u) => u.phase)).toEqual(['detecting', 'detecting', 'detecting', 'unknown', 'unknown']);
    expect(ups.every((u) => u.label === null)).toBe(true);
    // A label seen afterwards replaces unknown once stable, without flickering through 'detecting'.
    const later = feed(seen('apple'), 4);
    expect(later.map((u) => u.phase)).toEqual(['unknown', 'unknown', 'unknown', 'recognised']);
  });

  it('goes back to idle when nothing is in front, and reset() forgets everything', () => {
    const { s, feed } = rig();
    feed(unknown, 5);
    const ups = feed(null, 4);
    expect(ups.at(-1)?.phase).toBe('idle');
    feed(seen('apple'), 5);
    expect(s.state.label).toBe('apple');
    s.reset();
    expect(s.state).toMatchObject({ phase: 'idle', label: null, confidence: 0 });
    expect(feed(seen('apple'))[0]?.phase).toBe('detecting');
  });

  it('refuses inconsistent options', () => {
    const code = (opts: SmootherOptions): string | undefined => {
      try {
        createSmoother(opts);
      } catch (err) {
        return err instanceof AppError ? err.code : 'other';
      }
      return undefined;
    };
    expect(code({ enter: 0.3, exit: 0.5 })).toBe('VALIDATION_FAILED');
    expect(code({ minFrames: 0 })).toBe('VALIDATION_FAILED');
    expect(code({ holdMs: -1 })).toBe('VALIDATION_FAILED');
    expect(code({})).toBeUndefined();
  });
});
