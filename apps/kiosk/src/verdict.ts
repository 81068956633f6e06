// Temporal smoothing of per-frame answers: a label is announced only when it won most of the last
// `window` frames, including the latest, so a one-frame glitch never flips the screen.

/** One frame's answer. */
export interface Vote {
  label: string | null;
  unknown: boolean;
}

/** The stable answer so far: a label, "unknown", or neither (still undecided). */
export interface StableVote {
  label: string | null;
  unknown: boolean;
}

/** Smooths frame answers. */
export interface Verdict {
  push(vote: Vote): StableVote;
  reset(): void;
}

/** Options of createVerdict. */
export interface VerdictOptions {
  /** Frames voted over. Default 5. */
  window?: number;
  /** Share of the window the winner needs, in (0.5, 1]. Default 0.6. */
  quorum?: number;
}

const UNKNOWN = '\u0000unknown';

/** Majority vote over a sliding window (bounded memory: `window` entries). */
export function createVerdict(opts: VerdictOptions = {}): Verdict {
  const size = Math.max(1, opts.window ?? 5);
  const quorum = opts.quorum ?? 0.6;
  const votes: string[] = [];
  return {
    push(vote) {
      votes.push(vote.unknown || vote.label === null ? UNKNOWN : vote.label);
      if (votes.length > size) votes.shift();
      const latest = votes[votes.length - 1] ?? UNKNOWN;
      let count = 0;
      for (const v of votes) if (v === latest) count++;
      // Undecided until the window is full: the first frames of a product are often motion blur.
      if (votes.length < size || count < Math.ceil(quorum * size)) return { label: null, unknown: false };
      return latest === UNKNOWN ? { label: null, unknown: true } : { label: latest, unknown: false };
    },
    reset() {
      votes.length = 0;
    },
  };
}
