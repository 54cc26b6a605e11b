/**
 * What the ether keeps of the recent air (ether.ts): per channel, every frame that may still
 * overlap an undecided one, and per node its own recent transmissions (for half-duplex checks).
 * Old entries are pruned as new ones come: every frame decided from now on ends at or after the
 * start of the current window, which began at most `windowMs` ago, so it started after
 * now − windowMs − the longest airtime seen.
 */
import type { EtherReach } from './ether-reach.ts';
import { powerAt, type OnAir } from './on-air.ts';
import { checkpointRows, restoreRows, type KeptColumn } from '../sim/row-checkpoint.ts';
import { truncate } from '../sim/truncate.ts';
import { OWN_END_MS, OWN_START_MS, SENDER_ROW } from './sender-row.ts';

export interface ChannelLog {
  readonly items: OnAir[];
  pruneAtLength: number;
}

export interface ChannelLogs {
  /**
   * The longest a transmission may wait after its start before the ether takes it: the longest
   * window (run/window-length.ts); the processing delay by default.
   */
  readonly windowMs: number;
  readonly byChannel: Map<number, ChannelLog>;
  /**
   * Each node's last transmission as its sender row's start and end (sender-row.ts; end −∞:
   * none), and its earlier ones that may still matter as [start, end, start, end, …] in `ownTx`
   * (for half-duplex checks): plain numbers, so that a frame is not kept alive until its sender
   * sends again. A node's last frame sits in its row: a sensor's earlier frames have nearly
   * always passed the horizon when it sends again, and a city's frames then touch no array of
   * their own.
   */
  readonly senders: Float64Array;
  readonly ownTx: (number[] | undefined)[];
  /** The longest airtime of any frame so far (its end less its start). */
  maxAirtimeMs: number;
  /** Frames in the channel logs. */
  tracked: number;
}

/** The logs of `nodeCount` nodes, whose last frames go in their sender rows (sender-row.ts). */
export function createChannelLogs(nodeCount: number, windowMs: number, senders: Float64Array): ChannelLogs {
  return { windowMs, byChannel: new Map(), senders, ownTx: new Array<number[] | undefined>(nodeCount), maxAirtimeMs: 0, tracked: 0 };
}

/** Every node's last frame as [start, end] at `2 · node`: the column checkpoints have always held. */
export function lastOwnTxColumn(logs: ChannelLogs): Float64Array {
  return checkpointRows(logs.senders, SENDER_ROW, logs.senders.length / SENDER_ROW, ownColumns)[0] as Float64Array;
}

/** Takes such a column back (none: every node's last frame −∞, as before any). */
export function restoreLastOwnTx(logs: ChannelLogs, column: Float64Array | undefined): void {
  const nodeCount = logs.senders.length / SENDER_ROW;
  restoreRows(logs.senders, SENDER_ROW, nodeCount, ownColumns, [column ?? new Float64Array(2 * nodeCount).fill(Number.NEGATIVE_INFINITY)], 'ether');
}

const ownColumns: readonly KeptColumn[] = [{ field: OWN_START_MS, width: 2, type: Float64Array }];

/** Registers the frame on its channel and with its sender (for half-duplex checks). */
export function registerOnAir(logs: ChannelLogs, onAir: OnAir, nowMs: number): void {
  const tx = onAir.tx;
  // The longest span on the air (a frame's end less its start, which is its airtime).
  logs.maxAirtimeMs = Math.max(logs.maxAirtimeMs, tx.airtimeMs, tx.endMs - tx.startMs);
  const horizonMs = nowMs - logs.windowMs - logs.maxAirtimeMs;
  let log = logs.byChannel.get(tx.channelHz);
  if (!log) logs.byChannel.set(tx.channelHz, (log = { items: [], pruneAtLength: 64 }));
  if (log.items.length >= log.pruneAtLength) {
    logs.tracked -= prune(log.items, horizonMs);
    log.pruneAtLength = Math.max(64, 2 * log.items.length);
  }
  log.items.push(onAir);
  logs.tracked++;
  const last = logs.senders;
  const at = tx.sender * SENDER_ROW;
  // The previous frame is kept only while it may overlap an undecided one (as pruning would).
  if (last[at + OWN_END_MS]! > horizonMs) {
    const own = (logs.ownTx[tx.sender] ??= []);
    if (own.length >= 8) pruneOwn(own, horizonMs);
    own.push(last[at + OWN_START_MS]!, last[at + OWN_END_MS]!);
  }
  last[at + OWN_START_MS] = tx.startMs;
  last[at + OWN_END_MS] = tx.endMs;
}

/** Whether `receiver` was transmitting at some time in [startMs, endMs). */
export function transmittingDuring(logs: ChannelLogs, receiver: number, startMs: number, endMs: number): boolean {
  const at = receiver * SENDER_ROW;
  if (logs.senders[at + OWN_START_MS]! < endMs && startMs < logs.senders[at + OWN_END_MS]!) return true;
  const own = logs.ownTx[receiver];
  if (own) for (let i = 0; i < own.length; i += 2) if (own[i]! < endMs && startMs < own[i + 1]!) return true;
  return false;
}

/**
 * Channel activity detection: whether a frame on `channelHz` at `sf` that `node` could detect
 * (not its own) had its preamble on the air during [fromMs, toMs].
 */
export function channelBusy(logs: ChannelLogs, reach: EtherReach, node: number, channelHz: number, sf: number, fromMs: number, toMs: number): boolean {
  const log = logs.byChannel.get(channelHz);
  if (!log) return false;
  for (const other of log.items) {
    const tx = other.tx;
    if (tx.sender === node || tx.sf !== sf || tx.startMs > toMs || tx.startMs + (tx.preambleSymbols + 4.25) * tx.symbolMs < fromMs) continue;
    if (powerAt(other, node, reach) >= reach.sensitivityDbm(node, tx.sf, tx.bandwidthHz)) return true;
  }
  return false;
}

/** Drops entries that can no longer overlap an undecided frame (ending at or before the horizon). */
function prune(list: OnAir[], horizonMs: number): number {
  let kept = 0;
  for (const entry of list) if (entry.tx.endMs > horizonMs) list[kept++] = entry;
  const removed = list.length - kept;
  truncate(list, kept);
  return removed;
}

/** The same for a node's own [start, end] pairs. */
function pruneOwn(own: number[], horizonMs: number): void {
  let kept = 0;
  for (let i = 0; i < own.length; i += 2) {
    if (own[i + 1]! > horizonMs) {
      own[kept++] = own[i]!;
      own[kept++] = own[i + 1]!;
    }
  }
  truncate(own, kept);
}
