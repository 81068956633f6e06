import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { calibrateThreshold } from './calibrate.ts';
import { createClassifier } from './classifier.ts';

/** A unit vector at `deg` degrees in the plane of axes 0 and 1, lifted off the plane by `z`. */
function at(deg: number, z = 0, dim = 8): Float32Array {
  const v = new Float32Array(dim);
  v[0] = Math.cos((deg * Math.PI) / 180);
  v[1] = Math.sin((deg * Math.PI) / 180);
  v[2] = z;
  return v;
}

/** Three labels of 10 examples each, scattered (deterministically) ±jitter° around 0°, 60° and 120°. */
function clusters(jitter: number): { label: string; embedding: Float32Array }[] {
  return ['A', 'B', 'C'].flatMap((label, c) =>
    Array.from({ length: 10 }, (_, i) => {
      const u = (((i + 1) * 7919 + c * 104729) % 1009) / 1009; // in [0, 1), no repeats
      return { label, embedding: at(c * 60 + (2 * u - 1) * jitter, (i % 2) * 0.1) };
    }),
  );
}

describe('calibrateThreshold', () => {
  it('puts the threshold between the labels when they separate', () => {
    const cal = calibrateThreshold(clusters(10), { falseAcceptRate: 0 });
    expect(cal.falseAcceptRate).toBe(0);
    expect(cal.trueAcceptRate).toBe(1);
    expect(cal.impostorCount).toBe(30);
    expect(cal.genuineCount).toBe(30);
    // Nearest other label is ≥ 40° away (cos ≈ 0.77); own label within 20° (cos ≈ 0.94).
    expect(cal.threshold).toBeGreaterThan(Math.cos((60 * Math.PI) / 180));
    expect(cal.threshold).toBeLessThan(Math.cos((20 * Math.PI) / 180));
  });

  it('holds the false-accept rate, on average, for products that were never taught', () => {
    const data = clusters(40);
    const cal = calibrateThreshold(data, { falseAcceptRate: 0.25 });
    expect(cal.falseAcceptRate).toBeLessThanOrEqual(0.25);
    expect(cal.falseAcceptRate).toBeGreaterThan(0); // the clusters overlap: the target is binding
    // Each label in turn plays the untaught product against a classifier taught the others.
    let accepted = 0;
    for (const held of ['A', 'B', 'C']) {
      const c = createClassifier({ k: 1, threshold: cal.threshold, whiten: false });
      data.forEach((e, i) => e.label !== held && c.add({ id: `e${i}`, ...e }));
      accepted += data.filter((e) => e.label === held && !c.predict(e.embedding).unknown).length;
    }
    expect(accepted / data.length).toBeCloseTo(cal.falseAcceptRate, 9);
  });

  it('trades false accepts for true accepts along its curve', () => {
    const cal = calibrateThreshold(clusters(60));
    for (let i = 1; i < cal.curve.length; i++) {
      const [prev, cur] = [cal.curve[i - 1], cal.curve[i]];
      expect(cur?.threshold).toBeLessThanOrEqual(prev?.threshold ?? Infinity);
      expect(cur?.falseAcceptRate).toBeGreaterThanOrEqual(prev?.falseAcceptRate ?? -Infinity);
      expect(cur?.trueAcceptRate).toBeGreaterThanOrEqual(prev?.trueAcceptRate ?? -Infinity);
    }
    const strict = calibrateThreshold(clusters(60), { falseAcceptRate: 0 });
    expect(strict.threshold).toBeGreaterThanOrEqual(cal.threshold);
  });

  it('can calibrate in the centred space', () => {
    const lifted = clusters(10).map((e) => ({ ...e, embedding: e.embedding.map((x, j) => (j === 3 ? 3 : x)) }));
    const raw = calibrateThreshold(lifted, { falseAcceptRate: 0 });
    const centred = calibrateThreshold(lifted, { falseAcceptRate: 0, centre: true });
    // The shared component makes everything look alike raw; centring removes it.
    expect(raw.threshold).toBeGreaterThan(0.9);
    expect(centred.threshold).toBeLessThan(raw.threshold - 0.3);
    expect(centred.trueAcceptRate).toBe(1);
  });

  it('refuses unusable input', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        return err instanceof AppError ? err.code : 'other';
      }
      return 'none';
    };
    expect(code(() => calibrateThreshold([{ label: 'A', embedding: at(0) }, { label: 'A', embedding: at(5) }]))).toBe('VALIDATION_FAILED');
    expect(code(() => calibrateThreshold(clusters(10), { falseAcceptRate: 1 }))).toBe('VALIDATION_FAILED');
    expect(code(() => calibrateThreshold([{ label: 'A', embedding: at(0) }, { label: 'B', embedding: new Float32Array(3) }]))).toBe('INVALID_EMBEDDING');
    expect(code(() => calibrateThreshold([{ label: 'A', embedding: at(0) }, { label: 'B', embedding: new Float32Array(8) }]))).toBe('INVALID_EMBEDDING');
  });
});
