import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/node/events.ts';
import { runScenario } from '../helpers/scenario.ts';

/** One sender pushing 20,000-byte messages to a peer whose SRAM is mostly taken by a KV cache. */
const scenario = (kvCacheBytes: number): string => `
duration: 30min
region: none
framing: raw
radio: { sf: 7 }
groups:
  - name: src
    nodes: [{ id: src, xM: 0, yM: 0 }]
    traffic: { kind: periodic, interval: 10min, payloadBytes: 20000, to: peer, queueCapacity: 1 }
  - name: dst
    nodes: [{ id: dst, xM: 50, yM: 0 }]
    node: { mcu: nrf52840, memory: { kvCacheBytes: ${kvCacheBytes} } }
`;

describe('runtime memory for reassembly', () => {
  it('takes SRAM for a fragmented message while it arrives and gives it back when it completes', () => {
    const { simulation } = runScenario(scenario(100_000));
    const totals = simulation.tracker.totals();
    expect(totals.unicastMessagesDelivered).toBe(totals.unicastMessagesSent);
    const usage = simulation.runtimes[1]!.memory.usage();
    // 247-byte raw frames carry 242 data bytes after the 5-byte fragment header: 83 fragments.
    // nRF52840 baseline: firmware 32 KiB + radio stack 8 KiB, plus 100,000 B of KV cache.
    expect(usage.peakBytes.sram).toBe(32 * 1024 + 8 * 1024 + 100_000 + 83 * 242);
    expect(usage.usedBytes.sram).toBe(32 * 1024 + 8 * 1024 + 100_000);
  });

  it('refuses a message that does not fit as a node fault with its reason, and drops it without overrunning', () => {
    const faults: SimEvent[] = [];
    const { simulation } = runScenario(scenario(210_000), [], { listeners: [(event) => event.type === 'nodeFault' && faults.push(event)] });
    const totals = simulation.tracker.totals();
    expect(totals.unicastMessagesSent).toBe(3);
    expect(totals.unicastMessagesDelivered).toBe(0);
    expect(faults).toHaveLength(3);
    expect(faults[0]!.type === 'nodeFault' && faults[0]!.reason).toMatch(/radioBuffers/);
    const usage = simulation.runtimes[1]!.memory.usage();
    expect(usage.peakBytes.sram).toBeLessThanOrEqual(usage.budgetBytes.sram);
    expect(simulation.tracker.nodes[1]!.faults).toBe(3);
  });
});
