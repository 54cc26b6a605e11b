import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandomStreams, type RandomStream } from '../../src/sim/rng.ts';
import { keyedNormal, keyedNormal3, keyedNormal3Within, keyedNormal4, keyedNormal4Within, keyedUniform, keyedUniform4 } from '../../src/sim/keyed-random.ts';

const draws = (stream: RandomStream, n: number): number[] => Array.from({ length: n }, () => stream.next());

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

const minOf = (values: readonly number[]): number => values.reduce((m, v) => Math.min(m, v), Infinity);
const maxOf = (values: readonly number[]): number => values.reduce((m, v) => Math.max(m, v), -Infinity);

/** Pearson's statistic over 10 equal bins of [0, 1). */
function chiSquare10(values: readonly number[]): number {
  const counts = new Array<number>(10).fill(0);
  for (const v of values) counts[Math.floor(v * 10)]! += 1;
  const expected = values.length / 10;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

/**
 * χ²(9 degrees of freedom) exceeds 33.72 with probability 1e-4. The draws are seeded, so each
 * test below either always passes or always fails; this bound only has to be loose enough for
 * a good generator and tight enough to catch a broken one (a stuck or biased bin adds thousands).
 */
const chiSquare9dfP1e4 = 33.72;

describe('createRandomStreams', () => {
  it('stream(name).next() for seed 42 and "node/7/traffic" starts 0.4399267355565346, 0.8916347031325893, 0.45165412031874796', () => {
    // Pinned from a run: a change of generator, seeding or float conversion changes these.
    const s = createRandomStreams(42).stream('node/7/traffic');
    expect(draws(s, 3)).toEqual([0.4399267355565346, 0.8916347031325893, 0.45165412031874796]);
    expect(s.int(1, 6)).toBe(2);
    expect(s.exponential(1000)).toBe(355.0271721545552);
    expect(s.normal()).toBe(-0.4462758901884862);
  });

  it('gives the same sequence for the same seed and name, across factories', () => {
    const a = createRandomStreams(7).stream('gateway/0/shadowing');
    const b = createRandomStreams(7).stream('gateway/0/shadowing');
    expect(draws(a, 1000)).toEqual(draws(b, 1000));
  });

  it('gives different sequences for different names and for different seeds', () => {
    const reference = draws(createRandomStreams(7).stream('node/1'), 20);
    const otherName = draws(createRandomStreams(7).stream('node/2'), 20);
    const otherSeed = draws(createRandomStreams(8).stream('node/1'), 20);
    // Not just a shifted copy either: no draw in common.
    expect(otherName.filter((v) => reference.includes(v))).toEqual([]);
    expect(otherSeed.filter((v) => reference.includes(v))).toEqual([]);
  });

  it("a stream's draws do not depend on other streams being created or consumed", () => {
    const alone = draws(createRandomStreams(3).stream('node/5/traffic'), 200);

    const rng = createRandomStreams(3);
    const noisy = rng.stream('node/4/traffic');
    draws(noisy, 137);
    const target = rng.stream('node/5/traffic');
    const other = rng.stream('node/6/traffic');
    const interleaved: number[] = [];
    for (let i = 0; i < 200; i++) {
      interleaved.push(target.next());
      other.next();
      noisy.normal();
    }
    expect(interleaved).toEqual(alone);
  });

  it('a second stream() call with the same name restarts that sequence', () => {
    const rng = createRandomStreams(11);
    const first = draws(rng.stream('x'), 5);
    expect(draws(rng.stream('x'), 5)).toEqual(first);
  });

  it('rejects a seed that is negative, fractional or beyond 2^53 − 1 with RangeError', () => {
    expect(() => createRandomStreams(-1)).toThrow(RangeError);
    expect(() => createRandomStreams(1.5)).toThrow(RangeError);
    expect(() => createRandomStreams(2 ** 53)).toThrow(RangeError);
    expect(createRandomStreams(0).seed).toBe(0);
  });

  it('next() lies in [0, 1) with mean 0.5 within 5 standard errors over 100,000 draws', () => {
    const values = draws(createRandomStreams(1).stream('uniform'), 100_000);
    expect(minOf(values)).toBeGreaterThanOrEqual(0);
    expect(maxOf(values)).toBeLessThan(1);
    // SE of the mean = sqrt(1/12 / n) = 0.000913
    const se = Math.sqrt(1 / 12 / values.length);
    expect(Math.abs(meanAndVariance(values).mean - 0.5)).toBeLessThan(5 * se);
    expect(chiSquare10(values)).toBeLessThan(chiSquare9dfP1e4);
  });

  it('int(min, max) returns integers within both bounds inclusive, and hits every value', () => {
    const s = createRandomStreams(2).stream('dice');
    const counts = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const v = s.int(-3, 3);
      expect(Number.isInteger(v)).toBe(true);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    // Each of the 7 values expects 1,428.6 hits, SD ≈ 35; 5 SD is 175.
    for (const c of counts.values()) expect(Math.abs(c - 10_000 / 7)).toBeLessThan(175);
    expect(s.int(5, 5)).toBe(5);
  });

  it('exponential(1000) has mean 1000 within 5 standard errors (±15.8) over 100,000 draws, and is never negative', () => {
    const s = createRandomStreams(4).stream('arrivals');
    const n = 100_000;
    const values = Array.from({ length: n }, () => s.exponential(1000));
    expect(minOf(values)).toBeGreaterThanOrEqual(0);
    // Exponential SD equals its mean, so SE = 1000 / sqrt(n) = 3.162 ms.
    expect(Math.abs(meanAndVariance(values).mean - 1000)).toBeLessThan((5 * 1000) / Math.sqrt(n));
  });

  it('normal() has mean 0 (±0.0158) and variance 1 (±0.0224) within 5 standard errors over 100,000 draws', () => {
    const s = createRandomStreams(5).stream('fading');
    const n = 100_000;
    const { mean, variance } = meanAndVariance(Array.from({ length: n }, () => s.normal()));
    // SE(mean) = 1/sqrt(n); SE(sample variance) = sqrt(2/(n − 1)) for a normal population.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (n - 1)));
  });
});

describe('keyedUniform and keyedNormal', () => {
  it('keyedUniform(42, 1, 2) is 0.10727258003342655 and keyedNormal(42, 1, 2) is 0.4488485433749941', () => {
    // Pinned from a run, so that a change of the mixing function is caught.
    expect(keyedUniform(42, 1, 2)).toBe(0.10727258003342655);
    expect(keyedNormal(42, 1, 2)).toBe(0.4488485433749941);
    expect(keyedUniform(0)).toBe(0.5903522839347807);
    expect(keyedUniform(2 ** 40, 3)).toBe(0.8058842607659571);
  });

  it('are pure functions of (seed, keys): the same call gives the same value, whatever ran in between', () => {
    const first = keyedUniform(9, 4, 17, 3);
    const firstNormal = keyedNormal(9, 4, 17, 3);
    for (let k = 0; k < 100; k++) {
      keyedUniform(9, k);
      keyedNormal(10, k, 17);
    }
    expect(keyedUniform(9, 4, 17, 3)).toBe(first);
    expect(keyedNormal(9, 4, 17, 3)).toBe(firstNormal);
  });

  it('differ when any key, the key order, the number of keys or the seed changes', () => {
    const base = keyedUniform(9, 4, 17);
    const variants = [
      keyedUniform(9, 5, 17),
      keyedUniform(9, 4, 18),
      keyedUniform(9, 17, 4),
      keyedUniform(9, 4, 17, 0),
      keyedUniform(9, 4),
      keyedUniform(10, 4, 17),
      keyedUniform(9 + 2 ** 32, 4, 17),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    expect(keyedNormal(9, 4, 17)).not.toBe(keyedNormal(9, 4, 18));
  });

  it('keyedUniform over 50,000 consecutive keys has mean 0.5 within 5 standard errors and passes a 10-bin χ² test', () => {
    const n = 50_000;
    const values = Array.from({ length: n }, (_, k) => keyedUniform(123, k));
    expect(minOf(values)).toBeGreaterThanOrEqual(0);
    expect(maxOf(values)).toBeLessThan(1);
    // SE = sqrt(1/12 / 50,000) = 0.00129; 5 SE = 0.00645.
    expect(Math.abs(meanAndVariance(values).mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(chiSquare10(values)).toBeLessThan(chiSquare9dfP1e4);
  });

  it('keyedUniform over 50,000 pairs (node, frame) with the first key fixed is uniform too', () => {
    const values: number[] = [];
    for (let frame = 0; frame < 50_000; frame++) values.push(keyedUniform(123, 7, frame));
    expect(chiSquare10(values)).toBeLessThan(chiSquare9dfP1e4);
  });

  it('keyedNormal over 50,000 keys has mean 0 (±0.0224) and variance 1 (±0.0316) within 5 standard errors', () => {
    const n = 50_000;
    const { mean, variance } = meanAndVariance(Array.from({ length: n }, (_, k) => keyedNormal(77, 3, k)));
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (n - 1)));
  });
});

describe('keyed draws without allocation', () => {
  it('keyedNormal3, keyedNormal4 and keyedUniform4 draw what keyedNormal and keyedUniform draw, for 20,000 random keys', () => {
    const key = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), key, key, key, key, (seed, a, b, c, d) => {
        expect(keyedNormal3(seed, a, b, c)).toBe(keyedNormal(seed, a, b, c));
        expect(keyedNormal4(seed, a, b, c, d)).toBe(keyedNormal(seed, a, b, c, d));
        expect(keyedUniform4(seed, a, b, c, d)).toBe(keyedUniform(seed, a, b, c, d));
      }),
      { numRuns: 20_000, seed: 14 },
    );
  });

  it('keyedNormal4Within(…, 1) is keyedNormal4 where that is within ±1, and otherwise the normal truncated at ±1: mean 0, variance 0.2911 (50,000 redrawn keys)', () => {
    const n = 50_000;
    const redrawn: number[] = [];
    let kept = 0;
    for (let k = 0; redrawn.length < n; k++) {
      const z = keyedNormal4(5, 2, 7, k, 11);
      const within = keyedNormal4Within(5, 2, 7, k, 11, 1);
      if (Math.abs(z) <= 1) {
        expect(within).toBe(z);
        kept++;
      } else redrawn.push(within);
    }
    expect(kept).toBeGreaterThan(n);
    expect(maxOf(redrawn.map(Math.abs))).toBeLessThanOrEqual(1);
    // Var = 1 − 2φ(1)/(2Φ(1) − 1) = 1 − 2·0.241971/0.682689 = 0.291125 for the normal truncated at ±1.
    const { mean, variance } = meanAndVariance(redrawn);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(0.291125 / n));
    expect(Math.abs(variance - 0.291125)).toBeLessThan(0.006);
  });

  it('keyedNormal3Within is a pure function of its keys, redraws included, and keyedNormal3 within its bound', () => {
    const first = Array.from({ length: 200 }, (_, k) => keyedNormal3Within(8, 1, k, 3, 0.5));
    for (let k = 0; k < 100; k++) keyedNormal4Within(9, k, 1, 2, 3, 0.1);
    expect(Array.from({ length: 200 }, (_, k) => keyedNormal3Within(8, 1, k, 3, 0.5))).toEqual(first);
    expect(maxOf(first.map(Math.abs))).toBeLessThanOrEqual(0.5);
    for (let k = 0; k < 200; k++) if (Math.abs(keyedNormal3(8, 1, k, 3)) <= 0.5) expect(first[k]).toBe(keyedNormal3(8, 1, k, 3));
  });
});
