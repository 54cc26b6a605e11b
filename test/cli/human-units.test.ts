import { describe, expect, it } from 'vitest';
import { counted, humanDuration, humanEnergy } from '../../src/metrics/human-units.ts';

describe('durations, energies and counts in printouts', () => {
  it('scale to the unit that shows them: small values do not vanish, large ones stay short', () => {
    expect([0.42, 8.63, 999, 1000, 153_856, 599_999, 600_000, 2_765_885, 7_200_000, 172_800_000, Number.NaN].map(humanDuration)).toEqual(['0.42 ms', '8.63 ms', '999 ms', '1.0 s', '153.9 s', '600.0 s', '10.0 min', '46.1 min', '2.0 h', '2.0 d', 'n/a']);
    expect([0, 3.5e-7, 0.000123456, 0.2353, 0.99999, 7.0721, 63.544, 1604.4, Number.POSITIVE_INFINITY].map(humanEnergy)).toEqual(['0 J', '0.35 µJ', '123.5 µJ', '235.3 mJ', '1 J', '7.072 J', '63.54 J', '1604.4 J', 'n/a']);
  });

  it('give a count its noun, singular for one', () => {
    expect([counted(0, 'node'), counted(1, 'node'), counted(1, 'sink'), counted(12345, 'node')]).toEqual(['0 nodes', '1 node', '1 sink', '12,345 nodes']);
  });
});
