/**
 * The shallow comparisons a node's set-up uses to pass over a node like the one before it.
 */
import { describe, expect, it } from 'vitest';
import { sameFields, sameValues } from '../../src/sim/same-values.ts';

describe('sameValues and sameFields', () => {
  it('compares arrays value by value, in order', () => {
    expect(sameValues([868.1e6, 868.3e6], [868.1e6, 868.3e6])).toBe(true);
    expect(sameValues([868.1e6, 868.3e6], [868.3e6, 868.1e6])).toBe(false);
    expect(sameValues([1], [1, 2])).toBe(false);
    expect(sameValues([Number.NaN], [Number.NaN])).toBe(true);
    expect(sameValues([0], [-0])).toBe(false);
  });

  it('compares flat records key by key, their keys in the same order', () => {
    const airtime = { chip: 'sx127x', sf: 7, bandwidthHz: 125_000, codingRate: 1, crc: true, ldro: undefined };
    expect(sameFields(airtime, { ...airtime })).toBe(true);
    expect(sameFields(airtime, { ...airtime, sf: 8 })).toBe(false);
    expect(sameFields(airtime, { ...airtime, extra: 1 })).toBe(false);
    const { ldro: _, ...withoutLdro } = airtime;
    // An undefined field is not a missing one: JSON would key them alike, the comparison keys them apart (a new plan, never a wrong one).
    expect(sameFields(airtime, withoutLdro)).toBe(false);
    expect(sameFields({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
  });
});
