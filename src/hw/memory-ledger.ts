/**
 * Per-node memory ledger, by tier (memory-tiers.ts): flash holds firmware, radio stack and model
 * weights; SRAM holds the firmware baseline, radio buffers, activations, KV cache, training
 * buffers and weights copied there at boot (`sramWeights`); a board's external tier (PSRAM or
 * an external flash) holds the weights kept there (`externalWeights`). Budgets are
 * plain byte counts from the MCU profile. Pass either the chip's
 * whole flash and SRAM and allocate `firmware`/`radioStack`/`firmwareBaseline`/`radioBuffers`
 * too, or the "left for models" figures and allocate only the model kinds.
 *
 * A static configuration is checked before the run (`checkStaticAllocation`): the exact
 * shortfall per region, for the loader's exit-2 message. At run time `allocate` answers with a
 * fault (data, with the reason) instead of overrunning; the swarm decides what a fault means.
 */

export type FlashKind = 'firmware' | 'radioStack' | 'weights';
export type SramKind = 'firmwareBaseline' | 'radioBuffers' | 'activations' | 'kvCache' | 'trainingBuffers' | 'sramWeights';
export type ExternalKind = 'externalWeights';
export type MemoryKind = FlashKind | SramKind | ExternalKind;
export type MemoryRegion = 'flash' | 'sram' | 'external';
export const memoryRegions: readonly MemoryRegion[] = ['flash', 'sram', 'external'];

export interface MemoryBudgets {
  readonly flashBytes: number;
  readonly sramBytes: number;
  /** The board's external tier (PSRAM or external flash); 0 or absent without one. */
  readonly externalBytes?: number;
  /** How the regions read in messages (default "flash", "SRAM", "external memory"). */
  readonly labels?: Readonly<Partial<Record<MemoryRegion, string>>>;
}

/** Region of every kind. */
export const memoryKinds: Readonly<Record<MemoryKind, MemoryRegion>> = {
  firmware: 'flash',
  radioStack: 'flash',
  weights: 'flash',
  firmwareBaseline: 'sram',
  radioBuffers: 'sram',
  activations: 'sram',
  kvCache: 'sram',
  trainingBuffers: 'sram',
  sramWeights: 'sram',
  externalWeights: 'external',
};

const defaultLabels: Record<MemoryRegion, string> = { flash: 'flash', sram: 'SRAM', external: 'external memory' };
const labelOf = (budgets: MemoryBudgets, region: MemoryRegion): string => budgets.labels?.[region] ?? defaultLabels[region];

/** A region whose static allocations exceed its budget. */
export interface MemoryShortfall {
  readonly region: MemoryRegion;
  readonly requestedBytes: number;
  readonly budgetBytes: number;
  readonly shortfallBytes: number;
  /** The requests that make up `requestedBytes`, in kind order. */
  readonly byKind: Readonly<Partial<Record<MemoryKind, number>>>;
  /** E.g. "SRAM: requested 300000 B (firmwareBaseline 40000 B, kvCache 260000 B), budget 262144 B, short by 37856 B". */
  readonly message: string;
}

export type StaticCheck = { readonly ok: true } | { readonly ok: false; readonly shortfalls: readonly MemoryShortfall[] };

/** A runtime allocation that did not fit. */
export interface MemoryFault {
  readonly type: 'memoryFault';
  readonly region: MemoryRegion;
  readonly kind: MemoryKind;
  readonly requestedBytes: number;
  readonly usedBytes: number;
  readonly budgetBytes: number;
  readonly shortfallBytes: number;
  readonly reason: string;
}

export type AllocationResult = { readonly type: 'allocated'; readonly usedBytes: number; readonly freeBytes: number } | MemoryFault;

export interface MemoryUsage {
  readonly usedBytes: Readonly<Record<MemoryRegion, number>>;
  readonly peakBytes: Readonly<Record<MemoryRegion, number>>;
  readonly budgetBytes: Readonly<Record<MemoryRegion, number>>;
  readonly bytesByKind: Readonly<Record<MemoryKind, number>>;
  readonly peakBytesByKind: Readonly<Record<MemoryKind, number>>;
}

export interface MemoryLedgerState {
  readonly used: Readonly<Record<MemoryRegion, number>>;
  readonly peak: Readonly<Record<MemoryRegion, number>>;
  readonly byKind: Readonly<Record<MemoryKind, number>>;
  readonly peakByKind: Readonly<Record<MemoryKind, number>>;
}

export interface MemoryLedger {
  /** What is in use and the peaks (a checkpoint: checkpoint-state.ts). */
  checkpoint(): MemoryLedgerState;
  restore(state: MemoryLedgerState): void;
  allocate(kind: MemoryKind, bytes: number): AllocationResult;
  /** Returns `bytes` of `kind`; freeing more than is held is a programmer error (RangeError). */
  free(kind: MemoryKind, bytes: number): void;
  usage(): MemoryUsage;
}

/**
 * Checks static allocations against the budgets: ok, or the exact shortfall of each region
 * that does not fit.
 *
 * @example
 * checkStaticAllocation({ flashBytes: 1_048_576, sramBytes: 262_144 }, { firmwareBaseline: 40_000, kvCache: 260_000 });
 * // { ok: false, shortfalls: [{ region: 'sram', requestedBytes: 300000, budgetBytes: 262144, shortfallBytes: 37856, … }] }
 */
export function checkStaticAllocation(budgets: MemoryBudgets, requests: Readonly<Partial<Record<MemoryKind, number>>>): StaticCheck {
  checkBudgets(budgets);
  const shortfalls: MemoryShortfall[] = [];
  for (const region of memoryRegions) {
    const byKind: Partial<Record<MemoryKind, number>> = {};
    let requestedBytes = 0;
    for (const kind of Object.keys(memoryKinds) as MemoryKind[]) {
      const bytes = requests[kind];
      if (memoryKinds[kind] !== region || bytes === undefined) continue;
      checkBytes(kind, bytes);
      byKind[kind] = bytes;
      requestedBytes += bytes;
    }
    const budgetBytes = budgetOf(budgets, region);
    if (requestedBytes > budgetBytes) {
      const parts = Object.entries(byKind).map(([kind, bytes]) => `${kind} ${bytes} B`);
      shortfalls.push({
        region,
        requestedBytes,
        budgetBytes,
        shortfallBytes: requestedBytes - budgetBytes,
        byKind,
        message: `${labelOf(budgets, region)}: requested ${requestedBytes} B (${parts.join(', ')}), budget ${budgetBytes} B, short by ${requestedBytes - budgetBytes} B`,
      });
    }
  }
  return shortfalls.length === 0 ? { ok: true } : { ok: false, shortfalls };
}

/**
 * A memory ledger for one node.
 *
 * @example
 * const memory = createMemoryLedger({ flashBytes: 1_048_576, sramBytes: 262_144 });
 * memory.allocate('kvCache', 200_000); // { type: 'allocated', usedBytes: 200000, freeBytes: 62144 }
 * memory.allocate('kvCache', 70_000).type; // 'memoryFault'
 */
export function createMemoryLedger(budgets: MemoryBudgets): MemoryLedger {
  checkBudgets(budgets);
  const used: Record<MemoryRegion, number> = { flash: 0, sram: 0, external: 0 };
  const peak: Record<MemoryRegion, number> = { flash: 0, sram: 0, external: 0 };
  const byKind = zeroByKind();
  const peakByKind = zeroByKind();

  return {
    checkpoint: () => ({ used: { ...used }, peak: { ...peak }, byKind: { ...byKind }, peakByKind: { ...peakByKind } }),
    restore(state) {
      Object.assign(used, state.used);
      Object.assign(peak, state.peak);
      Object.assign(byKind, state.byKind);
      Object.assign(peakByKind, state.peakByKind);
    },
    allocate(kind, bytes) {
      checkBytes(kind, bytes);
      const region = memoryKinds[kind];
      const budgetBytes = budgetOf(budgets, region);
      const usedBytes = used[region];
      if (usedBytes + bytes > budgetBytes) {
        const shortfallBytes = usedBytes + bytes - budgetBytes;
        return {
          type: 'memoryFault',
          region,
          kind,
          requestedBytes: bytes,
          usedBytes,
          budgetBytes,
          shortfallBytes,
          reason: `${labelOf(budgets, region)} allocation of ${bytes} B for ${kind} does not fit: ${usedBytes} B of ${budgetBytes} B in use, short by ${shortfallBytes} B`,
        };
      }
      used[region] = usedBytes + bytes;
      byKind[kind] += bytes;
      peak[region] = Math.max(peak[region], used[region]);
      peakByKind[kind] = Math.max(peakByKind[kind], byKind[kind]);
      return { type: 'allocated', usedBytes: used[region], freeBytes: budgetBytes - used[region] };
    },
    free(kind, bytes) {
      checkBytes(kind, bytes);
      if (bytes > byKind[kind]) throw new RangeError(`cannot free ${bytes} B of ${kind}: only ${byKind[kind]} B allocated`);
      byKind[kind] -= bytes;
      used[memoryKinds[kind]] -= bytes;
    },
    usage: () => ({
      usedBytes: { ...used },
      peakBytes: { ...peak },
      budgetBytes: { flash: budgets.flashBytes, sram: budgets.sramBytes, external: budgets.externalBytes ?? 0 },
      bytesByKind: { ...byKind },
      peakBytesByKind: { ...peakByKind },
    }),
  };
}

function budgetOf(budgets: MemoryBudgets, region: MemoryRegion): number {
  return region === 'flash' ? budgets.flashBytes : region === 'sram' ? budgets.sramBytes : (budgets.externalBytes ?? 0);
}

function zeroByKind(): Record<MemoryKind, number> {
  return { firmware: 0, radioStack: 0, weights: 0, firmwareBaseline: 0, radioBuffers: 0, activations: 0, kvCache: 0, trainingBuffers: 0, sramWeights: 0, externalWeights: 0 };
}

function checkBytes(kind: string, bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`${kind} bytes must be a whole number ≥ 0, got ${bytes}`);
}

function checkBudgets(budgets: MemoryBudgets): void {
  checkBytes('flash budget', budgets.flashBytes);
  checkBytes('SRAM budget', budgets.sramBytes);
  checkBytes('external budget', budgets.externalBytes ?? 0);
}
