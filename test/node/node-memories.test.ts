/**
 * The nodes' memory ledgers (node-memories.ts): a group's nodes share the books of their static
 * allocations until one allocates at run time. Against a ledger of their own for every node
 * (what node-memories.ts kept before), the same faults in the same order, the same usage, and a
 * node's run-time allocations touch its books alone.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryLedger, type MemoryKind } from '../../src/hw/memory-ledger.ts';
import { mcuProfiles } from '../../src/hw/mcu-profiles.ts';
import { ledgerBudgets } from '../../src/hw/memory-tiers.ts';
import { createNodeMemories } from '../../src/node/node-memories.ts';

const zero: Record<MemoryKind, number> = { firmware: 0, radioStack: 0, weights: 0, firmwareBaseline: 0, radioBuffers: 0, activations: 0, kvCache: 0, trainingBuffers: 0, sramWeights: 0, externalWeights: 0 };
const sensor = { ...zero, firmware: 64 * 1024, firmwareBaseline: 32 * 1024 };
/** More KV cache than the nRF52840's 256 KiB of SRAM holds with its baseline: a fault at start. */
const greedy = { ...zero, firmwareBaseline: 32 * 1024, kvCache: 240 * 1024, activations: 8 * 1024 };
const mcu = mcuProfiles.nrf52840;
/** Two groups of three (their nodes share objects, as resolved groups do), then a node with equal but distinct objects. */
const nodes = [
  ...[0, 1, 2].map((index) => ({ index, mcu, memory: sensor })),
  ...[3, 4, 5].map((index) => ({ index, mcu, memory: greedy })),
  { index: 6, mcu, memory: { ...sensor } },
];

/** A ledger per node with its static allocations: the reference. */
function reference(hosted: (node: number) => boolean) {
  const faults: [number, string][] = [];
  const ledgers = nodes.map((node) => {
    const ledger = createMemoryLedger(ledgerBudgets(node.mcu));
    if (!hosted(node.index)) return ledger;
    for (const [kind, bytes] of Object.entries(node.memory) as [MemoryKind, number][]) {
      if (bytes === 0) continue;
      const result = ledger.allocate(kind, bytes);
      if (result.type === 'memoryFault') faults.push([node.index, result.reason]);
    }
    return ledger;
  });
  return { faults, ledgers };
}

describe('node memories', () => {
  it('report the static faults of every node in node order, and each node’s usage, as a ledger per node does', () => {
    const hosted = (node: number): boolean => node !== 4;
    const faults: [number, string][] = [];
    const memories = createNodeMemories(nodes, hosted, (node, reason) => faults.push([node, reason]));
    const ref = reference(hosted);
    expect(faults).toEqual(ref.faults);
    expect(faults.map(([node]) => node)).toEqual([3, 5]);
    for (const node of nodes) expect(memories.usage(node.index), `node ${node.index}`).toEqual(ref.ledgers[node.index]!.usage());
    // Only the node asked about without static books (not hosted here) keeps a ledger of its own.
    expect(memories.checkpoint().map((state, node) => (state ? node : -1)).filter((node) => node >= 0)).toEqual([4]);
  });

  it('give a node that allocates at run time books of its own, from its static ones, and leave its group’s alone', () => {
    const faults: [number, string][] = [];
    const memories = createNodeMemories(nodes, () => true, (node, reason) => faults.push([node, reason]));
    const ref = reference(() => true);
    expect(memories.allocateBuffer(1, 10_000)).toBe(true);
    ref.ledgers[1]!.allocate('radioBuffers', 10_000);
    memories.freeBuffer(1, 4_000);
    ref.ledgers[1]!.free('radioBuffers', 4_000);
    // A buffer larger than the SRAM left is a fault, reported for its node.
    expect(memories.allocateBuffer(5, 1_000_000)).toBe(false);
    const refused = ref.ledgers[5]!.allocate('radioBuffers', 1_000_000);
    expect(refused.type).toBe('memoryFault');
    expect(faults.at(-1)).toEqual([5, refused.type === 'memoryFault' ? refused.reason : '']);
    for (const node of nodes) expect(memories.usage(node.index), `node ${node.index}`).toEqual(ref.ledgers[node.index]!.usage());
    expect(memories.usage(1).peakBytesByKind.radioBuffers).toBe(10_000);
    expect(memories.usage(0).peakBytesByKind.radioBuffers).toBe(0);

    // A checkpoint keeps the ledgers of their own; restored, the usage is the same and the others still share.
    const saved = memories.checkpoint();
    expect(saved.map((state, node) => (state ? node : -1)).filter((node) => node >= 0)).toEqual([1, 5]);
    const restored = createNodeMemories(nodes, () => true, () => undefined);
    restored.restore(saved);
    expect(restored.checkpoint()).toEqual(saved);
    for (const node of nodes) expect(restored.usage(node.index)).toEqual(memories.usage(node.index));
    // Restored over books of its own made since, a node without any in the checkpoint shares its group's again.
    const later = createNodeMemories(nodes, () => true, () => undefined);
    expect(later.allocateBuffer(0, 2_000)).toBe(true);
    later.restore(saved);
    expect(later.checkpoint()).toEqual(saved);
    expect(later.usage(0)).toEqual(memories.usage(0));
  });
});
