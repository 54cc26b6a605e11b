/**
 * The receptions decided since the tracker last handed rows on, held in columns and handed to
 * the record sinks in canonical order (end, sender, seq, receiver) when the window closes. The
 * columns are reused from window to window (reused-list.ts).
 */
import type { Fate, Transmission } from '../radio/transmission.ts';
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { RecordSink } from './radio-records.ts';
import { putAt } from './reused-list.ts';
import { sortPrefix } from '../sim/sort-prefix.ts';

export interface ReceptionBatchState {
  readonly columns: readonly unknown[][];
}

export interface ReceptionBatch extends Checkpointable<ReceptionBatchState> {
  add(tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void;
  /** Hands the batch to `sinks` in canonical order and empties it. */
  flush(sinks: readonly RecordSink[]): void;
}

export function createReceptionBatch(): ReceptionBatch {
  const receptionTx: (Transmission | undefined)[] = [];
  const receptionReceiver: number[] = [];
  const receptionFate: Fate[] = [];
  const receptionRxDbm: number[] = [];
  const receptionSnrDb: number[] = [];
  const receptionOrder: number[] = [];
  let count = 0;
  const columns = (): unknown[][] => [receptionTx.slice(0, count), receptionReceiver.slice(0, count), receptionFate.slice(0, count), receptionRxDbm.slice(0, count), receptionSnrDb.slice(0, count)];
  const compareReceptions = (a: number, b: number): number => {
    const ta = receptionTx[a]!;
    const tb = receptionTx[b]!;
    return ta.endMs - tb.endMs || ta.sender - tb.sender || ta.seq - tb.seq || receptionReceiver[a]! - receptionReceiver[b]!;
  };
  function add(tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void {
    putAt(receptionTx, count, tx);
    putAt(receptionReceiver, count, receiver);
    putAt(receptionFate, count, fate);
    putAt(receptionRxDbm, count, rxPowerDbm);
    putAt(receptionSnrDb, count, snrDb);
    count++;
  }
  return {
    add,
    flush(sinks) {
      if (count === 0) return;
      const n = count;
      count = 0;
      for (let i = 0; i < n; i++) putAt(receptionOrder, i, i);
      sortPrefix(receptionOrder, n, compareReceptions);
      for (let k = 0; k < n; k++) {
        const i = receptionOrder[k]!;
        const tx = receptionTx[i]!;
        for (const sink of sinks) sink.reception?.(tx.sender, tx.seq, receptionReceiver[i]!, tx.endMs, receptionFate[i]!, receptionRxDbm[i]!, receptionSnrDb[i]!);
      }
      // The frames are not kept alive by the reused column.
      for (let i = 0; i < n; i++) receptionTx[i] = undefined;
    },
    checkpoint: () => ({ columns: columns() }),
    restore(state) {
      const [tx, receiver, fate, rxDbm, snrDb] = state.columns as [Transmission[], number[], Fate[], number[], number[]];
      count = 0;
      for (let i = 0; i < tx.length; i++) add(tx[i]!, receiver[i]!, fate[i]!, rxDbm[i]!, snrDb[i]!);
    },
  };
}
