import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.ts';

const scenario = (region: string, radio: string, payloadBytes: number, framing = 'raw', count = 5): string => `
duration: 10min
region: ${region}
framing: ${framing}
collision: lorasim
radio: ${radio}
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: n
    count: ${count}
    placement: { shape: disc, radiusM: 200 }
    traffic: { kind: periodic, interval: 1min, payloadBytes: ${payloadBytes}, to: sink }
`;

describe('regional rules in a run', () => {
  it('keeps every US915 frame within the 400 ms dwell by fragmenting a 500-byte payload at SF10/125', () => {
    // One sender, so that nothing collides and every message must arrive whole.
    const { simulation, swarm } = runScenario(scenario('us915', '{ sf: 10 }', 500, 'raw', 1));
    // Raw framing at SF10/125 kHz fits 16 application bytes per frame under 400 ms (8-byte header).
    expect(swarm.nodes[1]!.maxAppBytes).toBe(16);
    const frames = simulation.tracker.frames.filter((f) => f.outcome === 'sent');
    expect(frames.every((f) => f.airtimeMs <= 400)).toBe(true);
    expect(frames[0]!.fragmentCount).toBe(Math.ceil(500 / (16 - 5)));
    const totals = simulation.tracker.totals();
    // No duty cycle in US915: nothing waits for a sub-band.
    expect(frames.every((f) => f.dutyCycleWaitMs === 0)).toBe(true);
    expect(totals.unicastMessagesSent).toBe(10);
    expect(totals.unicastMessagesDelivered).toBe(10);
    expect(totals.sent).toBe(10 * 46);
  });

  it('runs SX1280 nodes in the 2.4 GHz ISM band with no duty cycle', () => {
    const { simulation, swarm } = runScenario(scenario('ism2400', '{ chip: sx1280, sf: 9, bandwidthKhz: 812.5, txPowerDbm: 10 }', 40));
    expect(swarm.nodes[1]!.channelsHz).toEqual([2403e6, 2425e6, 2479e6]);
    const frames = simulation.tracker.frames.filter((f) => f.outcome === 'sent');
    // SX128x SF9/812.5 kHz, CR 4/5, 48-byte PHY frame (40 + 8):
    // n_pay = 8 + ⌈(384 + 16 − 36 + 8 + 20) / 36⌉·5 = 63; (8 + 4.25 + 63) symbols × 630.154 µs
    expect(Math.round(frames[0]!.airtimeMs * 1000) / 1000).toBe(47.419);
    expect(frames.every((f) => f.dutyCycleWaitMs === 0)).toBe(true);
  });

  it('uses RP002 payload caps with LoRaWAN framing in EU868: a 120-byte payload at SF12 needs 3 fragments of ≤ 51 bytes', () => {
    const { simulation, swarm } = runScenario(scenario('eu868', '{ sf: 12 }', 120, 'lorawan'));
    expect(swarm.nodes[1]!.maxAppBytes).toBe(51);
    const frames = simulation.tracker.frames.filter((f) => f.outcome === 'sent');
    expect(frames[0]!.fragmentCount).toBe(3);
    expect(frames[0]!.phyBytes).toBe(51 + 13);
    expect(Math.round(frames[0]!.airtimeMs * 1000) / 1000).toBe(2793.472);
  });
});
