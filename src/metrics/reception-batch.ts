/**
 * The receptions decided since the tracker last handed rows on, held in columns and handed to
 * the record sinks in canonical order (end, sender, seq, receiver) when the window closes.
 */
import type { Fate, Transmission } from '../radio/transmission.ts';
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { RecordSink } from './radio-records.ts';

export interface ReceptionBatchState {
  readonly columns: readonly unknown[][];
}

export interface ReceptionBatch extends Checkpointable<ReceptionBatchState> {
  add(tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void;
  /** Hands the batch to `sinks` in canonical order and empties it. */
  flush(sinks: readonly RecordSink[]): void;
}

export function createReceptionBatch(): ReceptionBatch {
  const receptionTx: Transmission[] = [];
  const receptionReceiver: number[] = [];
  const receptionFate: Fate[] = [];
  const receptionRxDbm: number[] = [];
  const receptionSnrDb: number[] = [];
  const receptionOrder: number[] = [];
  const columns = (): unknown[][] => [receptionTx, receptionReceiver, receptionFate, receptionRxDbm, receptionSnrDb];
  const compareReceptions = (a: number, b: number): number => {
    const ta = receptionTx[a]!;
    const tb = receptionTx[b]!;
    return ta.endMs - tb.endMs || ta.sender - tb.sender || ta.seq - tb.seq || receptionReceiver[a]! - receptionReceiver[b]!;
  };
  return {
    add(tx, receiver, fate, rxPowerDbm, snrDb) {
      receptionTx.push(tx);
      receptionReceiver.push(receiver);
      receptionFate.push(fate);
      receptionRxDbm.push(rxPowerDbm);
      receptionSnrDb.push(snrDb);
    },
    flush(sinks) {
      const count = receptionTx.length;
      if (count === 0) return;
      if (receptionOrder.length !== count) receptionOrder.length = count;
      for (let i = 0; i < count; i++) receptionOrder[i] = i;
      if (count > 1) receptionOrder.sort(compareReceptions);
      for (let k = 0; k < count; k++) {
        const i = receptionOrder[k]!;
        const tx = receptionTx[i]!;
        for (const sink of sinks) sink.reception?.(tx.sender, tx.seq, receptionReceiver[i]!, tx.endMs, receptionFate[i]!, receptionRxDbm[i]!, receptionSnrDb[i]!);
      }
      for (const column of columns()) column.length = 0;
    },
    checkpoint: () => ({ columns: columns() }),
    restore(state) {
      columns().forEach((column, k) => replaceArray(column, state.columns[k]!));
    },
  };
}
