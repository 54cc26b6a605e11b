/**
 * Where a placed unit's weights live and are read from (issue 18): the `weights` setting of the
 * placement, per node.
 *
 * - `flash` (default, as X-CUBE-AI and ST Edge AI deploy models): stored in flash and read in
 *   place at every use; on a board whose flash is external (QSPI/OSPI) the weights stream
 *   through that bus for every token.
 * - `sram`: stored in flash and copied to SRAM at boot; SRAM must hold them beside the KV caches
 *   and the working buffers.
 * - `external`: on a board with PSRAM, stored in flash and copied there at boot; on a board with
 *   an external flash beside its internal one, stored there (and read in place). A node without
 *   an external tier keeps them in flash.
 * - `auto`: stored in flash; after placement each node copies its units to the fastest tier
 *   with room, the most called first (attention, shared experts and hot routed experts before
 *   cold ones): SRAM, then PSRAM when faster than the flash; the rest is read in place.
 */
import type { TierId } from '../hw/memory-tiers.ts';

export type WeightsMode = 'flash' | 'sram' | 'external' | 'auto';

/** A node's tiers as the placement sees them. */
export interface NodeTiers {
  /** The board's external memory, if any. */
  readonly externalKind?: 'psram' | 'flash';
  /** Bytes of the external tier the placement may fill. */
  readonly externalBytes?: number;
  /** Read bandwidth of each tier, bytes per second (for `auto`). */
  readonly bandwidth?: Readonly<Partial<Record<TierId, number>>>;
}

/** Where `mode` stores weights on a node: its flash, or its external flash. */
export function storageTier(mode: WeightsMode, node: NodeTiers): 'flash' | 'external' {
  return mode === 'external' && node.externalKind === 'flash' ? 'external' : 'flash';
}

/** Where `mode` copies weights at boot on a node, if anywhere (before `auto` decides). */
export function copyTier(mode: WeightsMode, node: NodeTiers): 'sram' | 'external' | undefined {
  if (mode === 'sram') return 'sram';
  if (mode === 'external' && node.externalKind === 'psram') return 'external';
  return undefined;
}

/** The tier a unit's weights are read from when nothing is decided after placement. */
export function readTier(mode: WeightsMode, node: NodeTiers): TierId {
  return copyTier(mode, node) ?? storageTier(mode, node);
}

export interface ResidentUnit {
  readonly weightBytes: number;
  readonly load: number;
}

/**
 * `auto`: the tier of each of a node's units, the most called first into SRAM (within
 * `sramFreeBytes`), then into a PSRAM faster than the flash (within `externalFreeBytes`), the
 * rest read from flash.
 *
 * @example
 * autoTiers([{ weightBytes: 300, load: 1 }, { weightBytes: 300, load: 0.1 }], 400, { externalKind: undefined }, 0);
 * // ['sram', 'flash']
 */
export function autoTiers(units: readonly ResidentUnit[], sramFreeBytes: number, node: NodeTiers, externalFreeBytes: number): TierId[] {
  const tiers: TierId[] = units.map(() => 'flash');
  const order = units.map((_, i) => i).sort((a, b) => units[b]!.load - units[a]!.load || a - b);
  const flashRate = node.bandwidth?.flash ?? 0;
  const psram = node.externalKind === 'psram' && (node.bandwidth?.external ?? 0) > flashRate;
  let sram = sramFreeBytes;
  let external = externalFreeBytes;
  for (const i of order) {
    const bytes = units[i]!.weightBytes;
    if (bytes <= sram) {
      tiers[i] = 'sram';
      sram -= bytes;
    } else if (psram && bytes <= external) {
      tiers[i] = 'external';
      external -= bytes;
    }
  }
  return tiers;
}
