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

export interface UnitWork {
  embed(node: number): McuWork;
  head(node: number): McuWork;
  attention(node: number, layer: number, position: number): McuWork;
  combine(node: number): McuWork;
  /** Expert `id` of `layer` (a routed index, or `sharedFlag | s` for shared expert s). */
  expert(node: number, layer: number, id: number): McuWork;
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
  const matmul = (cost: UnitCost, position: number): ComputeOp => ({ op: 'matmul', macs: cost.macsPerToken + (position + 1) * cost.macsPerCachedPosition });
  // Norms, softmax and activations: on the CPU at its softmax rate, also on an MCU with an NPU.
  const cpuSide = (cost: UnitCost, position: number): ComputeOp => ({ op: 'softmax', macs: cost.softmaxElementsPerToken + (position + 1) * cost.softmaxElementsPerCachedPosition });
  const embedRowBytes = matrixBytes(1, d, bits, groupSize) * (config.positions === 'rotary' ? 1 : 2);
  const attentionBytes = unit.attention.weightBytes[bits] + unit.gate.weightBytes[bits];
  return {
    tierOf: (unitId, node) => tierAt.get(`${unitId}@${node}`) ?? 'flash',
    embed: (node) => run(node, 'io', [{ op: 'elementwise', macs: d }], embedRowBytes),
    head: (node) => run(node, 'io', [matmul(unit.head, 0), cpuSide(unit.head, 0)], unit.head.weightBytes[bits]),
    attention(node, layer, position) {
      const macs = unit.attention.macsPerToken + (position + 1) * unit.attention.macsPerCachedPosition + unit.gate.macsPerToken;
      const elements = cpuSide(unit.attention, position).macs + unit.gate.softmaxElementsPerToken;
      return run(node, `L${layer}.attention`, [{ op: 'matmul', macs }, { op: 'softmax', macs: elements }], attentionBytes);
    },
    combine: (node) => run(node, 'combine', [{ op: 'elementwise', macs: unit.combine.macsPerToken }], 0),
    expert(node, layer, id) {
      const shared = (id & sharedFlag) !== 0;
      const cost = shared ? unit.sharedExpert : unit.routedExpert;
      return run(node, shared ? `L${layer}.shared${id & ~sharedFlag}` : `L${layer}.expert${id}`, [matmul(cost, 0), cpuSide(cost, 0)], cost.weightBytes[bits]);
    },
  };
}
