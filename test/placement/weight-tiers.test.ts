/** Where placed weights live (issue 18): the `weights` modes, the tiers they fill, and refusals naming the tier, with hand counts. */
import { describe, expect, it } from 'vitest';
import { PlacementError, placeUnits, type PlacementNode } from '../../src/placement/place.ts';
import { placeableUnits } from '../../src/placement/units.ts';
import { autoTiers } from '../../src/placement/weight-residency.ts';
import type { TinySeekConfig } from '../../src/model/config.ts';

const config: TinySeekConfig = { vocab: 10, dim: 8, layers: 2, heads: 2, headDim: 4, latentDim: 4, context: 6, experts: 4, sharedExperts: 1, expertHidden: 16, topK: 2, affinity: 'sigmoid', biasUpdate: 0 };
const units = placeableUnits(config, { bits: 8, concurrentRequests: 1 });
const total = units.reduce((sum, unit) => sum + unit.weightBytes, 0);
const line = (a: number, b: number): number => Math.abs(a - b) * 100;
const board = (index: number, extra: Partial<PlacementNode> = {}): PlacementNode => ({ index, id: `n${index}`, mcuId: 'test', eligible: true, flashBytes: 100_000, sramBytes: 100_000, flashLabel: 'external flash', ...extra });

describe('weights modes', () => {
  it('flash (default): every copy read from flash; on an external flash they all stream', () => {
    const plan = placeUnits(units, [board(0)], { strategy: 'pack', replicas: 1, costMs: line });
    expect(plan.weights).toBe('flash');
    expect(plan.tiers.flat().every((tier) => tier === 'flash')).toBe(true);
    expect(plan.nodes[0]).toMatchObject({ weightBytes: total, flashWeightBytes: total, sramWeightBytes: 0, externalWeightBytes: 0, streamedBytes: total });
    const internal = placeUnits(units, [board(0, { flashLabel: 'internal flash' })], { strategy: 'pack', replicas: 1, costMs: line });
    expect(internal.nodes[0]!.streamedBytes).toBe(0);
  });

  it('sram: stored in flash and copied to SRAM, which must also hold the KV cache and the largest buffer', () => {
    const plan = placeUnits(units, [board(0)], { strategy: 'pack', replicas: 1, costMs: line, weights: 'sram' });
    expect(plan.tiers.flat().every((tier) => tier === 'sram')).toBe(true);
    expect(plan.nodes[0]).toMatchObject({ flashWeightBytes: total, sramWeightBytes: total, streamedBytes: 0 });
    // Two boards whose SRAM holds about half the weights each: the model spreads over both.
    const half = Math.ceil(total / 2) + 600;
    const spread = placeUnits(units, [board(0, { sramBytes: half }), board(1, { sramBytes: half })], { strategy: 'pack', replicas: 1, costMs: line, weights: 'sram' });
    expect(spread.usedNodes).toBe(2);
    for (const node of spread.nodes) expect(node.sramWeightBytes + node.kvBytes + node.workBytes).toBeLessThanOrEqual(half);
  });

  it('sram refuses what SRAM cannot hold, naming SRAM, the request and the shortfall', () => {
    const small = [board(0, { sramBytes: 3_000 }), board(1, { sramBytes: 3_000 })];
    let error: PlacementError | undefined;
    try {
      placeUnits(units, small, { strategy: 'pack', replicas: 1, costMs: line, weights: 'sram' });
    } catch (caught) {
      error = caught as PlacementError;
    }
    expect(error).toBeInstanceOf(PlacementError);
    expect(error!.message).toMatch(new RegExp(`^the model does not fit the swarm: \\d+ units .* found no node with room\\n  the units need ${total.toLocaleString('en')} B of SRAM; the 2 eligible nodes' placement budgets total 6,000 B`));
    expect(error!.shortfallBytes).toBeGreaterThan(0);
    expect(error!.message).toContain(`shortfall ${error!.shortfallBytes.toLocaleString('en')} B beyond all free SRAM`);
  });

  it('external: copied to a PSRAM (which must hold them) or stored in an external flash beside the internal one (flash untouched)', () => {
    const psram = placeUnits(units, [board(0, { externalKind: 'psram', externalBytes: 50_000 })], { strategy: 'pack', replicas: 1, costMs: line, weights: 'external' });
    expect(psram.nodes[0]).toMatchObject({ flashWeightBytes: total, externalWeightBytes: total, streamedBytes: 0 });
    const qspi = placeUnits(units, [board(0, { flashLabel: 'internal flash', flashBytes: 10, externalKind: 'flash', externalBytes: 50_000 })], { strategy: 'pack', replicas: 1, costMs: line, weights: 'external' });
    expect(qspi.nodes[0]).toMatchObject({ flashWeightBytes: 0, externalWeightBytes: total, streamedBytes: total });
    expect(() => placeUnits(units, [board(0, { externalKind: 'psram', externalBytes: 1_000 })], { strategy: 'pack', replicas: 1, costMs: line, weights: 'external' })).toThrow(/B of PSRAM; the 1 eligible nodes' placement budgets total 1,000 B/);
    // A board without an external tier keeps them in flash.
    expect(placeUnits(units, [board(0)], { strategy: 'pack', replicas: 1, costMs: line, weights: 'external' }).tiers.flat().every((tier) => tier === 'flash')).toBe(true);
  });

  it('auto: the most called units into SRAM while it has room, then a PSRAM faster than the flash, the rest streamed', () => {
    // Room for about half the weights in SRAM beside the KV cache and buffers.
    const node = board(0, { sramBytes: Math.floor(total / 2), externalKind: 'psram', externalBytes: 800, bandwidth: { sram: 1e9, flash: 1e8, external: 4e8 } });
    const plan = placeUnits(units, [node], { strategy: 'pack', replicas: 1, costMs: line, weights: 'auto' });
    const tierOf = (id: string) => plan.tiers[units.findIndex((unit) => unit.id === id)]![0];
    // Load 1 (io, attention, shared experts) goes first; the routed experts (load 0.5) take what is left.
    for (const id of ['io', 'L0.attention', 'L0.shared0', 'L1.attention', 'L1.shared0']) expect(tierOf(id)).toBe('sram');
    expect(plan.tiers.flat().filter((tier) => tier === 'external').length).toBe(1);
    expect(plan.nodes[0]!.sramWeightBytes + plan.nodes[0]!.externalWeightBytes + plan.nodes[0]!.streamedBytes).toBe(total);
    expect(plan.nodes[0]!.streamedBytes).toBeGreaterThan(0);
  });

  it('autoTiers never copies to a PSRAM slower than the flash', () => {
    expect(autoTiers([{ weightBytes: 10, load: 1 }], 0, { externalKind: 'psram', bandwidth: { flash: 4e8, external: 1e8 } }, 100)).toEqual(['flash']);
    expect(autoTiers([{ weightBytes: 10, load: 1 }], 0, { externalKind: 'psram', bandwidth: { flash: 4e7, external: 1e8 } }, 100)).toEqual(['external']);
  });
});
