/**
 * The memory ledgers of the nodes a process runs (hw/memory-ledger.ts), made when first needed:
 * a node that never allocates at run time (a sensor) keeps none, and its usage is a fresh
 * ledger's (nothing used, its MCU's budgets). Static allocations are made at start, in node
 * order, and reported as faults when they do not fit.
 */
import { createMemoryLedger, type MemoryKind, type MemoryLedger, type MemoryLedgerState, type MemoryUsage } from '../hw/memory-ledger.ts';
import type { McuProfile } from '../hw/mcu-profiles.ts';
import { ledgerBudgets } from '../hw/memory-tiers.ts';

export interface NodeMemories {
  /** Every node's ledger state (a checkpoint: checkpoint-state.ts). */
  checkpoint(): (MemoryLedgerState | undefined)[];
  restore(state: readonly (MemoryLedgerState | undefined)[]): void;
  /** Node `node`'s ledger (made now if it had none). */
  ledger(node: number): MemoryLedger;
  usage(node: number): MemoryUsage;
  /** SRAM for reassembly buffers: false (and a fault) when it does not fit. */
  allocateBuffer(node: number, bytes: number): boolean;
  freeBuffer(node: number, bytes: number): void;
}

export function createNodeMemories(
  nodes: readonly { readonly index: number; readonly mcu: McuProfile; readonly memory: Readonly<Record<MemoryKind, number>> }[],
  hosted: (node: number) => boolean,
  onFault: (node: number, reason: string) => void,
): NodeMemories {
  const ledgers: (MemoryLedger | undefined)[] = [];
  const ledger = (node: number): MemoryLedger => (ledgers[node] ??= createMemoryLedger(ledgerBudgets(nodes[node]!.mcu)));
  for (const node of nodes) {
    if (!hosted(node.index)) continue;
    for (const [kind, bytes] of Object.entries(node.memory) as [MemoryKind, number][]) {
      if (bytes === 0) continue;
      const result = ledger(node.index).allocate(kind, bytes);
      if (result.type === 'memoryFault') onFault(node.index, result.reason);
    }
  }
  return {
    checkpoint: () => ledgers.map((l) => l?.checkpoint()),
    restore(state) {
      state.forEach((s, node) => {
        if (s) ledger(node).restore(s);
      });
    },
    ledger,
    usage: (node) => ledger(node).usage(),
    allocateBuffer(node, bytes) {
      const result = ledger(node).allocate('radioBuffers', bytes);
      if (result.type === 'allocated') return true;
      onFault(node, result.reason);
      return false;
    },
    freeBuffer(node, bytes) {
      ledger(node).free('radioBuffers', bytes);
    },
  };
}
