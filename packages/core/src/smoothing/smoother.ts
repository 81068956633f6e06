import { AppError } from '@smartmirror/api';

/** What the screen shows: nothing in front, something being looked at, a product, or "not known". */
export type SmootherPhase = 'idle' | 'detecting' | 'recognised' | 'unknown';

/** One live frame's classification; `null` means nothing is in front of the camera. */
export type SmootherFrame = { label: string | null; confidence: number } | null;

/** The smoothed state announced to the screen. */
export interface SmootherState {
  /** The announced label; non-null only in phase 'recognised'. */
  label: string | null;
  phase: SmootherPhase;
  /** Clock time (ms) at which this phase and label began. */
  since: number;
  /** Confidence of the latest frame that supported the state (0 when idle). */
  confidence: number;
}

/** The state after one frame, and whether its phase or label changed with it. */
export interface SmootherUpdate extends SmootherState {
  changed: boolean;
}

/** Turns noisy per-frame predictions into a steady label for the screen. */
export interface Smoother {
  /** Feeds one frame (null: nothing in front) and returns the smoothed state. */
  update(frame: SmootherFrame): SmootherUpdate;
  /** The current state, without feeding a frame. */
  readonly state: SmootherState;
  /** Back to idle, forgetting every frame seen. */
  reset(): void;
}

/** How eager the smoother is. Times are in milliseconds of the injected clock. */
export interface SmootherOptions {
  /** Clock in ms (injected so tests can drive it). Default Date.now. */
  now?: () => number;
  /** Confidence a label's frames need to be announced. Default 0.6. */
  enter?: number;
  /** Confidence under which a frame stops supporting the announced label (≤ enter: hysteresis). Default 0.35. */
  exit?: number;
  /** Consecutive agreeing frames needed before a new state is announced. Default 3. */
  minFrames?: number;
  /** …held for at least this long (ms), so fast cameras do not announce sooner. Default 300. */
  minMs?: number;
  /** How long (ms) an announced label survives frames that do not support it. Default 1000. */
  holdMs?: number;
}

/** Default options of createSmoother (confidences in [0, 1], times in ms). */
export const SMOOTHER_DEFAULTS = { enter: 0.6, exit: 0.35, minFrames: 3, minMs: 300, holdMs: 1000 } as const;

/**
 * A smoother with hysteresis, driven by an injected clock:
 * - frames are observed as a strong label (confidence ≥ enter), unknown (unknown, or a label
 *   below enter) or absent (null); a run of identical observations is stable once it lasted
 *   minFrames frames and minMs;
 * - a stable label run is announced (phase 'recognised'), replacing any other label at once;
 * - the announced label is kept while frames show it with confidence ≥ exit, and through other
 *   frames (brief dips, a hand passing) for holdMs after its last supporting frame;
 * - once the hold expired, a stable unknown run gives 'unknown', a stable absent run 'idle',
 *   anything else 'detecting'; from 'idle', any frame with something in front gives 'detecting'.
 */
export function createSmoother(opts: SmootherOptions = {}): Smoother {
  const o = { ...SMOOTHER_DEFAULTS, ...withoutUndefined(opts) };
  const bad = (msg: string): never => {
    throw new AppError('VALIDATION_FAILED', `smoother option ${msg}`);
  };
  if (!(o.enter >= 0 && o.enter <= 1)) bad(`enter must be in [0, 1], got ${o.enter}`);
  if (!(o.exit >= 0 && o.exit <= o.enter)) bad(`exit must be in [0, enter], got ${o.exit}`);
  if (!Number.isInteger(o.minFrames) || o.minFrames < 1) bad(`minFrames must be a positive integer, got ${o.minFrames}`);
  if (!(o.minMs >= 0)) bad(`minMs must be ≥ 0, got ${o.minMs}`);
  if (!(o.holdMs >= 0)) bad(`holdMs must be ≥ 0, got ${o.holdMs}`);
  return new HysteresisSmoother(opts.now ?? Date.now, o);
}

function withoutUndefined(opts: SmootherOptions): Partial<typeof SMOOTHER_DEFAULTS> {
  const out: Record<string, number> = {};
  for (const key of ['enter', 'exit', 'minFrames', 'minMs', 'holdMs'] as const) {
    const v = opts[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

type Settings = { -readonly [K in keyof typeof SMOOTHER_DEFAULTS]: number };

/** An observation kind: `label:<name>`, `unknown` or `absent`. */
type RunKey = string;

class HysteresisSmoother implements Smoother {
  private current: SmootherState;
  private runKey: RunKey = 'absent';
  private runFrames = 0;
  private runStart = 0;
  private lastSupport = 0;

  constructor(
    private readonly now: () => number,
    private readonly o: Settings,
  ) {
    this.current = { label: null, phase: 'idle', since: now(), confidence: 0 };
  }

  get state(): SmootherState {
    return { ...this.current };
  }

  reset(): void {
    this.current = { label: null, phase: 'idle', since: this.now(), confidence: 0 };
    this.runKey = 'absent';
    this.runFrames = 0;
  }

  update(frame: SmootherFrame): SmootherUpdate {
    const t = this.now();
    const confidence = frame === null || !Number.isFinite(frame.confidence) ? 0 : frame.confidence;
    const key: RunKey =
      frame === null ? 'absent' : frame.label !== null && confidence >= this.o.enter ? `label:${frame.label}` : 'unknown';
    if (key === this.runKey && this.runFrames > 0) {
      this.runFrames++;
    } else {
      this.runKey = key;
      this.runFrames = 1;
      this.runStart = t;
    }
    const stable = this.runFrames >= this.o.minFrames && t - this.runStart >= this.o.minMs;

    const cur = this.current;
    let next: { phase: SmootherPhase; label: string | null; confidence: number } | null = null;
    if (cur.phase === 'recognised' && frame !== null && frame.label === cur.label && confidence >= this.o.exit) {
      this.lastSupport = t;
      this.current = { ...cur, confidence };
    } else if (stable && key.startsWith('label:') && key !== `label:${cur.label ?? ''}`) {
      next = { phase: 'recognised', label: key.slice('label:'.length), confidence };
    } else if (cur.phase !== 'recognised' || t - this.lastSupport >= this.o.holdMs) {
      if (stable) {
        next =
          key === 'absent'
            ? { phase: 'idle', label: null, confidence: 0 }
            : key === 'unknown'
              ? { phase: 'unknown', label: null, confidence }
              : { phase: 'recognised', label: key.slice('label:'.length), confidence };
      } else if (cur.phase === 'recognised' || (cur.phase === 'idle' && key !== 'absent')) {
        next = { phase: 'detecting', label: null, confidence };
      } else {
        this.current = { ...cur, confidence };
      }
    }

    let changed = false;
    if (next !== null) {
      changed = next.phase !== cur.phase || next.label !== cur.label;
      this.current = changed ? { ...next, since: t } : { ...cur, confidence: next.confidence };
      if (next.phase === 'recognised') this.lastSupport = t;
    }
    return { ...this.current, changed };
  }
}
