/** Placement strategies, budgets, the infeasibility report, links and routes, with hand counts. */
import { describe, expect, it } from 'vitest';
import { computeRoutes, linkGraph, normalCdf, type LinkGraph } from '../../src/placement/links.ts';
import { PlacementError, placeUnits, type PlacementNode } from '../../src/placement/place.ts';
import { placeableUnits } from '../../src/placement/units.ts';
import type { TinySeekConfig } from '../../src/model/config.ts';
import { pathLossProfiles } from '../../src/radio/path-loss.ts';
import { timeOnAir } from '../../src/radio/airtime.ts';
import { fragmentPayload } from '../../src/radio/fragmentation.ts';

const config: TinySeekConfig = { vocab: 10, dim: 8, layers: 2, heads: 2, headDim: 4, latentDim: 4, context: 6, experts: 4, sharedExperts: 1, expertHidden: 16, topK: 2, affinity: 'sigmoid', biasUpdate: 0 };

const nodes = (count: number, flashBytes: number, sramBytes = 100_000): PlacementNode[] =>
  Array.from({ length: count }, (_, i) => ({ index: i, id: `n${i}`, mcuId: 'test', eligible: true, flashBytes, sramBytes }));

/** Costs on a line: |a − b| hops of 100 ms. */
const line = (a: number, b: number): number => Math.abs(a - b) * 100;

describe('placeable units', () => {
  it('counts weights, KV cache and buffers by hand', () => {
    const units = placeableUnits(config, { bits: 8, concurrentRequests: 2 });
    expect(units.map((u) => u.id)).toEqual(['io', 'L0.attention', 'L0.shared0', 'L0.expert0', 'L0.expert1', 'L0.expert2', 'L0.expert3', 'L1.attention', 'L1.shared0', 'L1.expert0', 'L1.expert1', 'L1.expert2', 'L1.expert3']);
    const expert = units[3]!;
    // w1, w3: 16×8 int8 + 16 float32 scales each; w2: 8×16 + 8 scales.
    expect(expert.weightBytes).toBe(2 * (128 + 64) + (128 + 32));
    expect(expert.load).toBe(0.5);
    expect(expert.workBytes).toBe(4 * 16 + 8 + 8);
    const attention = units[1]!;
    // latent 4 bytes per position × context 6 × 2 requests (learned positions: no rotary key).
    expect(attention.kvBytes).toBe(4 * 6 * 2);
    // io: token embedding 10×8 + positions 6×8 (+ a scale per row) and the head 10×8 (+ scales, + the final gain).
    expect(units[0]!.weightBytes).toBe(80 + 40 + 48 + 24 + 80 + 40 + 32);
  });
});

describe('placement', () => {
  const units = placeableUnits(config, { bits: 8, concurrentRequests: 1 });
  const expertBytes = units[3]!.weightBytes;

  it('pack uses the fewest nodes (first-fit decreasing)', () => {
    const plan = placeUnits(units, nodes(10, 4 * expertBytes), { strategy: 'pack', replicas: 1, costMs: line });
    const total = units.reduce((s, u) => s + u.weightBytes, 0);
    expect(plan.usedNodes).toBe(Math.ceil(total / (4 * expertBytes)));
    expect(plan.nodes.slice(0, plan.usedNodes).every((n) => n.units.length > 0)).toBe(true);
  });

  it('radio-aware keeps each layer\'s experts near its attention node; pack fills the largest nodes wherever they are', () => {
    // A line of 9 nodes, requests entering at node 0; the far nodes have twice the flash.
    const swarm = nodes(9, 3 * expertBytes).map((node) => (node.index >= 5 ? { ...node, flashBytes: 6 * expertBytes } : node));
    const plan = placeUnits(units, swarm, { strategy: 'radio-aware', replicas: 1, entry: 0, costMs: line });
    expect(plan.entry).toBe(0);
    // Node 1 fills with layer 0's experts, so layer 1's block goes to node 2, its experts next door.
    expect(plan.attention).toEqual([0, 2]);
    expect(plan.nodes.map((n) => n.units.length)).toEqual([3, 3, 3, 3, 1, 0, 0, 0, 0]);
    const packed = placeUnits(units, swarm, { strategy: 'pack', replicas: 1, entry: 0, costMs: line });
    expect(packed.entry).toBe(0);
    expect(packed.attention).toEqual([6, 6]);
    // Per token: radio-aware 2 × (0→0) + experts (load 1 shared, 0.5 each routed) + back: 1,400 ms; pack sends the residual stream 6 hops out and back.
    expect(plan.expectedAirtimeMsPerToken).toBe(1400);
    expect(packed.expectedAirtimeMsPerToken).toBe(3700);
  });

  it('replicated puts r copies of every expert on distinct nodes, or of the hot ones only', () => {
    const plan = placeUnits(units, nodes(12, 3 * expertBytes), { strategy: 'replicated', replicas: 2, costMs: line });
    plan.units.forEach((unit, u) => {
      const holders = plan.holders[u]!;
      expect(holders.length).toBe(unit.kind === 'routed' || unit.kind === 'shared' ? 2 : 1);
      expect(new Set(holders).size).toBe(holders.length);
    });
    const hot = placeableUnits(config, { bits: 8, concurrentRequests: 1, expertLoad: [[0.1, 0.9, 0.5, 0.5], [0.8, 0.2, 0.3, 0.7]] });
    const hotPlan = placeUnits(hot, nodes(12, 3 * expertBytes), { strategy: 'replicated', replicas: 3, hot: 1, costMs: line });
    const copies = Object.fromEntries(hotPlan.units.map((unit, u) => [unit.id, hotPlan.holders[u]!.length]));
    expect(copies).toMatchObject({ 'L0.expert1': 3, 'L0.expert0': 1, 'L1.expert0': 3, 'L1.expert3': 1, 'L0.shared0': 3, io: 1 });
  });

  it('refuses an infeasible model with the shortfall and the nodes it would take', () => {
    const swarm = nodes(3, 2 * expertBytes);
    let error: unknown;
    try {
      placeUnits(units, swarm, { strategy: 'pack', replicas: 1, costMs: line });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlacementError);
    const placement = error as PlacementError;
    // 6,776 B of weights on 3 × 1,088 B: the 3 nodes take six experts; 4 experts, 2 attention blocks and io are left.
    expect(units.reduce((s, u) => s + u.weightBytes, 0)).toBe(6_776);
    expect(placement.unplaced).toEqual(['L1.expert0', 'L1.expert1', 'L1.expert2', 'L1.expert3', 'L0.attention', 'L1.attention', 'io']);
    expect(placement.shortfallBytes).toBe(4 * 544 + 2 * 496 + 344);
    // First-fit decreasing into fresh 1,088 B nodes: [544 544] [544 544] [496 496] [344].
    expect(placement.extraNodes).toBe(4);
    expect(placement.message).toBe(
      [
        'the model does not fit the swarm: 7 units (L1.expert0, L1.expert1, L1.expert2, L1.expert3, L0.attention, L1.attention and 1 more, 3,512 B of weights) found no node with room',
        "  the units need 6,776 B of flash; the 3 eligible nodes' placement budgets total 3,264 B, of which 0 B stayed free in pieces too small or on nodes that hold a copy already",
        '  shortfall 3,512 B beyond all free flash; 4 more nodes like n0 (test, 1,088 B placement budget each) would hold the rest',
      ].join('\n'),
    );
  });

  it('names a unit larger than any node, and a KV cache larger than any SRAM', () => {
    expect(() => placeUnits(units, nodes(4, expertBytes - 1), { strategy: 'radio-aware', replicas: 1, costMs: line })).toThrow(/L0\.shared0 alone needs 544 B of flash, more than any node's budget \(543 B on n0, test\)/);
    const big = placeableUnits(config, { bits: 8, concurrentRequests: 64 });
    expect(() => placeUnits(big, nodes(20, 10_000, 1_000), { strategy: 'pack', replicas: 1, costMs: line })).toThrow(/L0\.attention needs 1,632 B of SRAM \(KV cache 1,536 B \+ buffers 96 B\), more than any node's 1,000 B/);
  });
});

describe('links and routes', () => {
  it('computes Φ like the tables', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it('routes on the least expected airtime, multi-hop where no direct link closes, and around the dead', () => {
    const node = (xM: number) => ({ xM, yM: 0, txPowerDbm: 14, antennaGainDbi: 0, sensitivity: 'sx1276' as const, noiseFigureDb: 6, airtime: { sf: 7, bandwidthHz: 125_000, codingRate: 1 as const }, maxAppBytes: 200 });
    // ns-3's log-distance model (7.7 dB at 1 m, exponent 3.76): at 14 dBm SF7's −123 dBm closes to about 2.8 km.
    const graph: LinkGraph = linkGraph([node(0), node(1500), node(3000), { ...node(1500), yM: 100 }], { pathLoss: pathLossProfiles.ns3, shadowingSigmaDb: 0, extraLossProbability: 0, marginDb: 0, messageBytes: 32, framingBytes: 8 });
    expect(graph.links[0]!.map((l) => l.to)).toEqual([1, 3]);
    const routes = computeRoutes(graph);
    expect(routes.hops[0]![2]).toBe(2);
    expect(routes.next[0]![2]).toBe(1);
    expect(routes.costMs[0]![2]).toBeCloseTo(2 * timeOnAir({ sf: 7, bandwidthHz: 125_000, codingRate: 1, payloadBytes: 40 }).airtimeMs, 9);
    const repaired = computeRoutes(graph, [false, true, false, false]);
    expect(repaired.next[0]![2]).toBe(3);
    // A message longer than a frame costs all its fragments.
    const small = linkGraph([node(0), { ...node(1500), maxAppBytes: 20 }].map((n, i) => (i === 0 ? { ...n, maxAppBytes: 20 } : n)), { pathLoss: pathLossProfiles.ns3, shadowingSigmaDb: 0, extraLossProbability: 0, marginDb: 0, messageBytes: 32, framingBytes: 8 });
    const parts = fragmentPayload(new Uint8Array(32), 0, 20).map((part) => part.length);
    expect(parts.length).toBe(3);
    expect(small.links[0]![0]!.costMs).toBeCloseTo(parts.reduce((sum, bytes) => sum + timeOnAir({ sf: 7, bandwidthHz: 125_000, codingRate: 1, payloadBytes: 8 + bytes }).airtimeMs, 0), 9);
    const cut = computeRoutes(graph, [false, true, false, true]);
    expect(cut.next[0]![2]).toBe(-1);
    expect(cut.costMs[0]![2]).toBe(Number.POSITIVE_INFINITY);
  });
});
