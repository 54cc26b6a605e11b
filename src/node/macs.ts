/**
 * The MAC of every node, in columns: a bounded FIFO of frames, a half-duplex transmitter, and
 * a duty-cycle budget per sub-band. Plain code (the radio hot path): each node's state is a row
 * of numbers and a few typed-array entries (mac-columns.ts), its queue in columns
 * (mac-frame-queues.ts, mac-queue.ts), its timers integer events.
 *
 * Duty cycle: after a transmission of airtime T in a sub-band with duty cycle dc, that
 * sub-band stays closed to this node for T·(1/dc − 1) after the frame ends (LoRaMac-node
 * band off-time; ns-3 lorawan-mac-helper.cc; mac-on-air.ts). A frame is sent on a channel, drawn
 * uniformly from those whose sub-band is open (LoRaWAN channel hopping; mac-service.ts); when
 * none is open it waits for the first to reopen. A frame that finds the queue full, or whose
 * wait would pass its deadline, is never sent: it is `dutyCycleBlocked`. Listen before talk is
 * mac-lbt.ts.
 *
 * The queue's capacity counts messages, not frames: the fragments of one message are admitted
 * or refused together (a node buffers the message it is sending, whatever its size).
 */
import { checkpointMacs, createMacTables, MAC_ROW, type MacColumns, QUEUE_LENGTH, restoreMacs, SEQ, SF, TRANSMITTER_FREE_AT_MS, TX_CURRENT_MA, TX_POWER_DBM, WAKE_PENDING } from './mac-columns.ts';
import { detected } from './mac-lbt.ts';
import { sendNow } from './mac-on-air.ts';
import { enqueue, kill, requeue } from './mac-queue.ts';
import { anyBusy, isBusy, service, serviceWhenFree } from './mac-service.ts';

export type { LinkHooks, ListenBeforeTalk, MacNode, Macs, MacsConfig, MacsState, OutgoingFrame } from './mac-types.ts';
import type { Macs, MacsConfig } from './mac-types.ts';

export function createMacs(config: MacsConfig): Macs {
  const { scheduler } = config;
  const s: MacColumns = {
    ...createMacTables(config),
    wakeKind: scheduler.kind((i) => {
      s.row[i * MAC_ROW + WAKE_PENDING] = 0;
      service(s, i);
    }),
    doneKind: scheduler.kind((i) => service(s, i)),
    cadKind: scheduler.kind((i) => detected(s, i)),
  };

  return {
    kill: (i) => kill(s, i),
    checkpoint: () => checkpointMacs(s),
    restore: (state) => restoreMacs(s, state),
    submit(i, bytes, destination, messageId, fragmentIndex, fragmentCount, messageCreatedAtMs, deadlineMs) {
      if (enqueue(s, i, bytes, destination, messageId, fragmentIndex, fragmentCount, messageCreatedAtMs, deadlineMs)) serviceWhenFree(s, i);
    },
    resume(i) {
      if (s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] !== Number.POSITIVE_INFINITY) return;
      s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] = scheduler.nowMs;
      service(s, i);
    },
    retransmit(i, frame) {
      if (requeue(s, i, frame) && s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS]! > scheduler.nowMs) serviceWhenFree(s, i);
    },
    sendNow: (i, bytes, destination, channelHz, messageId) => sendNow(s, i, bytes, destination, channelHz, messageId),
    takeSeq: (i) => s.row[i * MAC_ROW + SEQ]!++,
    setRadio(i, sf, txPowerDbm, txCurrentMa) {
      s.row[i * MAC_ROW + SF] = sf;
      s.row[i * MAC_ROW + TX_POWER_DBM] = txPowerDbm;
      s.row[i * MAC_ROW + TX_CURRENT_MA] = txCurrentMa;
    },
    radioOf: (i) => ({ sf: s.row[i * MAC_ROW + SF]!, txPowerDbm: s.row[i * MAC_ROW + TX_POWER_DBM]! }),
    queueLength: (i) => s.row[i * MAC_ROW + QUEUE_LENGTH]!,
    framesSent: (i) => s.row[i * MAC_ROW + SEQ]!,
    busy: (i) => isBusy(s, i),
    anyBusy: () => anyBusy(s),
  };
}
