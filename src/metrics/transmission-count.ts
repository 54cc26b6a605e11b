/**
 * Which transmission of a frame each record is (radio-tracker.ts): a sender's frame with the
 * same message, fragment and destination as its last one sent is a retransmission (LoRaWAN
 * repetitions and retries go out back to back, before the sender's next frame). Per sender: the
 * last key and its count, in the sender's tracker row (tracker-rows.ts).
 */
import { checkpointRows, restoreRows, type KeptColumn } from '../sim/row-checkpoint.ts';
import { LAST_COUNT, LAST_KEY, TRACKER_ROW } from './tracker-rows.ts';

export interface TransmissionCount {
  readonly rows: Float64Array;
  readonly nodeCount: number;
}

export function createTransmissionCount(rows: Float64Array, nodeCount: number): TransmissionCount {
  return { rows, nodeCount };
}

/** 1 for a frame's first transmission, n for its (n − 1)th retransmission; a frame `sent` becomes the sender's last. */
export function transmissionOf(count: TransmissionCount, sender: number, destination: number, messageId: number, fragmentIndex: number, sent: boolean): number {
  const { rows } = count;
  const o = sender * TRACKER_ROW;
  const key = (destination + 3) * 2 ** 32 + messageId * 65536 + fragmentIndex;
  const n = rows[o + LAST_KEY] === key ? rows[o + LAST_COUNT]! + 1 : 1;
  if (sent) {
    rows[o + LAST_KEY] = key;
    rows[o + LAST_COUNT] = n;
  }
  return n;
}

/** The last keys and counts as the columns a checkpoint holds. */
export function transmissionColumns(count: TransmissionCount): [Float64Array, Int32Array] {
  return checkpointRows(count.rows, TRACKER_ROW, count.nodeCount, countColumns) as [Float64Array, Int32Array];
}

/** Takes such columns back. */
export function restoreTransmissions(count: TransmissionCount, columns: readonly [Float64Array, Int32Array]): void {
  restoreRows(count.rows, TRACKER_ROW, count.nodeCount, countColumns, columns, 'transmissions');
}

const countColumns: readonly KeptColumn[] = [
  { field: LAST_KEY, type: Float64Array },
  { field: LAST_COUNT, type: Int32Array },
];
