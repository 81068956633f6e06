/** Retry delays that double from `baseMs` up to `maxMs`, with ±`jitter` spread so a fleet of kiosks does not retry in step. */
export interface Backoff {
  /** The delay before the next attempt, in ms; each call counts one failure. */
  next(): number;
  /** Call after a success: the next failure starts again from `baseMs`. */
  reset(): void;
  /** Failures since the last success. */
  readonly failures: number;
}

/** Options of createBackoff; delays in ms. */
export interface BackoffOptions {
  /** First delay. Default 1000. */
  baseMs?: number;
  /** Largest delay. Default 30000. */
  maxMs?: number;
  /** Relative spread in [0, 1). Default 0.2. */
  jitter?: number;
  /** Random source in [0, 1), injected for tests. Default Math.random. */
  random?: () => number;
}

/** Exponential backoff with jitter. */
export function createBackoff(opts: BackoffOptions = {}): Backoff {
  const baseMs = opts.baseMs ?? 1000;
  const maxMs = opts.maxMs ?? 30_000;
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  let failures = 0;
  return {
    next() {
      const raw = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
      failures++;
      return Math.round(raw * (1 - jitter + 2 * jitter * random()));
    },
    reset() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}
