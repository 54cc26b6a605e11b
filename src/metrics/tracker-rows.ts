/**
 * The radio tracker's per-sender record (tracker-books.ts): what the tracker reads and adds to
 * at each of a node's frames, side by side in one row, `rows[node * TRACKER_ROW + field]`. The
 * counters (node-tallies.ts), the last frame's key and its transmission (transmission-count.ts),
 * the frames on the air (on-air-slots.ts), then the airtime and energy sums and the channels'
 * airtime (node-tallies.ts). A city's node sends every few hundred seconds, so its record is cold
 * at each frame: a column per field, as these were, cost a cache miss per field (about five more
 * per frame than this row). Each module's checkpoint keeps the columns it always had.
 */

/** The counters, `counterSlots` of them from 0 (node-tallies.ts: ATTEMPTS … FAULTS; it checks that they fit). */
export const COUNTERS = 0;
export const counterSlots = 10;
/** The key of the sender's last frame sent (NaN: none), and which transmission of it that was. */
export const LAST_KEY = COUNTERS + counterSlots;
export const LAST_COUNT = 11;
/** The slots of the sender's first two frames on the air (−1: none). */
export const ON_AIR_FIRST = 12;
export const ON_AIR_SECOND = 13;
/** The sender's airtime and transmit energy so far. */
export const AIRTIME_MS = 14;
export const TX_ENERGY_UJ = 15;
/** Channel slots used (0 … `channelSlots`), then the slots as (Hz, ms) pairs. */
export const SLOTS_USED = 16;
export const CHANNELS = 17;
export const channelSlots = 4;
export const TRACKER_ROW = CHANNELS + 2 * channelSlots;

/** Every sender's record, empty. */
export function createTrackerRows(nodeCount: number): Float64Array {
  const rows = new Float64Array(nodeCount * TRACKER_ROW);
  for (let node = 0; node < nodeCount; node++) {
    const o = node * TRACKER_ROW;
    rows[o + LAST_KEY] = Number.NaN;
    rows[o + ON_AIR_FIRST] = -1;
    rows[o + ON_AIR_SECOND] = -1;
  }
  return rows;
}
