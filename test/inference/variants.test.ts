/** The quickstart under capacity limits and with sleeping receivers: drops counted, waits recorded, books that add up. */
import { describe, expect, it } from 'vitest';
import { totalMs } from '../../src/inference/components.ts';
import { runInference } from '../helpers/inference.ts';

const quickstart = 'scenarios/quickstart.yaml';

describe('capacity', () => {
  it('refuses expert calls over a holder\'s queue limit: the experts are dropped and the gate renormalised', () => {
    const run = runInference(quickstart, ['inference.expertQueueLimit=1']);
    expect(run.summary.inference.refusedCalls).toBe(26);
    expect(run.summary.inference.expertsDropped).toBe(26);
    expect(run.summary.fidelity).toEqual({ top1: 0.675676, compared: 37 });
    expect(run.summary.requests.complete).toBe(5);
  });
});

describe('sleeping receivers', () => {
  it('counts the wait for a rendezvous window in the latency, and the books still add up', () => {
    const run = runInference(quickstart, ['node.wake={mode: rendezvous, period: 10s, window: 1s}']);
    expect(run.summary.fidelity).toEqual({ top1: 1, compared: 38 });
    expect(run.summary.latencyMs).toEqual({ p50: 150000, p95: 190000, p99: 200000, mean: 150037.623 });
    const waits = run.engine.tokens.reduce((sum, t) => sum + t.components.wakeWaitMs, 0);
    expect(waits).toBeGreaterThan(0);
    for (const token of run.engine.tokens) expect(Math.abs(totalMs(token.components) - (token.endMs - token.startMs))).toBeLessThan(1e-6);
    run.simulation.runtimes.forEach((runtime, node) => {
      const e = runtime!.ledger.totals().energyByStateUj;
      expect(run.engine.attributedUj[node]).toBeCloseTo(e.transmit + e.receive + e.compute + e.idle, 3);
    });
    // Listening 10 % of the time instead of always: the background per token falls from 63.5 J.
    expect(run.summary.joulesPerToken.withBackground).toBe(7.820246624);
  });
});
