/** Sizing: node-count ranges, confidence intervals, and the choice against targets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTargets, chooseBy, estimate, meets, nextBisection, parseCounts, SizingError, smallestMeeting, type CountResult } from '../../src/placement/sizing.ts';
import { sizingSvg } from '../../src/metrics/sizing-plot.ts';

describe('node counts', () => {
  it('expands ranges, steps and lists', () => {
    expect(parseCounts('4..10')).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(parseCounts('4..128')).toEqual([4, 5, 6, 8, 10, 13, 16, 20, 25, 31, 39, 49, 61, 76, 95, 119, 128]);
    expect(parseCounts('8..30/8')).toEqual([8, 16, 24, 30]);
    expect(parseCounts('16, 8,12,8')).toEqual([8, 12, 16]);
  });

  it('refuses anything else with a SizingError', () => {
    for (const bad of ['', '0..4', '9..4', '4..', 'a..b', '4..8/0', '1..100000/1']) expect(() => parseCounts(bad)).toThrow(SizingError);
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        try {
          const counts = parseCounts(text);
          expect(counts.length).toBeGreaterThan(0);
          expect(counts.every((n, i) => Number.isInteger(n) && n >= 1 && (i === 0 || n > counts[i - 1]!))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(SizingError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('estimates and the choice', () => {
  it('gives positive figures the Student-t 95 % interval on the log scale, which never crosses zero (issue 19: no clamping)', () => {
    // ln 1, ln 2, ln 3: mean ln 6 / 3, s of the logs; half-width 4.303 · s / √3, mapped back.
    const logs = [0, Math.log(2), Math.log(3)];
    const centre = logs.reduce((a, b) => a + b) / 3;
    const s = Math.sqrt(logs.reduce((a, v) => a + (v - centre) ** 2, 0) / 2);
    const e = estimate([1, 2, 3])!;
    expect(e.mean).toBe(2);
    expect(e.low).toBeCloseTo(Math.exp(centre - (4.303 * s) / Math.sqrt(3)), 12);
    expect(e.high).toBeCloseTo(Math.exp(centre + (4.303 * s) / Math.sqrt(3)), 12);
    // Two seeds that gave 148 and 340 tokens per hour: wide (t = 12.7), but above zero, where the plain interval was cut at 0.
    const tokens = estimate([148, 340])!;
    expect(tokens.low).toBeGreaterThan(0);
    expect(tokens.low).toBeCloseTo(1.1378, 3);
    expect(estimate([153_856, 153_856])).toEqual({ mean: 153_856, low: 153_856, high: 153_856, n: 2 });
    // A zero among the values: the plain t interval, uncut.
    expect(estimate([0, 2])!.low).toBeCloseTo(1 - 12.706, 12);
    expect(estimate([5])).toEqual({ mean: 5, low: 5, high: 5, n: 1 });
    expect(estimate([])).toBeUndefined();
  });

  it('gives shares the interval on the logits, inside (0, 1), and falls back to the log scale with a 1 among them (issue 19)', () => {
    const logits = [0.962727, 0.98468, 0.969173].map((p) => Math.log(p / (1 - p)));
    const centre = logits.reduce((a, b) => a + b) / 3;
    const s = Math.sqrt(logits.reduce((a, v) => a + (v - centre) ** 2, 0) / 2);
    const e = estimate([0.962727, 0.98468, 0.969173], 'share')!;
    expect(e.low).toBeCloseTo(1 / (1 + Math.exp(-(centre - (4.303 * s) / Math.sqrt(3)))), 12);
    expect(e.high).toBeLessThan(1);
    expect(estimate([0.9, 1], 'share')).toEqual(estimate([0.9, 1]));
  });

  it('meets floors and ceilings of every workload on the conservative side, and misses a target whose figure is missing (an accuracy never reached)', () => {
    const one = (value: number) => ({ mean: value, low: value, high: value, n: 1 });
    const learning: CountResult = { nodes: 12, variant: 'a', feasible: true, p95LatencyMs: undefined, joulesPerToken: undefined, lifetimeDays: one(10), tokensPerHour: undefined, completedShare: undefined, accuracy: { mean: 0.86, low: 0.85, high: 0.87, n: 3 }, energyJ: { mean: 7000, low: 6900, high: 7100, n: 3 } };
    expect(meets(learning, { accuracy: 0.85, energyJ: 7100 })).toBe(true);
    expect(meets(learning, { accuracy: 0.851 })).toBe(false);
    expect(meets(learning, { energyJ: 7050 })).toBe(false);
    expect(checkTargets({ ...learning, energyJ: undefined }, { energyJ: 8000 })).toEqual([{ target: 'energy', value: Number.NaN, limit: 8000, met: false, margin: Number.NaN }]);
    const sensors: CountResult = { ...learning, accuracy: undefined, energyJ: undefined, deliveryRatio: { mean: 0.97, low: 0.92, high: 0.99, n: 3 } };
    expect(meets(sensors, { deliveryRatio: 0.92 })).toBe(true);
    expect(checkTargets(sensors, { deliveryRatio: 0.95 })[0]).toMatchObject({ target: 'delivery ratio', value: 0.92, met: false, margin: expect.closeTo(0.92 / 0.95 - 1, 12) });
  });

  const result = (nodes: number, p95: number[], lifetime: number[], variant = 'a'): CountResult => ({
    nodes,
    variant,
    feasible: true,
    p95LatencyMs: estimate(p95),
    joulesPerToken: estimate([0.2, 0.2]),
    lifetimeDays: estimate(lifetime),
    tokensPerHour: estimate([50, 50]),
    completedShare: estimate([1, 1]),
  });

  it('chooses the smallest count that meets every target on the conservative side', () => {
    const results = [result(8, [70_000, 70_000], [40, 40]), result(12, [50_000, 64_000], [40, 40]), result(16, [56_000, 56_200], [31, 35]), result(20, [50_000, 50_000], [35, 35])];
    // 12's mean p95 (57 s) meets 60 s, but its interval reaches 146 s (two seeds); 16's reaches 57.4 s.
    expect(smallestMeeting(results, { p95LatencyMs: 60_000 }, ['a'])?.nodes).toBe(16);
    // With a lifetime of 30 days, 16's interval (33 ± 25.4 d, two seeds) dips below: 20.
    expect(smallestMeeting(results, { p95LatencyMs: 60_000, lifetimeDays: 30 }, ['a'])?.nodes).toBe(20);
    expect(smallestMeeting(results, { p95LatencyMs: 40_000 }, ['a'])).toBeUndefined();
    expect(meets({ ...result(8, [1], [99]), completedShare: estimate([1, 0.8]) }, {})).toBe(false);
  });

  it('draws the plot with units on both axes and a marker per variant', () => {
    const svg = sizingSvg([result(8, [70_000, 72_000], [40, 40]), result(12, [50_000, 52_000], [40, 40], 'b')], ['a', 'b'], { title: 't', chosen: result(12, [50_000], [40], 'b'), targetP95LatencyMs: 60_000 });
    expect(svg).toContain('latency (s)');
    expect(svg).toContain('energy per token (J)');
    expect(svg).toContain('nodes (count)');
    expect(svg).toContain('target 60 s');
    expect(svg).toContain('chosen: 12');
    // Latency, energy, lifetime and tokens per hour: a line per variant in each.
    expect(svg.match(/<polyline/g)).toHaveLength(8);
  });

  it('plots every target metric with its target, marks counts that do not fit, and keeps the legend off the targets (issue 19, point 9)', () => {
    const infeasible: CountResult = { nodes: 6, variant: 'a', feasible: false, p95LatencyMs: undefined, joulesPerToken: undefined, lifetimeDays: undefined, tokensPerHour: undefined, completedShare: undefined, why: 'internal flash short by 1,000 B' };
    const svg = sizingSvg([infeasible, result(8, [70_000, 72_000], [40, 40])], ['a'], { title: 't', targets: { p95LatencyMs: 60_000, lifetimeDays: 30, tokensPerHour: 40 } });
    for (const label of ['target 60 s', 'target 30 d', 'target 40']) expect(svg).toContain(label);
    expect(svg).toContain('<title>a, 6 nodes: the model does not fit (internal flash short by 1,000 B)</title>');
    expect(svg).toContain('model does not fit</text>');
    // The legend is drawn once, above the panels (y 42), not in the right margin where the target labels go.
    expect(svg.match(/<text x="\d+" y="42">a<\/text>/g)).toHaveLength(1);
  });
});

describe('the true minimum and the margins (issue 19)', () => {
  const one = (value: number) => ({ mean: value, low: value, high: value, n: 1 });
  const result = (nodes: number, p95: number | undefined, variant = 'a'): CountResult => ({
    nodes,
    variant,
    feasible: p95 !== undefined,
    p95LatencyMs: p95 === undefined ? undefined : one(p95),
    joulesPerToken: undefined,
    lifetimeDays: p95 === undefined ? undefined : one(20),
    tokensPerHour: undefined,
    completedShare: p95 === undefined ? undefined : one(1),
  });
  const targets = { p95LatencyMs: 100 };

  it('bisects between the largest failing count below the smallest passing one and that count, until they are adjacent', () => {
    const ladder = [result(4, undefined), result(10, undefined), result(16, 90), result(20, 80)];
    expect(nextBisection(ladder, targets, 'a')).toBe(13);
    expect(nextBisection([...ladder, result(13, 120)], targets, 'a')).toBe(14);
    expect(nextBisection([...ladder, result(13, 120), result(14, 99)], targets, 'a')).toBeUndefined();
    // Nothing passes, the first count passes, or another variant: nothing to bisect.
    expect(nextBisection([result(4, 200), result(8, 150)], targets, 'a')).toBeUndefined();
    expect(nextBisection([result(4, 50), result(8, 40)], targets, 'a')).toBeUndefined();
    expect(nextBisection(ladder, targets, 'b')).toBeUndefined();
  });

  it('gives each target its conservative value and relative margin, positive when met', () => {
    const r = { ...result(12, 150), lifetimeDays: { mean: 11, low: 10.4, high: 11.6, n: 2 }, p95LatencyMs: { mean: 150, low: 140, high: 160, n: 2 } };
    expect(checkTargets(r, { p95LatencyMs: 200, lifetimeDays: 10 })).toEqual([
      { target: 'p95 latency', value: 160, limit: 200, met: true, margin: expect.closeTo(0.2, 12) },
      { target: 'lifetime', value: 10.4, limit: 10, met: true, margin: expect.closeTo(0.04, 12) },
    ]);
    expect(checkTargets(r, { p95LatencyMs: 100 })[0]).toMatchObject({ met: false, margin: expect.closeTo(-0.6, 12) });
  });
});

describe('objectives (issue 19)', () => {
  const one = (value: number) => ({ mean: value, low: value, high: value, n: 1 });
  const r = (nodes: number, variant: string, joules: number, days: number): CountResult => ({
    nodes, variant, feasible: true, p95LatencyMs: one(100), joulesPerToken: one(joules), lifetimeDays: one(days), tokensPerHour: undefined, completedShare: one(1),
  });
  const results = [r(10, 'cheap', 0.3, 9), r(12, 'cheap', 0.3, 9.5), r(6, 'frugal', 0.01, 12), r(14, 'pricey', 0.2, 30), r(4, 'unpriced', 0.5, 5)];
  const price = (variant: string) => ({ cheap: 1, frugal: 5, pricey: 2 } as Record<string, number>)[variant];
  const choose = (objective: 'nodes' | 'energy' | 'cost' | 'lifetime') => chooseBy(results, { p95LatencyMs: 200 }, ['cheap', 'frugal', 'pricey', 'unpriced'], objective, price);

  it('picks by count, joules per token, count × unit price (unpriced MCUs left out) and lifetime', () => {
    expect([choose('nodes'), choose('energy'), choose('cost'), choose('lifetime')].map((c) => `${c!.nodes} × ${c!.variant}`)).toEqual(['4 × unpriced', '6 × frugal', '10 × cheap', '14 × pricey']);
    // Only cases that meet the targets count.
    expect(chooseBy(results, { p95LatencyMs: 50 }, ['cheap'], 'cost', price)).toBeUndefined();
  });
});

describe('N + k failure draws (issue 19, point 7)', () => {
  it('draws k distinct nodes per draw from the seed, the same for the same seed and count, none when there are too few', async () => {
    const { failureDraws, faultsSet } = await import('../../src/cli/commands/size-failures.ts');
    const boards = ['board-1', 'board-2', 'board-3', 'board-4', 'board-5'];
    const draws = failureDraws(boards, 2, 4, 1, 6);
    expect(draws).toHaveLength(4);
    for (const draw of draws) expect(new Set(draw).size).toBe(2);
    expect(failureDraws(boards, 2, 4, 1, 6)).toEqual(draws);
    expect(failureDraws(boards, 2, 4, 2, 6)).not.toEqual(draws);
    expect(failureDraws(boards, 6, 1, 1, 6)).toEqual([]);
    expect(faultsSet([{ node: 'board-9', at: 60_000 }], ['board-1'])).toBe('faults=[{"node":"board-9","at":60000},{"node":"board-1","at":0}]');
  });
});
