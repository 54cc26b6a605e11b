/** Battery lifetime for every run: a node's, simulated or extrapolated, and the network's deaths in order. */
import { describe, expect, it } from 'vitest';
import { networkLifetime, nodeLifetime } from '../../src/metrics/lifetime.ts';

const energy = (drawnMc: number, remainingMah: number, options: { harvestedMc?: number; diedAtMs?: number } = {}) => ({
  chargeDrawnMc: drawnMc,
  chargeHarvestedMc: options.harvestedMc ?? 0,
  remainingMah,
  death: options.diedAtMs === undefined ? undefined : { atMs: options.diedAtMs, reason: 'batteryEmpty' as const },
});

describe('a node\'s lifetime', () => {
  it('extrapolates the remaining charge at the run\'s average net drain, after the window', () => {
    // 1 mAh (3600 mC) in the first hour, 9 mAh left: 9 more hours, 10 h in all.
    expect(nodeLifetime(energy(3600, 9), false, 3_600_000)).toEqual({ days: 0.416667, basis: 'extrapolated' });
    // Harvest covering half the drain doubles what is left.
    expect(nodeLifetime(energy(3600, 9, { harvestedMc: 1800 }), false, 3_600_000)).toEqual({ days: Number((19 / 24).toFixed(6)), basis: 'extrapolated' });
  });

  it('is the death when the node died, none on mains, none without net drain', () => {
    expect(nodeLifetime(energy(3600, 0, { diedAtMs: 43_200_000 }), false, 86_400_000)).toEqual({ days: 0.5, basis: 'died' });
    expect(nodeLifetime(energy(3600, 9), true, 3_600_000)).toEqual({ days: null, basis: 'mains' });
    expect(nodeLifetime(energy(100, 9, { harvestedMc: 100 }), false, 3_600_000)).toEqual({ days: null, basis: 'noNetDrain' });
  });
});

describe('the network\'s lifetime', () => {
  it('gives the first death, 10 % and half of the battery nodes dead, mains nodes left out', () => {
    const lifetimes = [
      { days: null, basis: 'mains' as const },
      ...Array.from({ length: 20 }, (_, i) => ({ days: 20 - i, basis: (i === 19 ? 'died' : 'extrapolated') as 'died' | 'extrapolated' })),
    ];
    const ids = ['gw', ...Array.from({ length: 20 }, (_, i) => `n-${i}`)];
    expect(networkLifetime(lifetimes, ids)).toEqual({
      batteryNodes: 20,
      firstDeath: { days: 1, node: 'n-19', basis: 'died' },
      // 10 % of 20: the 2nd death; half: the 10th.
      tenPercentDead: { days: 2, node: 'n-18', basis: 'extrapolated' },
      halfDead: { days: 10, node: 'n-10', basis: 'extrapolated' },
    });
  });

  it('has no k-th death when fewer than k nodes ever die, and none without batteries', () => {
    const lifetimes = [{ days: 5, basis: 'extrapolated' as const }, { days: null, basis: 'noNetDrain' as const }, { days: null, basis: 'noNetDrain' as const }];
    const network = networkLifetime(lifetimes, ['a', 'b', 'c']);
    expect(network.firstDeath).toEqual({ days: 5, node: 'a', basis: 'extrapolated' });
    expect(network.halfDead).toEqual({ days: null, node: null, basis: null });
    expect(networkLifetime([{ days: null, basis: 'mains' }], ['gw']).firstDeath).toEqual({ days: null, node: null, basis: null });
  });
});
