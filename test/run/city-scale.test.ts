import { describe, expect, it } from 'vitest';
import { loadScenario } from '../helpers/scenario.ts';
import { createSimulation } from '../../src/run/simulate.ts';

describe('a city-scale swarm', () => {
  it('builds and runs a 150,000-node group for a simulated minute, closing its books', { timeout: 120_000 }, () => {
    const { scenario, swarm } = loadScenario('bench/poisson-1000.yaml', ['groups.1.count=150000', 'duration=1min']);
    const simulation = createSimulation(scenario, swarm, { keepRecords: false, keepSeriesRows: false });
    const result = simulation.finish();
    const totals = simulation.tracker.totals();
    expect(result.nodeTotals).toHaveLength(150_001);
    expect(totals.sent).toBe(totals.attempts);
    expect(totals.receptions).toBe(totals.sent);
    expect([totals.sent, result.events]).toEqual([9108, 18304]);
  });
});
