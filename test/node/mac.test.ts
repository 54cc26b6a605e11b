import { describe, expect, it } from 'vitest';
import { streamGenerator } from '../../src/sim/rng.ts';
import { createScheduler } from '../../src/sim/scheduler.ts';
import { regions } from '../../src/radio/regions.ts';
import type { Transmission } from '../../src/radio/transmission.ts';
import type { SimEvent } from '../../src/node/events.ts';
import { createMac, type OutgoingFrame } from '../../src/node/mac.ts';

// SF7/125 kHz, CR 4/5: a 14-byte frame is 46.336 ms on air (vector B).
const airtimeMs = 46.336;

function mac(channelsHz: number[], queueCapacity = 8) {
  const scheduler = createScheduler();
  const sent: Transmission[] = [];
  const events: SimEvent[] = [];
  const m = createMac({
    node: 0, scheduler, region: regions.eu868, channelsHz, rng: streamGenerator(1, 'mac'), queueCapacity,
    airtime: { sf: 7, bandwidthHz: 125e3, codingRate: 1 }, txPowerDbm: 14, txCurrentMa: 44, supplyV: 3.3,
    transmit: (tx) => sent.push(tx) > 0, emit: (event) => events.push(event),
  });
  const frame = (deadlineMs = Number.POSITIVE_INFINITY): OutgoingFrame => ({
    bytes: new Uint8Array(14), destination: 1, messageId: 0, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: scheduler.nowMs, deadlineMs,
  });
  return { scheduler, m, sent, events, frame };
}

describe('the MAC', () => {
  it('keeps a 1 % sub-band closed for 99 × the airtime after a frame', () => {
    const t = mac([868.1e6, 868.3e6, 868.5e6]);
    t.m.submit(t.frame());
    t.m.submit(t.frame());
    t.scheduler.runUntil(10_000);
    expect(t.sent.map((tx) => Math.round(tx.startMs * 1000) / 1000)).toEqual([0, Math.round(100 * airtimeMs * 1000) / 1000]);
    const started = t.events.filter((e) => e.type === 'txStarted');
    expect(started.map((e) => (e.type === 'txStarted' ? [Math.round(e.queueWaitMs * 1000) / 1000, Math.round(e.dutyCycleWaitMs * 1000) / 1000] : []))).toEqual([
      [0, 0],
      [airtimeMs, Math.round(99 * airtimeMs * 1000) / 1000],
    ]);
  });

  it('hops to a channel in another sub-band while the first is closed', () => {
    const t = mac([868.1e6, 869.525e6]);
    t.m.submit(t.frame());
    t.m.submit(t.frame());
    t.m.submit(t.frame());
    t.scheduler.runUntil(100_000);
    const starts = t.sent.map((tx) => [Math.round(tx.startMs * 1000) / 1000, tx.channelHz]);
    // Seed 1 draws g3 (869.525 MHz, 10 %) first; it reopens 9 × airtime after its frame ends,
    // while g1 (1 %) takes the second frame and stays closed for 99 × airtime.
    expect(starts).toEqual([
      [0, 869.525e6],
      [airtimeMs, 868.1e6],
      [10 * airtimeMs, 869.525e6],
    ]);
  });

  it('blocks a frame whose duty-cycle wait would pass its deadline, and one that finds the queue full', () => {
    const t = mac([868.1e6], 2);
    t.m.submit(t.frame());
    t.m.submit(t.frame(1000)); // would wait until 4633.6 ms
    t.m.submit(t.frame());
    t.m.submit(t.frame()); // the queue holds 2: this one is refused
    t.scheduler.runUntil(100_000);
    const blocked = t.events.flatMap((e) => (e.type === 'txBlocked' ? [[e.reason, Math.round(e.atMs * 1000) / 1000]] : []));
    expect(blocked).toEqual([
      ['queueFull', 0],
      ['deadline', airtimeMs],
    ]);
    expect(t.sent).toHaveLength(2);
    expect(t.m.framesSent).toBe(2);
  });

  it('counts queue capacity in messages: a whole fragmented message is admitted, the next one refused whole', () => {
    const t = mac([868.1e6], 1);
    const fragment = (messageId: number, fragmentIndex: number): OutgoingFrame => ({ ...t.frame(), messageId, fragmentIndex, fragmentCount: 3 });
    for (const messageId of [0, 1]) for (let i = 0; i < 3; i++) t.m.submit(fragment(messageId, i));
    t.scheduler.runUntil(1_000_000);
    expect(t.sent.map((tx) => [tx.messageId, tx.fragmentIndex])).toEqual([[0, 0], [0, 1], [0, 2]]);
    const blocked = t.events.flatMap((e) => (e.type === 'txBlocked' ? [[e.messageId, e.fragmentIndex, e.reason]] : []));
    expect(blocked).toEqual([[1, 0, 'queueFull'], [1, 1, 'queueFull'], [1, 2, 'queueFull']]);
  });

  it('charges airtime × current × voltage for each frame', () => {
    const t = mac([868.1e6]);
    t.m.submit(t.frame());
    t.scheduler.runUntil(1000);
    const started = t.events.find((e) => e.type === 'txStarted');
    expect(started?.type === 'txStarted' && started.energyUj).toBeCloseTo(airtimeMs * 44 * 3.3, 9);
  });

  it('refuses a channel outside every sub-band of the region', () => {
    expect(() => mac([870.5e6])).toThrow(/no sub-band/);
  });
});
