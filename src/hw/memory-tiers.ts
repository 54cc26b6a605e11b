/**
 * Where a node's bytes live, and what reading them costs: an MCU profile's memory tiers.
 *
 * - `sram`: internal SRAM (capacity: the profile's `sramBytes`); activations and KV caches
 *   live here, and weights copied at boot (`weights: sram`).
 * - `flash`: where code and weights are stored (capacity: `flashBytes`): internal flash, or the
 *   board's external QSPI/OSPI NOR when the profile has `flashExternal` (weights are then read
 *   through the memory-mapped interface at every use: execute in place, "streaming").
 * - `external`: a board's second, optional memory: PSRAM (volatile: weights are copied there
 *   from flash at boot) or an external flash beside the internal one (weights stored there).
 *
 * Each tier has a sustained read bandwidth and the energy of reading a byte beyond what the
 * MCU's active power already counts (0 for on-chip memories: the calibrating measurements ran
 * from them; the external chip's own supply for external ones). compute-cost.ts turns them into
 * time: a unit's weights are read once per use, overlapped with its arithmetic (caches and
 * prefetch on the CPU, the stream engines on an NPU), so the slower of the two binds.
 */
import * as z from 'zod';
import type { MemoryBudgets } from './memory-ledger.ts';

export const tierIds = ['sram', 'flash', 'external'] as const;
export type TierId = (typeof tierIds)[number];

const positive = z.number().positive().finite();

export const memoryTierSchema = z.strictObject({
  name: z.string().min(1).describe('What the tier is, e.g. "internal flash, 2 MB, 4 wait states at 160 MHz".'),
  readBytesPerSecond: positive.describe('Sustained read bandwidth in bytes per second, e.g. 382000000.'),
  readPjPerByte: z.number().nonnegative().finite().describe("Energy of reading one byte in pJ beyond the MCU's active power (0 for on-chip memories)."),
});

export const externalTierSchema = memoryTierSchema.safeExtend({
  kind: z.enum(['psram', 'flash']).describe('psram: weights are copied there from flash at boot; flash: weights are stored there.'),
  bytes: z.int().positive().describe('Capacity in bytes.'),
});

export const memorySchema = z.strictObject({
  sram: memoryTierSchema,
  flash: memoryTierSchema,
  external: externalTierSchema.optional(),
});

export type MemoryTier = z.output<typeof memoryTierSchema>;
export type ExternalTier = z.output<typeof externalTierSchema>;
export type MemoryTiers = z.output<typeof memorySchema>;

/** A tier as compute-cost.ts reads it: unbounded and free when the profile gives no tiers. */
export interface TierRead {
  readonly tier: TierId;
  readonly name: string;
  readonly readBytesPerSecond: number;
  readonly readPjPerByte: number;
  /** Off the chip: what streams through a board-level bus. */
  readonly offChip: boolean;
}

/**
 * The tier `tier` of a profile's memories, for reading weights.
 *
 * @example
 * tierRead(mcuProfiles.stm32n6, 'flash').readBytesPerSecond; // 382e6 (fitted to ST's Model Zoo)
 */
export function tierRead(mcu: { readonly memory?: MemoryTiers | undefined; readonly flashExternal: boolean; readonly id: string }, tier: TierId): TierRead {
  const memory = mcu.memory;
  if (memory === undefined) {
    return { tier, name: `${tier} (no tiers in the profile: not memory-bound)`, readBytesPerSecond: Number.POSITIVE_INFINITY, readPjPerByte: 0, offChip: tier === 'external' || (tier === 'flash' && mcu.flashExternal) };
  }
  const chosen = memory[tier];
  if (chosen === undefined) throw new RangeError(`${mcu.id} has no external memory tier`);
  return { tier, name: chosen.name, readBytesPerSecond: chosen.readBytesPerSecond, readPjPerByte: chosen.readPjPerByte, offChip: tier === 'external' || (tier === 'flash' && mcu.flashExternal) };
}

/** Words for a tier in messages: "external flash", "internal flash", "SRAM", "PSRAM". */
export function tierLabel(mcu: { readonly memory?: MemoryTiers | undefined; readonly flashExternal: boolean }, tier: TierId): string {
  if (tier === 'sram') return 'SRAM';
  if (tier === 'flash') return mcu.flashExternal ? 'external flash' : 'internal flash';
  return mcu.memory?.external?.kind === 'psram' ? 'PSRAM' : 'external flash';
}

/**
 * A profile's memory budgets for its ledger (memory-ledger.ts): flash, SRAM and the external
 * tier, named as messages should name them.
 */
export function ledgerBudgets(mcu: { readonly flashBytes: number; readonly sramBytes: number; readonly flashExternal: boolean; readonly memory?: MemoryTiers | undefined }): MemoryBudgets {
  const external = mcu.memory?.external;
  return {
    flashBytes: mcu.flashBytes,
    sramBytes: mcu.sramBytes,
    externalBytes: external?.bytes ?? 0,
    labels: { flash: tierLabel(mcu, 'flash'), external: external === undefined ? 'external memory' : tierLabel(mcu, 'external') },
  };
}
