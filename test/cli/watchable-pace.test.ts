/** `run --dashboard` without --pace: the scenario's duration in about two minutes, a round figure, never slower than real time. */
import { describe, expect, it } from 'vitest';
import { liveDashboardOptions, watchablePace } from '../../src/cli/commands/options.ts';

describe('the default pace of a watched run', () => {
  it('plays the duration in about two minutes, rounded up to 1, 2 or 5 times a power of ten', () => {
    expect(watchablePace(1_800_000)).toBe(20); // the quickstart's 30 min: 15 → 20, 90 s of wall time
    expect(watchablePace(86_400_000)).toBe(1000); // a day: 720 → 1000
    expect(watchablePace(121_000)).toBe(2);
    expect(watchablePace(1_200_000)).toBe(10); // exactly 10: not rounded up to 20
    expect(watchablePace(6_000_000)).toBe(50);
  });

  it('is never slower than real time', () => {
    expect(watchablePace(60_000)).toBe(1);
    expect(watchablePace(1)).toBe(1);
  });

  it('takes --pace F, or max for as fast as it can', () => {
    const base = { dashboard: true, transport: 'mqtt' };
    expect(liveDashboardOptions(base, 1_800_000)).toEqual({ port: 0, pace: 20 });
    expect(liveDashboardOptions({ ...base, pace: '200' }, 1_800_000)).toEqual({ port: 0, pace: 200 });
    expect(liveDashboardOptions({ ...base, pace: 'max' }, 1_800_000)).toEqual({ port: 0, pace: undefined });
  });
});
