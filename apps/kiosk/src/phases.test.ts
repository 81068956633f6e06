import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASE_OPTIONS, initialPhaseState, nextPhase, type Observation, type PhaseState } from './phases.ts';

const opts = { ...DEFAULT_PHASE_OPTIONS, leaveAfterMs: 1000, unknownAfterMs: 2000, recognisedMs: 500, showMaxMs: 10_000 };

/** Feeds observations every 100 ms from `from` to `to` (exclusive) and returns the final state. */
function run(state: PhaseState, from: number, to: number, obs: Omit<Observation, 'at'>): PhaseState {
  let s = state;
  for (let at = from; at < to; at += 100) s = nextPhase(s, { at, ...obs }, opts);
  return s;
}

const empty = { present: false, label: null, unknown: false };
const something = { present: true, label: null, unknown: false };
const apple = { present: true, label: 'Apple', unknown: false };
const milk = { present: true, label: 'Milk', unknown: false };
const stranger = { present: true, label: null, unknown: true };

describe('demo phases', () => {
  it('stays idle while the scene is empty', () => {
    const s = run(initialPhaseState(0), 0, 30_000, empty);
    expect(s.phase.kind).toBe('idle');
  });

  it('goes idle → seeing → recognised → recommending for a product held still', () => {
    let s = run(initialPhaseState(0), 0, 1000, empty);
    s = nextPhase(s, { at: 1000, ...something }, opts);
    expect(s.phase.kind).toBe('seeing');
    s = run(s, 1100, 1500, something);
    expect(s.phase.kind).toBe('seeing');
    s = nextPhase(s, { at: 1500, ...apple }, opts);
    expect(s.phase).toEqual({ kind: 'recognised', label: 'Apple', since: 1500 });
    s = run(s, 1600, 2100, apple);
    expect(s.phase).toMatchObject({ kind: 'recommending', label: 'Apple' });
  });

  it('switches to the new product when another one is shown', () => {
    let s = run(initialPhaseState(0), 0, 3000, apple);
    expect(s.phase).toMatchObject({ kind: 'recommending', label: 'Apple' });
    s = nextPhase(s, { at: 3000, ...milk }, opts);
    expect(s.phase).toMatchObject({ kind: 'recognised', label: 'Milk' });
  });

  it('says "unknown" only after a product stays unrecognised for a while, never a guess', () => {
    let s = run(initialPhaseState(0), 0, 1900, stranger);
    expect(s.phase.kind).toBe('seeing');
    s = run(s, 1900, 2300, stranger);
    expect(s.phase.kind).toBe('unknown');
    expect('label' in s.phase).toBe(false);
  });

  it('returns to idle once the product has left for leaveAfterMs, not on one empty frame', () => {
    let s = run(initialPhaseState(0), 0, 3000, apple);
    s = run(s, 3000, 3500, empty);
    expect(s.phase.kind).toBe('recommending');
    s = run(s, 3500, 4200, empty);
    expect(s.phase.kind).toBe('idle');
  });

  it('a brief empty frame does not interrupt the recommendations', () => {
    let s = run(initialPhaseState(0), 0, 3000, apple);
    s = nextPhase(s, { at: 3000, ...empty }, opts);
    s = run(s, 3100, 5000, apple);
    expect(s.phase).toMatchObject({ kind: 'recommending', label: 'Apple' });
  });

  it('times out to idle and does not bounce back while the same product stays', () => {
    let s = run(initialPhaseState(0), 0, 12_000, apple);
    expect(s.phase.kind).toBe('idle');
    s = run(s, 12_000, 30_000, apple);
    expect(s.phase.kind).toBe('idle');
    // a different product re-arms the demo at once
    s = nextPhase(s, { at: 30_000, ...milk }, opts);
    expect(s.phase).toMatchObject({ kind: 'recognised', label: 'Milk' });
  });

  it('re-arms after a timeout once the scene has been empty', () => {
    let s = run(initialPhaseState(0), 0, 12_000, apple);
    expect(s.phase.kind).toBe('idle');
    s = run(s, 12_000, 14_000, empty);
    s = run(s, 14_000, 14_300, apple);
    expect(s.phase).toMatchObject({ kind: 'recognised', label: 'Apple' });
  });

  it('leaves the unknown state as soon as the product becomes known (after teaching)', () => {
    let s = run(initialPhaseState(0), 0, 2500, stranger);
    expect(s.phase.kind).toBe('unknown');
    s = nextPhase(s, { at: 2500, ...apple }, opts);
    expect(s.phase).toMatchObject({ kind: 'recognised', label: 'Apple' });
  });

  it('returns the same object when nothing changes, so the UI does not re-render', () => {
    const s = run(initialPhaseState(0), 0, 1000, empty);
    expect(nextPhase(s, { at: 1100, ...empty }, opts)).toBe(s);
  });
});
