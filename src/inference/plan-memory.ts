/** A node's static memory with its share of the placement added: weights in their tiers, KV caches, working buffers. */
import type { MemoryKind } from '../hw/memory-ledger.ts';
import type { PlanNode } from '../placement/place.ts';

export function withPlanMemory(memory: Readonly<Record<MemoryKind, number>>, node: PlanNode): Readonly<Record<MemoryKind, number>> {
  if (node.units.length === 0) return memory;
  return {
    ...memory,
    weights: memory.weights + node.flashWeightBytes,
    sramWeights: memory.sramWeights + node.sramWeightBytes,
    externalWeights: memory.externalWeights + node.externalWeightBytes,
    kvCache: memory.kvCache + node.kvBytes,
    activations: memory.activations + node.workBytes,
  };
}
