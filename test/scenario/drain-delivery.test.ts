import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.ts';

describe('the drain', () => {
  it('runs a delivery due after the last frame ends, even when the processing delay exceeds the lookahead', () => {
    // An idle SF7 node sets the lookahead to its shortest frame (46 ms); a 200 ms processing
    // delay puts each delivery several windows after its frame's end. The last message starts
    // just before the duration, so its delivery falls in the drain.
    const { simulation, result } = runScenario(`
duration: 55.3s
region: eu868
processingDelayMs: 200
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: sender
    radio: { sf: 12 }
    nodes: [{ id: s, xM: 50, yM: 0 }]
    traffic: { kind: periodic, interval: 30s, payloadBytes: 40, to: sink }
  - name: idle
    radio: { sf: 7 }
    nodes: [{ id: i, xM: 0, yM: 50 }]
`);
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
