// The recognition loop's timing, kept apart from the DOM so it can be unit tested: one frame at a
// time (the next starts only after the previous finished: no overlap, no queue), paced by the
// measured embed time so a slow machine still has CPU left for the screen.

/** Pacing of the loop. */
export interface PacingOptions {
  /** Upper bound on frames per second. Default 10. */
  maxFps: number;
  /** Idle time after each frame as a share of its embed time (0.5: at most 2/3 of the CPU). Default 0.5. */
  restShare: number;
  /** Benchmark mode: no pause at all between frames. Default false. */
  flat: boolean;
}

/** Default pacing. */
export const DEFAULT_PACING: PacingOptions = { maxFps: 10, restShare: 0.5, flat: false };

/** The pause before the next frame, in ms, after a frame that took `frameMs`. */
export function pauseAfter(frameMs: number, opts: PacingOptions = DEFAULT_PACING): number {
  if (opts.flat) return 0;
  const period = 1000 / opts.maxFps;
  return Math.max(0, period - frameMs, frameMs * opts.restShare);
}

/** Exponential moving average; the first sample is taken as is. */
export function ema(previous: number | null, sample: number, weight = 0.1): number {
  return previous === null ? sample : previous + weight * (sample - previous);
}

/** Runs `frame` repeatedly until stopped, never two at once. */
export interface Loop {
  stop(): void;
  readonly running: boolean;
}

/**
 * Calls `frame()` and waits `pause(frameMs)` after it, forever. A throwing frame is reported to
 * `onError` and the loop goes on after a second (a camera hiccup must not end recognition).
 */
export function startLoop(
  frame: () => Promise<void>,
  pause: (frameMs: number) => number,
  onError: (err: unknown) => void,
  now: () => number = () => performance.now(),
): Loop {
  let running = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async (): Promise<void> => {
    if (!running) return;
    const t0 = now();
    let wait: number;
    try {
      await frame();
      wait = pause(now() - t0);
    } catch (err) {
      onError(err);
      wait = 1000;
    }
    if (running) timer = setTimeout(() => void tick(), wait);
  };
  timer = setTimeout(() => void tick(), 0);
  return {
    stop() {
      running = false;
      clearTimeout(timer);
    },
    get running() {
      return running;
    },
  };
}
