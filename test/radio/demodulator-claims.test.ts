import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/sim/scheduler.ts';
import { createEther, type EtherConfig, type EtherNode, type ReceptionEvent } from '../../src/radio/ether.ts';
import { createEtherReach } from '../../src/radio/ether-reach.ts';
import { pathLossProfiles } from '../../src/radio/path-loss.ts';
import { etherGateway, etherNode } from '../helpers/ether-node.ts';
import { gatewaysDestination, type Transmission } from '../../src/radio/transmission.ts';

// Two gateways with few demodulators and senders around them, shadowing strong enough that
// whether a gateway detects a frame varies from frame to frame.
const config = (nodes: EtherNode[]): EtherConfig => ({
  nodes,
  pathLoss: { ...pathLossProfiles.ns3, shadowingSigmaDb: 8 },
  shadowingMode: 'per-frame',
  collision: 'aloha',
  extraLossProbability: 0,
  processingDelayMs: 1,
  seed: 7,
  broadcastMarginDb: 0,
});

const gateway = (xM: number, receivePaths: number): EtherNode => etherGateway(xM, receivePaths, { key: 900 + xM });
const sensor = (xM: number, i: number): EtherNode => etherNode(xM, { key: i + 1, yM: 300 });

interface Frame {
  readonly sender: number;
  readonly startMs: number;
  readonly airtimeMs: number;
}

function transmission(frame: Frame, seq: number): Transmission {
  return {
    sender: frame.sender, seq, destination: gatewaysDestination, startMs: frame.startMs, airtimeMs: frame.airtimeMs, endMs: frame.startMs + frame.airtimeMs,
    channelHz: 868.1e6, sf: 7, bandwidthHz: 125e3, codingRate: 1, preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array(10),
    messageId: seq, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: frame.startMs, meta: undefined,
  };
}

/** The frames refused a demodulator, as "sender seq gateway", found with every draw made at every start. */
function refusedEagerly(cfg: EtherConfig, txs: readonly Transmission[], gateways: readonly number[]): string[] {
  const reach = createEtherReach(cfg);
  const locks = new Map<number, number[]>(gateways.map((g) => [g, []]));
  const refused: string[] = [];
  for (const tx of txs) {
    for (const g of gateways) {
      const held = locks.get(g)!.filter((endMs) => endMs > tx.startMs);
      locks.set(g, held);
      if (reach.powerDbm(tx, g) < reach.sensitivityDbm(g, tx.sf, tx.bandwidthHz)) continue;
      if (held.length >= cfg.nodes[g]!.receivePaths) refused.push(`${tx.sender} ${tx.seq} ${g}`);
      else held.push(tx.endMs);
    }
  }
  return refused.sort();
}

/** The same, as the ether decides it (claims drawn only when contested): its noReceivePath fates. */
function refusedByEther(cfg: EtherConfig, txs: readonly Transmission[]): string[] {
  const scheduler = createScheduler();
  const fates: ReceptionEvent[] = [];
  const ether = createEther(cfg, scheduler, {
    reception: (tx, receiver, fate, rxPowerDbm, snrDb) => fates.push({ type: 'reception', atMs: tx.endMs, tx, receiver, fate, rxPowerDbm, snrDb }),
    deliver: () => undefined,
  });
  for (const tx of txs) scheduler.at(tx.startMs, () => ether.transmit(tx));
  scheduler.runUntil(1e6);
  ether.decideUntil(1e6);
  return fates.filter((r) => r.fate === 'noReceivePath').map((r) => `${r.tx.sender} ${r.tx.seq} ${r.receiver}`).sort();
}

describe('demodulator claims', () => {
  it('refuse the same frames as when every frame\'s draw is made at its start at every gateway (2,000 random schedules)', () => {
    let contested = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ sender: fc.integer({ min: 2, max: 9 }), startMs: fc.integer({ min: 0, max: 2000 }), airtimeMs: fc.integer({ min: 20, max: 400 }) }), { minLength: 1, maxLength: 30 }),
        (receivePaths, frames) => {
          // Gateways 0 and 1 (2 km apart); senders 2–9 spread between and beyond them.
          const nodes = [gateway(0, receivePaths), gateway(2000, receivePaths), ...Array.from({ length: 8 }, (_, i) => sensor(-2500 + 1000 * i, i))];
          const cfg = config(nodes);
          // Applied in (start, sender) order, one frame per sender at a time.
          const busyUntil = new Map<number, number>();
          const seqs = new Map<number, number>();
          const txs: Transmission[] = [];
          for (const frame of [...frames].sort((a, b) => a.startMs - b.startMs || a.sender - b.sender)) {
            if ((busyUntil.get(frame.sender) ?? -1) > frame.startMs) continue;
            busyUntil.set(frame.sender, frame.startMs + frame.airtimeMs);
            const seq = seqs.get(frame.sender) ?? 0;
            seqs.set(frame.sender, seq + 1);
            txs.push(transmission(frame, seq));
          }
          const expected = refusedEagerly(cfg, txs, [0, 1]);
          if (expected.length > 0) contested++;
          expect(refusedByEther(cfg, txs)).toEqual(expected);
        },
      ),
      { numRuns: 2000, seed: 21 },
    );
    // The schedules refused some frames often enough for the comparison to mean something.
    expect(contested).toBeGreaterThan(200);
  });
});
