import { describe, expect, it } from 'vitest';
import { createEtherReach } from '../../src/radio/ether-reach.ts';
import type { EtherNode } from '../../src/radio/ether-config.ts';
import { shadowingBoundSigma } from '../../src/radio/link-budget.ts';
import { meanPathLossDb, pathLossProfiles } from '../../src/radio/path-loss.ts';
import { sensitivityDbm } from '../../src/radio/sensitivity.ts';
import type { Transmission } from '../../src/radio/transmission.ts';
import { etherGateway, etherNode } from '../helpers/ether-node.ts';
import { createOnAir, powerAt } from '../../src/radio/on-air.ts';

const sigmaDb = 4;
const ns3 = { ...pathLossProfiles.ns3, shadowingSigmaDb: sigmaDb };
const node = (xM: number, gateway: boolean): EtherNode => (gateway ? etherGateway(xM, 8) : etherNode(xM));

describe('the ether\'s reach', () => {
  it('visits the gateways whose mean power is within 6σ of their sensitivity, and no farther one: 18 of 40 gateways 1 km apart (SF7, σ = 4 dB)', () => {
    // More gateways than the 32 the reach visits all of, so that the spatial grid answers.
    const nodes = [node(0, false), ...Array.from({ length: 40 }, (_, i) => node(1000 * (i + 1), true))];
    const reach = createEtherReach({ nodes, pathLoss: ns3, shadowingMode: 'per-frame', collision: 'energy-sir', extraLossProbability: 0, processingDelayMs: 0, seed: 1, broadcastMarginDb: 0 });
    const tx = { sender: 0, seq: 0, txPowerDbm: 14, sf: 7, bandwidthHz: 125e3 } as Transmission;
    const sensitivity = sensitivityDbm('sx1301', 7, 125e3, 6)!;
    const reachable = nodes.flatMap((n, i) => (n.gateway && 14 - meanPathLossDb(ns3, n.xM) + shadowingBoundSigma * sigmaDb >= sensitivity ? [i] : []));
    // 14 − 120.5 − 37.6·log10(d/km) + 24 ≥ −130 dBm (SX1301, SF7) up to d = 18.3 km: gateways 1–18
    // (8.57σ, the untruncated draw's largest, would reach 44 km: all 40).
    expect(reachable).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(reach.pathCandidates(tx)).toEqual(reachable);
    // Each candidate's power is the mean less the draw, which stays within ±6σ.
    for (const gateway of reachable) {
      const meanDbm = 14 - meanPathLossDb(ns3, nodes[gateway]!.xM);
      expect(Math.abs(reach.powerDbm(tx, gateway) - meanDbm)).toBeLessThanOrEqual(shadowingBoundSigma * sigmaDb);
    }
  });

  it('keeps a frame\'s power at each receiver asked, candidates by their place and others beside: each is what the reach gives', () => {
    const nodes = [node(0, false), ...Array.from({ length: 40 }, (_, i) => node(1000 * (i + 1), true))];
    const reach = createEtherReach({ nodes, pathLoss: ns3, shadowingMode: 'per-frame', collision: 'energy-sir', extraLossProbability: 0, processingDelayMs: 0, seed: 1, broadcastMarginDb: 0 });
    const tx = { sender: 0, seq: 3, txPowerDbm: 14, sf: 7, bandwidthHz: 125e3 } as Transmission;
    const onAir = createOnAir(tx, 0, undefined, reach.pathCandidates(tx));
    // Candidates (1–18) and receivers beyond them (19–40), out of order, each asked twice.
    const asked = [7, 30, 1, 18, 25, 2, 40, 12, 19, 7, 30, 1, 18, 25, 2, 40, 12, 19];
    for (const receiver of asked) expect(powerAt(onAir, receiver, reach)).toBe(reach.powerDbm(tx, receiver));
    // 7 and 30 in the two fields; candidates 1, 18, 2 and 12 by place; 25, 40 and 19 in pairs.
    expect([onAir.receiver0, onAir.receiver1]).toEqual([7, 30]);
    expect(onAir.candidatePowers?.filter((power) => !Number.isNaN(power))).toHaveLength(4);
    expect(onAir.morePowers?.filter((_, i) => i % 2 === 0)).toEqual([25, 40, 19]);
  });
});
