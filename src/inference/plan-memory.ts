/** A node's static memory with its share of the placement added: weights, KV caches, working buffers. */
import type { MemoryKind } from '../hw/memory-ledger.ts';
import type { PlanNode } from '../placement/place.ts';

export function withPlanMemory(memory: Readonly<Record<MemoryKind, number>>, node: PlanNode): Readonly<Record<MemoryKind, number>> {
  if (node.units.length === 0) return memory;
  return { ...memory, weights: memory.weights + node.weightBytes, kvCache: memory.kvCache + node.kvBytes, activations: memory.activations + node.workBytes };
}
