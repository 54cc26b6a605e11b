import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/sim/scheduler.ts';
import { createEther, type EtherConfig, type EtherNode, type ReceptionEvent } from '../../src/radio/ether.ts';
import { meanPathLossDb, pathLossProfiles } from '../../src/radio/path-loss.ts';
import { etherNode } from '../helpers/ether-node.ts';
import { broadcastDestination, type Delivery, type Transmission } from '../../src/radio/transmission.ts';

const ns3 = pathLossProfiles.ns3;
const node = etherNode;

function world(nodes: EtherNode[], overrides: Partial<EtherConfig> = {}) {
  const scheduler = createScheduler();
  const receptions: ReceptionEvent[] = [];
  const deliveries: Delivery[] = [];
  const ether = createEther(
    { nodes, pathLoss: ns3, shadowingMode: 'per-frame', collision: 'aloha', extraLossProbability: 0, processingDelayMs: 1, seed: 1, broadcastMarginDb: 0, ...overrides },
    scheduler,
    { reception: (tx, receiver, fate, rxPowerDbm, snrDb) => receptions.push({ type: 'reception', atMs: tx.endMs, tx, receiver, fate, rxPowerDbm, snrDb }), deliver: (delivery) => deliveries.push(delivery) },
  );
  const seqs = new Map<number, number>();
  const send = (atMs: number, sender: number, destination: number, extra: Partial<Transmission> = {}): void => {
    scheduler.at(atMs, () => {
      const seq = seqs.get(sender) ?? 0;
      seqs.set(sender, seq + 1);
      const airtimeMs = extra.airtimeMs ?? 41.216;
      ether.transmit({
        sender, seq, destination, startMs: atMs, airtimeMs, endMs: atMs + airtimeMs, channelHz: 868.1e6, sf: 7, bandwidthHz: 125e3,
        codingRate: 1, preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array(10), messageId: seq,
        fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: atMs, meta: undefined, ...extra,
      });
    });
  };
  /** Runs to `untilMs` and lets the ether decide everything that ended by then. */
  const run = (untilMs: number): void => {
    scheduler.runUntil(untilMs);
    ether.decideUntil(untilMs);
  };
  return { scheduler, ether, receptions, deliveries, send, run };
}

describe('the ether', () => {
  it('delivers a lone frame in range one processing delay after it ends, at 14 dBm minus the path loss', () => {
    const w = world([node(0), node(1000)]);
    w.send(10, 0, 1);
    w.run(1000);
    expect(w.receptions.map((r) => [r.fate, r.atMs, r.receiver])).toEqual([['received', 51.216, 1]]);
    expect(w.receptions[0]!.rxPowerDbm).toBeCloseTo(14 - meanPathLossDb(ns3, 1000), 9);
    expect(w.receptions[0]!.rxPowerDbm).toBeCloseTo(-106.5, 9);
    expect(w.deliveries.map((d) => [d.kind, d.receiver, d.atMs])).toEqual([
      ['rxStart', 1, 11],
      ['frame', 1, 52.216],
    ]);
  });

  it('marks a frame under the receiver\u2019s sensitivity underSensitivity (SX1276 SF7/125: −123 dBm)', () => {
    // 14 − PL(d) < −123 dBm beyond 10^((137 − 120.5)/37.6) km ≈ 2.746 km
    const w = world([node(0), node(2700), node(2800)]);
    w.send(0, 0, 1);
    w.send(100, 0, 2);
    w.run(1000);
    expect(w.receptions.map((r) => r.fate)).toEqual(['received', 'underSensitivity']);
    expect(w.deliveries.filter((d) => d.kind === 'frame')).toHaveLength(1);
  });

  it('loses a frame at a receiver that transmits during it (lostHalfDuplex), but not one that ends as it starts', () => {
    const w = world([node(0), node(100), node(200)]);
    w.send(0, 0, 1);
    w.send(20, 1, 2, { channelHz: 868.3e6 }); // node 1 starts sending during node 0's frame
    w.send(100, 2, 0);
    w.send(141.216, 0, 2); // node 0 starts exactly when node 2's frame to it ends
    w.run(1000);
    const fates = w.receptions.map((r) => `${r.tx.sender}->${r.receiver} ${r.fate}`);
    expect(fates).toEqual(['0->1 lostHalfDuplex', '1->2 received', '2->0 received', '0->2 received']);
  });

  it('collides overlapping frames of the same SF and channel under aloha, not other SFs or channels', () => {
    const w = world([node(0), node(100), node(200), node(300), node(400)]);
    w.send(0, 1, 0);
    w.send(40, 2, 0);
    w.send(0, 3, 0, { sf: 8, airtimeMs: 72.192 });
    w.send(10, 4, 0, { channelHz: 868.3e6 });
    w.run(1000);
    const fates = Object.fromEntries(w.receptions.map((r) => [r.tx.sender, r.fate]));
    expect(fates).toEqual({ 1: 'collided', 2: 'collided', 3: 'received', 4: 'received' });
  });

  it('refuses a frame when every demodulator is busy at its start (noReceivePath), and frees them at frame end', () => {
    const w = world([node(0, { receivePaths: 1 }), node(100), node(200), node(300)]);
    w.send(0, 1, 0, { sf: 7 });
    w.send(10, 2, 0, { sf: 9, airtimeMs: 164.864 });
    w.send(41.216, 3, 0, { sf: 8, airtimeMs: 72.192 });
    w.run(1000);
    const fates = Object.fromEntries(w.receptions.map((r) => [r.tx.sender, r.fate]));
    expect(fates).toEqual({ 1: 'received', 2: 'noReceivePath', 3: 'received' });
  });

  it('drops every otherwise received frame when the extra loss probability is 1', () => {
    const w = world([node(0), node(100)], { extraLossProbability: 1 });
    w.send(0, 0, 1);
    w.run(1000);
    expect(w.receptions.map((r) => r.fate)).toEqual(['dropped']);
    expect(w.deliveries.map((d) => d.kind)).toEqual(['rxStart']);
  });

  it('addresses a broadcast to the nodes whose mean power reaches their sensitivity, one fate each', () => {
    const w = world([node(0), node(1000), node(2000), node(2700), node(5000)]);
    w.send(0, 0, broadcastDestination);
    w.run(1000);
    expect(w.receptions.map((r) => `${r.receiver} ${r.fate}`)).toEqual(['1 received', '2 received', '3 received']);
  });

  it('draws per-link shadowing once per pair and in both directions, per-frame shadowing anew for each frame', () => {
    const link = world([node(0), node(500)], { pathLoss: { ...ns3, shadowingSigmaDb: 8 }, shadowingMode: 'per-link' });
    link.send(0, 0, 1);
    link.send(100, 1, 0);
    link.send(200, 0, 1);
    link.run(1000);
    const powers = link.receptions.map((r) => r.rxPowerDbm);
    expect(powers[1]).toBe(powers[0]);
    expect(powers[2]).toBe(powers[0]);
    expect(powers[0]).not.toBeCloseTo(14 - meanPathLossDb(ns3, 500), 3);

    const frame = world([node(0), node(500)], { pathLoss: { ...ns3, shadowingSigmaDb: 8 } });
    frame.send(0, 0, 1);
    frame.send(100, 0, 1);
    frame.run(1000);
    expect(frame.receptions[1]!.rxPowerDbm).not.toBe(frame.receptions[0]!.rxPowerDbm);
  });

  it('refuses a transmission that starts before one it has taken (the ether takes them in start order), on any channel', () => {
    const w = world([node(0), node(100), node(200)]);
    const frame = (sender: number, startMs: number): Transmission => ({
      sender, seq: 0, destination: 0, startMs, airtimeMs: 1, endMs: startMs + 1, channelHz: 868.1e6, sf: 7, bandwidthHz: 125e3, codingRate: 1,
      preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array(1), messageId: 0, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: startMs, meta: undefined,
    });
    w.scheduler.at(10, () => {
      w.ether.transmit(frame(1, 10));
      expect(() => w.ether.transmit({ ...frame(2, 9.5), channelHz: 868.3e6 })).toThrow('a transmission starting at 9.5 ms came after one starting at 10 ms: the ether takes them in start order');
      // Nothing of the refused frame was kept: its sender's frame at 10 ms is taken.
      w.ether.transmit(frame(2, 10));
      expect(w.ether.undecided).toBe(2);
    });
    w.scheduler.runUntil(20);
  });

  it('refuses a transmission applied before its start or after its window', () => {
    const w = world([node(0), node(100)]);
    expect(() =>
      w.ether.transmit({
        sender: 0, seq: 0, destination: 1, startMs: 5, airtimeMs: 1, endMs: 6, channelHz: 868.1e6, sf: 7, bandwidthHz: 125e3, codingRate: 1,
        preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array(1), messageId: 0, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: 0, meta: undefined,
      }),
    ).toThrow(RangeError);
  });
});
