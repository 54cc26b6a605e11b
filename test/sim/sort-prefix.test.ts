/**
 * sortPrefix against Array.prototype.sort: the same order, ties included (both stable), on
 * seeded random prefixes short (insertion) and long (the built-in sort), the rest untouched.
 */
import { describe, expect, it } from 'vitest';
import { sortPrefix } from '../../src/sim/sort-prefix.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';

describe('sortPrefix', () => {
  it('sorts the first count items as Array.prototype.sort does, stably, and leaves the rest', () => {
    const rng = createRandomStreams(5).stream('sort-prefix');
    // Items with equal keys and distinct ids: a stable sort keeps the ids of equal keys in order.
    const byKey = (a: { key: number }, b: { key: number }): number => a.key - b.key;
    for (let trial = 0; trial < 2000; trial++) {
      const length = rng.int(0, 80);
      const count = rng.int(0, length);
      const items = Array.from({ length }, (_, id) => ({ key: rng.int(0, 6), id }));
      const expected = [...items.slice(0, count).sort(byKey), ...items.slice(count)];
      sortPrefix(items, count, byKey);
      expect(items).toEqual(expected);
    }
  });
});
