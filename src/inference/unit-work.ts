/**
 * What running a unit costs a node's MCU (issue 18): the unit's operations and the weights it
 * reads, from the tier the plan keeps them in (placement/weight-residency.ts), through the
 * hardware model (hw/compute-cost.ts). On a board whose flash is external the weights stream for
 * every token, and that, not the arithmetic, sets the time; an NPU's power and the memory's
 * energy go on the node's ledger through the work's mean power.
 *
 * Per token: the entry reads one embedding row (and one learned position row) and the whole
 * head; an attention node the whole attention block and gate (its latent KV cache sits in SRAM
 * and is not counted as weights); an expert holder the expert's three matrices. Each unit's
 * norms, softmax and activations (model/cost.ts) run on the CPU after its matrix work.
 */
import { workCost, type ComputeOp } from '../hw/compute-cost.ts';
import type { TierId } from '../hw/memory-tiers.ts';
import { matrixBytes, type UnitCost } from '../model/cost.ts';
import type { Bits } from '../model/quant/integer.ts';
import type { TinySeekConfig } from '../model/config.ts';
import type { Plan } from '../placement/place.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import { sharedFlag } from './wire.ts';

/** A piece of MCU work: how long it takes and the node's mean power meanwhile. */
export interface McuWork {
  readonly ms: number;
  readonly powerMw: number;
}

/** Pieces of work run one after the other, as one: their times added, the mean power weighted by time (one piece is itself). */
export function sumWork(works: readonly McuWork[]): McuWork {
  if (works.length === 1) return works[0]!;
  const ms = works.reduce((sum, w) => sum + w.ms, 0);
  return { ms, powerMw: ms > 0 ? works.reduce((sum, w) => sum + w.ms * w.powerMw, 0) / ms : 0 };
}

/**
 * A unit run on `count` positions at once (a pass of speculative decoding) reads its weights
 * once for them all and does `count` times the arithmetic: where the weights stream from
 * external flash, the extra positions cost little.
 */
export interface UnitWork {
  embed(node: number): McuWork;
  head(node: number, count?: number): McuWork;
  /** Attention and gate at positions position … position + count − 1. */
  attention(node: number, layer: number, position: number, count?: number): McuWork;
  combine(node: number, count?: number): McuWork;
  /** Expert `id` of `layer` (a routed index, or `sharedFlag | s` for shared expert s). */
  expert(node: number, layer: number, id: number, count?: number): McuWork;
  /** The memory tier a unit's weights are read from on `node`. */
  tierOf(unitId: string, node: number): TierId;
}

export function createUnitWork(config: TinySeekConfig, bits: Bits, costs: readonly UnitCost[], plan: Plan, specs: readonly NodeSpec[], groupSize?: number): UnitWork {
  const unit = Object.fromEntries(costs.map((c) => [c.unit, c])) as Record<UnitCost['unit'], UnitCost>;
  const tierAt = new Map<string, TierId>();
  plan.units.forEach((placed, u) => plan.holders[u]!.forEach((node, k) => tierAt.set(`${placed.id}@${node}`, plan.tiers[u]![k]!)));
  const run = (node: number, unitId: string, ops: readonly ComputeOp[], weightBytes: number): McuWork => {
    const cost = workCost(specs[node]!.mcu, { ops, weightBytes, weightsIn: tierAt.get(`${unitId}@${node}`) ?? 'flash' });
    return { ms: cost.latencyMs, powerMw: cost.powerMw };
  };
  const d = config.dim;
  const matmul = (cost: UnitCost, position: number, count = 1): ComputeOp => ({ op: 'matmul', macs: (cost.macsPerToken + (position + 1) * cost.macsPerCachedPosition) * count });
  // Norms, softmax and activations: on the CPU at its softmax rate, also on an MCU with an NPU.
  const cpuSide = (cost: UnitCost, position: number, count = 1): ComputeOp => ({ op: 'softmax', macs: (cost.softmaxElementsPerToken + (position + 1) * cost.softmaxElementsPerCachedPosition) * count });
  const embedRowBytes = matrixBytes(1, d, bits, groupSize) * (config.positions === 'rotary' ? 1 : 2);
  const attentionBytes = unit.attention.weightBytes[bits] + unit.gate.weightBytes[bits];
  return {
    tierOf: (unitId, node) => tierAt.get(`${unitId}@${node}`) ?? 'flash',
    embed: (node) => run(node, 'io', [{ op: 'elementwise', macs: d }], embedRowBytes),
    head: (node, count = 1) => run(node, 'io', [matmul(unit.head, 0, count), cpuSide(unit.head, 0, count)], unit.head.weightBytes[bits]),
    attention(node, layer, position, count = 1) {
      let macs = 0;
      let elements = 0;
      for (let p = position; p < position + count; p++) {
        macs += unit.attention.macsPerToken + (p + 1) * unit.attention.macsPerCachedPosition + unit.gate.macsPerToken;
        elements += cpuSide(unit.attention, p).macs + unit.gate.softmaxElementsPerToken;
      }
      return run(node, `L${layer}.attention`, [{ op: 'matmul', macs }, { op: 'softmax', macs: elements }], attentionBytes);
    },
    combine: (node, count = 1) => run(node, 'combine', [{ op: 'elementwise', macs: unit.combine.macsPerToken * count }], 0),
    expert(node, layer, id, count = 1) {
      const shared = (id & sharedFlag) !== 0;
      const cost = shared ? unit.sharedExpert : unit.routedExpert;
      return run(node, shared ? `L${layer}.shared${id & ~sharedFlag}` : `L${layer}.expert${id}`, [matmul(cost, 0, count), cpuSide(cost, 0, count)], cost.weightBytes[bits]);
    },
  };
}
