import { describe, expect, it } from 'vitest';
import { createClassifier } from '@smartmirror/core';
import { accuracyEpisodes, auroc, openSetEpisodes, seededRandom, shuffled } from './episodes.ts';

/** n unit vectors per label around one axis per label, plus noise: a separable toy dataset. */
function clusters(labels: number, n: number, noise: number, seed = 1): { labels: string[]; vectors: Float32Array[] } {
  const random = seededRandom(seed);
  const out = { labels: [] as string[], vectors: [] as Float32Array[] };
  for (let l = 0; l < labels; l++) {
    for (let i = 0; i < n; i++) {
      const v = Float32Array.from({ length: labels }, (_, d) => (d === l ? 1 : 0) + noise * (random() - 0.5));
      const norm = Math.hypot(...v);
      out.labels.push(`p${l}`);
      out.vectors.push(v.map((x) => x / norm));
    }
  }
  return out;
}

const knn = () => createClassifier({ k: 1, threshold: -1 });

describe('seededRandom', () => {
  it('repeats with the same seed and differs with another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('shuffles into a permutation', () => {
    const s = shuffled([1, 2, 3, 4, 5, 6], seededRandom(3));
    expect([...s].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('auroc', () => {
  it('is 1 when every positive outscores every negative, 0.5 for ties, 0 when reversed', () => {
    expect(auroc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auroc([0.5, 0.5], [0.5])).toBe(0.5);
    expect(auroc([0.1], [0.9, 0.8])).toBe(0);
    expect(auroc([0.9, 0.3], [0.5])).toBe(0.5);
  });
});

describe('accuracyEpisodes', () => {
  it('is perfect on well separated clusters and near chance on pure noise', () => {
    const easy = accuracyEpisodes(clusters(5, 8, 0.2), knn, { shots: 2, episodes: 4, seed: 1 });
    expect(easy.accuracy).toBe(1);
    expect(easy.queries).toBe(5 * 6);
    const random = seededRandom(9);
    const noise = { labels: clusters(5, 8, 0).labels, vectors: clusters(5, 8, 0).labels.map(() => Float32Array.from({ length: 5 }, () => random() - 0.5)) };
    const hard = accuracyEpisodes(noise, knn, { shots: 1, episodes: 10, seed: 1 });
    expect(hard.accuracy).toBeLessThan(0.5);
    expect(hard.ci95).toBeGreaterThan(0);
  });

  it('caps queries per label and gives the same result for the same seed', () => {
    const data = clusters(4, 10, 1.5);
    const a = accuracyEpisodes(data, knn, { shots: 3, episodes: 5, perClass: 2, seed: 4 });
    expect(a.queries).toBe(4 * 2);
    expect(accuracyEpisodes(data, knn, { shots: 3, episodes: 5, perClass: 2, seed: 4 })).toEqual(a);
  });
});

describe('openSetEpisodes', () => {
  it('separates taught clusters from never-seen ones', () => {
    const r = openSetEpisodes(clusters(6, 6, 0.2), knn, { shots: 2, known: 3, episodes: 3, seed: 1 });
    expect(r.auroc).toBe(1);
    expect(r.falseAcceptAt90Recall).toBe(0);
    expect(r.known).toBe(3);
  });
});
