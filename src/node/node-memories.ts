/**
 * The memory ledgers of the nodes a process runs (hw/memory-ledger.ts), made when first needed:
 * a node that never allocates at run time (a sensor) keeps none. Static allocations are made at
 * start, in node order, and reported as faults when they do not fit.
 *
 * The nodes of a group share their MCU and their static allocations, so their books after the
 * static allocations are the same: one ledger holds them for all (a `StaticBooks`), read for
 * the usage of every node that has no ledger of its own, and copied into the ledger a node gets
 * when it first allocates at run time. A city's sensors thus keep no ledger each (at 100,000
 * nodes, half of the simulation's heap before: 1.3 KB a node of closures and records), and
 * their usage and faults are those a ledger each would give.
 */
import { createMemoryLedger, type MemoryKind, type MemoryLedger, type MemoryLedgerState, type MemoryUsage } from '../hw/memory-ledger.ts';
import type { McuProfile } from '../hw/mcu-profiles.ts';
import { ledgerBudgets } from '../hw/memory-tiers.ts';

export interface NodeMemories {
  /** Every node's ledger state, if it has a ledger of its own (a checkpoint: checkpoint-state.ts). */
  checkpoint(): (MemoryLedgerState | undefined)[];
  restore(state: readonly (MemoryLedgerState | undefined)[]): void;
  /** Node `node`'s ledger (made now if it had none). */
  ledger(node: number): MemoryLedger;
  usage(node: number): MemoryUsage;
  /** SRAM for reassembly buffers: false (and a fault) when it does not fit. */
  allocateBuffer(node: number, bytes: number): boolean;
  freeBuffer(node: number, bytes: number): void;
}

interface MemoryNode {
  readonly index: number;
  readonly mcu: McuProfile;
  readonly memory: Readonly<Record<MemoryKind, number>>;
}

/** The books of an MCU after a set of static allocations, and the faults they gave, in order. Never changed once made. */
interface StaticBooks {
  readonly mcu: McuProfile;
  readonly memory: Readonly<Record<MemoryKind, number>>;
  readonly ledger: MemoryLedger;
  readonly faults: readonly string[];
}

/** The static allocations of `node`, in the order they have always been made (its `memory`'s keys), on a ledger of their own. */
function staticBooks(node: MemoryNode): StaticBooks {
  const ledger = createMemoryLedger(ledgerBudgets(node.mcu));
  const faults: string[] = [];
  for (const [kind, bytes] of Object.entries(node.memory) as [MemoryKind, number][]) {
    if (bytes === 0) continue;
    const result = ledger.allocate(kind, bytes);
    if (result.type === 'memoryFault') faults.push(result.reason);
  }
  return { mcu: node.mcu, memory: node.memory, ledger, faults };
}

export function createNodeMemories(nodes: readonly MemoryNode[], hosted: (node: number) => boolean, onFault: (node: number, reason: string) => void): NodeMemories {
  const ledgers: (MemoryLedger | undefined)[] = [];
  /** Each hosted node's static books (shared by the nodes of a group). */
  const books: (StaticBooks | undefined)[] = [];
  let last: StaticBooks | undefined;
  for (const node of nodes) {
    if (!hosted(node.index)) continue;
    // A group's nodes come one after the other with the same MCU and memory objects.
    if (last === undefined || last.mcu !== node.mcu || last.memory !== node.memory) last = staticBooks(node);
    books[node.index] = last;
    for (const reason of last.faults) onFault(node.index, reason);
  }
  const ledger = (node: number): MemoryLedger => {
    let own = ledgers[node];
    if (own === undefined) {
      own = ledgers[node] = createMemoryLedger(ledgerBudgets(nodes[node]!.mcu));
      const shared = books[node];
      if (shared) own.restore(shared.ledger.checkpoint());
    }
    return own;
  };
  return {
    checkpoint: () => ledgers.map((l) => l?.checkpoint()),
    restore(state) {
      // A node without books of its own in the checkpoint shares its group's again.
      ledgers.length = 0;
      state.forEach((s, node) => {
        if (s) ledger(node).restore(s);
      });
    },
    ledger,
    usage: (node) => (ledgers[node] ?? books[node]?.ledger ?? ledger(node)).usage(),
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
