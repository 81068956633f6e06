// The demo's phases as a pure state machine: the recognition loop feeds it one observation per
// frame (and the UI a heartbeat), the screen renders `state.phase`. No timers, no DOM: time is the
// `at` of each observation, so tests drive it with plain numbers.

/** What the mirror is showing. `since` is the ms timestamp the phase began. */
export type Phase =
  | { kind: 'idle'; since: number }
  | { kind: 'seeing'; since: number }
  | { kind: 'recognised'; label: string; since: number }
  | { kind: 'recommending'; label: string; since: number }
  | { kind: 'unknown'; since: number };

/** One frame's verdict after smoothing. */
export interface Observation {
  /** Timestamp in ms (any monotonic clock). */
  at: number;
  /** Something is in front of the mirror (not the empty scene). */
  present: boolean;
  /** The stable label, or null while nothing is stable (or the stable verdict is unknown). */
  label: string | null;
  /** The stable verdict is "nothing close enough": a product the mirror does not know. */
  unknown: boolean;
}

/** Timings of the demo, in ms. */
export interface PhaseOptions {
  /** Empty scene this long sends the mirror back to idle. Default 2500. */
  leaveAfterMs: number;
  /** Something present without a stable label this long shows "I don't know this one". Default 4000. */
  unknownAfterMs: number;
  /** The recognised label is shown alone this long before the recommendation cards. Default 1500. */
  recognisedMs: number;
  /** Cards (or the unknown message) stay at most this long, then idle until the scene changes. Default 60000. */
  showMaxMs: number;
}

/** Default timings; `showMaxMs` is replaced by the server's idleTimeoutMs when set. */
export const DEFAULT_PHASE_OPTIONS: PhaseOptions = {
  leaveAfterMs: 2500,
  unknownAfterMs: 4000,
  recognisedMs: 1500,
  showMaxMs: 60_000,
};

/** The machine's whole state. */
export interface PhaseState {
  phase: Phase;
  /** Last time something was present, in ms. */
  lastPresentAt: number;
  /**
   * After a timeout the mirror goes idle although the product is still there; it must not
   * bounce straight back, so it waits for the scene to empty or for a different label.
   * `label: null` means the unknown product was dismissed.
   */
  dismissed: { label: string | null } | null;
}

/** The state of a mirror that has just started at `now` ms. */
export function initialPhaseState(now: number): PhaseState {
  return { phase: { kind: 'idle', since: now }, lastPresentAt: Number.NEGATIVE_INFINITY, dismissed: null };
}

/** The next state after one observation. Pure: returns `state` itself when nothing changes. */
export function nextPhase(state: PhaseState, obs: Observation, opts: PhaseOptions = DEFAULT_PHASE_OPTIONS): PhaseState {
  const lastPresentAt = obs.present ? obs.at : state.lastPresentAt;
  const gone = !obs.present && obs.at - lastPresentAt >= opts.leaveAfterMs;
  let dismissed = state.dismissed;
  if (dismissed && (gone || (obs.label !== null && obs.label !== dismissed.label))) dismissed = null;

  const phase = state.phase;
  const to = (next: Phase): PhaseState => ({ phase: next, lastPresentAt, dismissed });
  const keep = (): PhaseState =>
    lastPresentAt === state.lastPresentAt && dismissed === state.dismissed ? state : { phase, lastPresentAt, dismissed };
  const elapsed = obs.at - phase.since;

  if (gone && phase.kind !== 'idle') return to({ kind: 'idle', since: obs.at });

  switch (phase.kind) {
    case 'idle':
      if (!obs.present || dismissed) return keep();
      if (obs.label !== null) return to({ kind: 'recognised', label: obs.label, since: obs.at });
      return to({ kind: 'seeing', since: obs.at });
    case 'seeing':
      if (obs.label !== null) return to({ kind: 'recognised', label: obs.label, since: obs.at });
      if (obs.present && elapsed >= opts.unknownAfterMs) return to({ kind: 'unknown', since: obs.at });
      return keep();
    case 'recognised':
      if (obs.label !== null && obs.label !== phase.label) return to({ kind: 'recognised', label: obs.label, since: obs.at });
      if (obs.unknown && obs.present) return to({ kind: 'unknown', since: obs.at });
      if (elapsed >= opts.recognisedMs) return to({ kind: 'recommending', label: phase.label, since: obs.at });
      return keep();
    case 'recommending':
      if (obs.label !== null && obs.label !== phase.label) return to({ kind: 'recognised', label: obs.label, since: obs.at });
      if (obs.unknown && obs.present) return to({ kind: 'unknown', since: obs.at });
      if (elapsed >= opts.showMaxMs) {
        return { phase: { kind: 'idle', since: obs.at }, lastPresentAt, dismissed: { label: phase.label } };
      }
      return keep();
    case 'unknown':
      if (obs.label !== null) return to({ kind: 'recognised', label: obs.label, since: obs.at });
      if (elapsed >= opts.showMaxMs) return { phase: { kind: 'idle', since: obs.at }, lastPresentAt, dismissed: { label: null } };
      return keep();
    default: {
      const never: never = phase;
      return never;
    }
  }
}
