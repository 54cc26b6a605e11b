/** The dashboard views' data, shaped in Node with exact numbers (issue 8). */
import { describe, expect, it } from 'vitest';
import { expertLoadView } from '../../src/dashboard/views/expert-load.ts';
import { federatedView } from '../../src/dashboard/views/federated.ts';
import { latencyView } from '../../src/dashboard/views/latency.ts';
import { batteryLines, energyStacks, joulesPerTokenOverTime } from '../../src/dashboard/views/energy.ts';
import { dutyCycleBars } from '../../src/dashboard/views/duty-cycle.ts';
import { runInference } from '../helpers/inference.ts';

describe('latency view', () => {
  it('bins, accumulates and takes the percentiles summary.json takes', () => {
    const tokens = [10, 20, 20, 30, 100].map((latencyMs) => ({ latencyMs, parts: { airtimeMs: latencyMs / 10, queueingMs: latencyMs - latencyMs / 10 } }));
    const view = latencyView(tokens, 3);
    expect(view.histogram).toEqual([
      { x0: 10, x1: 40, count: 4 },
      { x0: 40, x1: 70, count: 0 },
      { x0: 70, x1: 100, count: 1 },
    ]);
    expect(view.cdf).toEqual([{ ms: 10, p: 0.2 }, { ms: 20, p: 0.6 }, { ms: 30, p: 0.8 }, { ms: 100, p: 1 }]);
    expect([view.p50, view.p95, view.p99]).toEqual([20, 100, 100]);
    expect(view.breakdown).toEqual([{ part: 'airtimeMs', meanMs: 3.6 }, { part: 'queueingMs', meanMs: 32.4 }]);
    expect(latencyView([]).p95).toBeNull();
  });

  it('gives the quickstart\'s p95 exactly as its summary.json', () => {
    const run = runInference('scenarios/quickstart.yaml');
    const generated = run.engine.tokens.filter((t) => t.kind === 'generated' && t.status === 'ok');
    const view = latencyView(generated.map((t) => ({ latencyMs: t.endMs - t.startMs, parts: { ...t.components } })));
    expect(Number(view.p95!.toFixed(3))).toBe(run.summary.latencyMs.p95);
    expect(view.count).toBe(38);
  });
});

describe('federated view', () => {
  it('accumulates joules and airtime round by round', () => {
    const rows = [
      { round: 1, endMs: 3_600_000, participants: 10, dropouts: 0, abandoned: 0, airtimeMs: 150_000, energyJ: 1800, validationAccuracy: 0.82, validationLoss: 0.8 },
      { round: 2, endMs: 5_400_000, participants: 8, dropouts: 1, abandoned: 1, airtimeMs: 100_000, energyJ: 1200, validationAccuracy: 0.87, validationLoss: 0.6 },
    ];
    expect(federatedView(rows)).toEqual([
      { round: 1, hours: 1, accuracy: 0.82, loss: 0.8, cumulativeJ: 1800, cumulativeAirtimeS: 150, participants: 10, dropouts: 0, abandoned: 0 },
      { round: 2, hours: 1.5, accuracy: 0.87, loss: 0.6, cumulativeJ: 3000, cumulativeAirtimeS: 250, participants: 8, dropouts: 1, abandoned: 1 },
    ]);
  });
});

describe('expert-load view', () => {
  it('gives each cell its calls, share and replicas, and each layer its max/mean imbalance', () => {
    const view = expertLoadView([[3, 1, 0, 0], [0, 0, 0, 0]], (layer, expert) => (expert === 0 ? 2 : 1));
    expect(view.cells.slice(0, 4)).toEqual([
      { layer: 0, expert: 0, calls: 3, share: 0.75, replicas: 2 },
      { layer: 0, expert: 1, calls: 1, share: 0.25, replicas: 1 },
      { layer: 0, expert: 2, calls: 0, share: 0, replicas: 1 },
      { layer: 0, expert: 3, calls: 0, share: 0, replicas: 1 },
    ]);
    expect(view.max).toBe(3);
    expect(view.imbalance).toEqual([3, 0]);
  });
});

describe('energy view', () => {
  it('stacks each node\'s joules by state, largest total first', () => {
    const stacks = energyStacks([
      { id: 'a', energyJByState: { transmit: 1, listen: 2 } },
      { id: 'b', energyJByState: { transmit: 4, receive: 0.5, sleep: 0.5 } },
    ]);
    expect(stacks.map((s) => [s.id, s.total])).toEqual([['b', 5], ['a', 3]]);
    expect(stacks[0]!.segments.filter((s) => s.y1 > s.y0)).toEqual([
      { state: 'transmit', y0: 0, y1: 4 },
      { state: 'receive', y0: 4, y1: 4.5 },
      { state: 'sleep', y0: 4.5, y1: 5 },
    ]);
  });

  it('draws battery lines per node and joules per token per window', () => {
    expect(batteryLines([{ atMs: 0, node: 'a', stateOfCharge: 1 }, { atMs: 0, node: 'b', stateOfCharge: 0.9 }, { atMs: 1_800_000, node: 'a', stateOfCharge: 0.99 }])).toEqual([
      { id: 'a', points: [{ hours: 0, soc: 1 }, { hours: 0.5, soc: 0.99 }] },
      { id: 'b', points: [{ hours: 0, soc: 0.9 }] },
    ]);
    expect(joulesPerTokenOverTime([{ endMs: 100, energyJ: 0.2 }, { endMs: 200, energyJ: 0.4 }, { endMs: 3_700_000, energyJ: 1 }], 3_600_000)).toEqual([
      { hours: 1, joulesPerToken: 0.30000000000000004, tokens: 2 },
      { hours: 2, joulesPerToken: 1, tokens: 1 },
    ]);
  });
});

describe('duty-cycle view', () => {
  it('gives each node and sub-band its share of the allowance, busiest first', () => {
    const airtime = new Map([
      ['a', new Map([['g1', 36_000]])],
      ['b', new Map([['g1', 7_200], ['g3', 18_000]])],
    ]);
    expect(dutyCycleBars(airtime, new Map([['g1', 0.01], ['g3', 0.1]]), 3_600_000)).toEqual([
      { id: 'a', subBand: 'g1', use: 1 },
      { id: 'b', subBand: 'g1', use: 7_200 / 3_600_000 / 0.01 },
      { id: 'b', subBand: 'g3', use: 18_000 / 3_600_000 / 0.1 },
    ]);
  });
});
