/**
 * The systematic sample keeps every k-th item from the first, k the smallest power of two that
 * keeps at most the limit, whatever the stream's length and whether or not it was told the
 * length in advance; the top consumers
 * are the energy view's first stacks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSystematicSample } from '../../../src/dashboard/digest/systematic-sample.ts';
import { topConsumers } from '../../../src/dashboard/digest/energy-top.ts';
import { energyStacks } from '../../../src/dashboard/views/energy.ts';

function sampled(n: number, limit: number, expected?: number): { items: number[]; every: number; seen: number } {
  const sample = createSystematicSample<number>(limit, expected);
  for (let i = 0; i < n; i++) {
    if (sample.wants()) sample.keep(i);
    else sample.skip();
  }
  return { items: [...sample.items], every: sample.every, seen: sample.seen };
}

describe('createSystematicSample', () => {
  it('keeps items 0, 4 and 8 of 10 with a limit of 3', () => {
    expect(sampled(10, 3)).toEqual({ items: [0, 4, 8], every: 4, seen: 10 });
  });

  it('keeps every item of a stream within the limit', () => {
    expect(sampled(5, 5)).toEqual({ items: [0, 1, 2, 3, 4], every: 1, seen: 5 });
  });

  it('keeps the multiples of the smallest power of two k with ceil(n / k) ≤ limit, told the length or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 300 }), (n, limit) => {
        let k = 1;
        while (Math.ceil(n / k) > limit) k *= 2;
        const expected = { items: Array.from({ length: Math.ceil(n / k) }, (_, i) => i * k), every: k, seen: n };
        expect(sampled(n, limit)).toEqual(expected);
        expect(sampled(n, limit, n)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a limit under 1', () => {
    expect(() => createSystematicSample(0)).toThrow(RangeError);
  });
});


describe('topConsumers', () => {
  it('is the energy view\'s first stacks: total descending, ties by id', () => {
    const ids = ['d', 'b', 'a', 'c', 'e'];
    const energies = new Float64Array([1, 2, 0.1, 0.2, 3, 0, 0.1, 0.2, 0, 0]);
    const stacks = energyStacks(ids.map((id, i) => ({ id, energyJByState: { transmit: energies[2 * i]!, receive: energies[2 * i + 1]! } })));
    expect(topConsumers(energies, 2, ids, 3).map((i) => ids[i])).toEqual(stacks.slice(0, 3).map((s) => s.id));
    expect(topConsumers(energies, 2, ids, 3).map((i) => ids[i])).toEqual(['a', 'd', 'b']);
  });
});
