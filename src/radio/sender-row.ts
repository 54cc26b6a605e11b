/**
 * What the ether reads and writes of a frame's sender, side by side in one row per node
 * (`rows[node * SENDER_ROW + field]`): its antenna gain and draw key (link-budget.ts), and its
 * last frame's start and end (channel-log.ts, for half-duplex checks). A city's sender is cold
 * at each of its frames: one cache line where these were two columns of their own.
 */
import type { EtherNode } from './ether-config.ts';

export const GAIN_DBI = 0;
/** As a Uint32Array held it: the key's low 32 bits, unsigned. */
export const KEY = 1;
/** The node's last frame on the air: start and end (−∞: none). */
export const OWN_START_MS = 2;
export const OWN_END_MS = 3;
export const SENDER_ROW = 4;

export function createSenderRows(nodes: readonly EtherNode[]): Float64Array {
  const rows = new Float64Array(nodes.length * SENDER_ROW);
  nodes.forEach((node, i) => {
    rows[i * SENDER_ROW + GAIN_DBI] = node.antennaGainDbi;
    rows[i * SENDER_ROW + KEY] = node.key >>> 0;
  });
  for (let i = 0; i < nodes.length; i++) rows.fill(Number.NEGATIVE_INFINITY, i * SENDER_ROW + OWN_START_MS, i * SENDER_ROW + OWN_END_MS + 1);
  return rows;
}
