import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerOnAir } from '../../src/radio/channel-log.ts';
import { energySirCollision, interferenceEnergies } from '../../src/radio/collision/energy-sir.ts';
import type { Signal } from '../../src/radio/collision/index.ts';
import { createAir, type Air } from '../../src/radio/ether-air.ts';
import type { EtherNode, UndetectableInterference } from '../../src/radio/ether-config.ts';
import { boundedVerdict, collides } from '../../src/radio/far-interference.ts';
import { interferersAt, wantedSignal } from '../../src/radio/interferers.ts';
import { createOnAir, powerAt, type OnAir } from '../../src/radio/on-air.ts';
import { pathLossProfiles } from '../../src/radio/path-loss.ts';
import type { Transmission } from '../../src/radio/transmission.ts';
import { etherGateway, etherNode } from '../helpers/ether-node.ts';

const gateway = (i: number): EtherNode => etherGateway(2000 * (i % 6), 8, { key: 1000 + i, yM: 2000 * Math.floor(i / 6) });
const sensor = (i: number, xM: number, yM: number): EtherNode => etherNode(xM, { key: i + 1, yM });
const wanted = (rxPowerDbm: number, sf = 7): Signal => ({ startMs: 0, endMs: 100, sf, rxPowerDbm, symbolMs: 1, preambleSymbols: 8, order: 0 });
const perSf = (sf7: number, sf8 = 0): Float64Array => Float64Array.from([sf7, sf8, 0, 0, 0, 0]);

interface Sent {
  readonly xM: number;
  readonly yM: number;
  readonly startMs: number;
  readonly airtimeMs: number;
  readonly sf: number;
  readonly txPowerDbm: number;
}

const cities = fc.array(
  fc.record({ xM: fc.integer({ min: -4000, max: 14000 }), yM: fc.integer({ min: -4000, max: 14000 }), startMs: fc.integer({ min: 0, max: 400 }), airtimeMs: fc.integer({ min: 40, max: 300 }), sf: fc.integer({ min: 7, max: 9 }), txPowerDbm: fc.integer({ min: 2, max: 14 }) }),
  { minLength: 2, maxLength: 24 },
);

/** 36 gateways 2 km apart (more than the 32 the reach visits all of) and the frames on one channel, in start order. */
function city(frames: readonly Sent[], undetectable: UndetectableInterference): { air: Air; onAirs: OnAir[] } {
  const nodes = [...Array.from({ length: 36 }, (_, i) => gateway(i)), ...frames.map((f, i) => sensor(i, f.xM, f.yM))];
  const air = createAir(
    { nodes, pathLoss: { ...pathLossProfiles.ns3, shadowingSigmaDb: 2 }, shadowingMode: 'per-frame', collision: 'energy-sir', undetectableInterfere: undetectable, extraLossProbability: 0, processingDelayMs: 0, seed: 3, broadcastMarginDb: 0, windowMs: 1000 },
    { reception: () => undefined, deliver: () => undefined },
  );
  const onAirs: OnAir[] = frames.map((f, i) => {
    const tx = { sender: 36 + i, seq: 0, destination: 0, startMs: f.startMs, airtimeMs: f.airtimeMs, endMs: f.startMs + f.airtimeMs, channelHz: 868.1e6, sf: f.sf, bandwidthHz: 125e3, codingRate: 1, preambleSymbols: 8, symbolMs: 2 ** f.sf / 125, txPowerDbm: f.txPowerDbm, bytes: new Uint8Array(10), messageId: 0, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: 0, meta: undefined } satisfies Transmission;
    return createOnAir(tx, i, undefined, air.reach.pathCandidates(tx));
  });
  // The ether takes frames in start order.
  for (const onAir of [...onAirs].sort((a, b) => a.tx.startMs - b.tx.startMs || a.order - b.order)) registerOnAir(air.logs, onAir, 0);
  return { air, onAirs };
}

describe('interference from far frames', () => {
  it('decides from the near energies and the far bound only when they settle it', () => {
    // SF7 against SF7 needs 6 dB: −100 dBm wanted over 100 ms is 1e-8 mW·ms; the threshold energy is 2.512e-9.
    const one = perSf(1);
    expect(boundedVerdict(wanted(-100), perSf(3e-9), perSf(1e-12), one)).toBe(true);
    expect(boundedVerdict(wanted(-100), perSf(1e-9), perSf(1e-12), one)).toBe(false);
    expect(boundedVerdict(wanted(-100), perSf(2.5e-9), perSf(1e-10), one)).toBeUndefined();
    // An SF with no far frame is the full test itself.
    expect(boundedVerdict(wanted(-100), perSf(0, 3e-9), perSf(1e-12), one)).toBe(false);
    expect(boundedVerdict(wanted(-100), perSf(3e-9), perSf(0, 1e-12), perSf(0, 1))).toBe(true);
  });

  it('gives the full energy-sir test\'s verdict at every gateway for every frame, every way the bound can go (36 gateways, 500 random cities)', () => {
    const outcomes = { lost: 0, survives: 0, open: 0 };
    fc.assert(
      fc.property(cities, (frames) => {
        const { air, onAirs } = city(frames, 'always');
        for (const onAir of onAirs) {
          for (let g = 0; g < 36; g++) {
            const rxDbm = powerAt(onAir, g, air.reach);
            const full = energySirCollision(wantedSignal(air.signals, onAir, rxDbm), interferersAt(air, onAir, g));
            expect(collides(air, onAir, rxDbm, g)).toBe(full);
            // Which way the bound went, as collides saw it.
            const farBound = new Float64Array(6);
            const near = interferersAt(air, onAir, g, farBound);
            if (air.signals.farCount === 0) continue;
            const signal = wantedSignal(air.signals, onAir, rxDbm);
            const verdict = boundedVerdict(signal, interferenceEnergies(signal, near, new Float64Array(6)), farBound, air.signals.farFrames);
            if (verdict === true) outcomes.lost++;
            else if (verdict === false) outcomes.survives++;
            else outcomes.open++;
          }
        }
      }),
      { numRuns: 500, seed: 5 },
    );
    // Every branch ran: the bound settled fates both ways, and left some open for the full test.
    expect(outcomes.lost).toBeGreaterThan(100);
    expect(outcomes.survives).toBeGreaterThan(10_000);
    expect(outcomes.open).toBeGreaterThan(10);
  });

  for (const undetectable of ['never', 'earlier'] as const) {
    it(`with undetectable: ${undetectable}, leaves out the same interferers as drawing every frame (36 gateways, 300 random cities)`, () => {
      let leftOut = 0;
      fc.assert(
        fc.property(cities, (frames) => {
          const { air, onAirs } = city(frames, undetectable);
          for (const onAir of onAirs) {
            for (let g = 0; g < 36; g++) {
              // Every overlapping frame drawn, then the frames the gateway cannot detect dropped as the mode says.
              const expected = onAirs
                .filter((other) => other !== onAir && other.tx.startMs < onAir.tx.endMs && onAir.tx.startMs < other.tx.endMs)
                .sort((a, b) => a.tx.startMs - b.tx.startMs || a.order - b.order)
                .filter((other) => powerAt(other, g, air.reach) >= air.reach.sensitivityDbm(g, other.tx.sf, other.tx.bandwidthHz) || (undetectable === 'earlier' && other.order < onAir.order))
                .map((other) => [other.order, powerAt(other, g, air.reach)]);
              const found = interferersAt(air, onAir, g).map((signal) => [signal.order, signal.rxPowerDbm]);
              expect(found).toEqual(expected);
              leftOut += onAirs.filter((other) => other !== onAir && other.tx.startMs < onAir.tx.endMs && onAir.tx.startMs < other.tx.endMs).length - found.length;
            }
          }
        }),
        { numRuns: 300, seed: 6 },
      );
      expect(leftOut).toBeGreaterThan(10_000);
    });
  }
});
