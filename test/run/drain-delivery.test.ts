import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.ts';

describe('the drain', () => {
  it('runs a delivery due after the last frame ends, even when the processing delay exceeds the lookahead', () => {
    // test/fixtures/late-delivery.yaml: the last message's delivery falls in the drain.
    const { simulation, result } = runScenario('test/fixtures/late-delivery.yaml');
    const totals = simulation.tracker.totals();
    const last = simulation.tracker.frames.at(-1)!;
    expect(simulation.lookaheadMs).toBe(46.336);
    expect(last.atMs + last.airtimeMs).toBeGreaterThan(55_300);
    expect(totals.messagesSent).toBe(2);
    expect(totals.unicastMessagesDelivered).toBe(2);
    // The last delivery, one processing delay after the last frame's end, closes the run.
    expect(result.drainedUntilMs).toBe(last.atMs + last.airtimeMs + 200);
  });
});
