/**
 * What the radio tells the node runtimes (node-runtimes.ts): a frame it starts, a preamble it
 * catches, a receive window it opens. Each is a firmware event (runtime-actor.ts) and an integer
 * event on the scheduler for its end; the cause of the frame rides along for energy attribution.
 */
import type { Transmission } from '../radio/transmission.ts';
import { ALIVE, NEXT_RADIO_CAUSE, RUNTIME_ROW, type RuntimeColumns, STATE } from './runtime-columns.ts';
import { send } from './runtime-actor.ts';
import { RADIO_RECEIVING, RADIO_SCHEDULED, RX_START, TX_START, radioRegion } from './runtime-firmware.ts';

function causeOf(s: RuntimeColumns, tx: Transmission): number {
  return s.config.causeOf?.(tx) ?? Number.NaN;
}

/** The radio starts a frame; false when the node browns out doing so (or is dead). */
export function transmit(s: RuntimeColumns, i: number, tx: Transmission): boolean {
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return false;
  s.rxUntilMs[i] = Number.NEGATIVE_INFINITY;
  s.emptyWindow[i] = 0;
  s.row[i * RUNTIME_ROW + NEXT_RADIO_CAUSE] = causeOf(s, tx);
  send(s, i, TX_START);
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return false;
  s.scheduler.atKind(tx.endMs, s.txEndKind, i);
  return true;
}

/** The radio caught a frame's preamble: receive until it ends, then process it. */
export function rxStart(s: RuntimeColumns, i: number, tx: Transmission): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE] || s.nodes[i]!.concentrator) return;
  const untilMs = tx.endMs;
  // The preamble interrupt came too late to matter: the frame is already over.
  if (untilMs <= s.scheduler.nowMs) return;
  if (s.emptyWindow[i] && radioRegion[s.row[i * RUNTIME_ROW + STATE]!] === RADIO_RECEIVING) {
    // A window caught it: the radio, already receiving, stays on to the frame's end.
    s.emptyWindow[i] = 0;
    s.rxUntilMs[i] = Math.max(s.rxUntilMs[i]!, untilMs);
    s.rxCause[i] = causeOf(s, tx);
    s.scheduler.atKind(s.rxUntilMs[i]!, s.rxEndKind, i);
    return;
  }
  // The radio stays locked on the frame it caught first; it does not hear others meanwhile.
  if (radioRegion[s.row[i * RUNTIME_ROW + STATE]!] !== RADIO_SCHEDULED) return;
  s.rxUntilMs[i] = untilMs;
  s.rxCause[i] = causeOf(s, tx);
  s.row[i * RUNTIME_ROW + NEXT_RADIO_CAUSE] = s.rxCause[i]!;
  send(s, i, RX_START);
  s.scheduler.atKind(untilMs, s.rxEndKind, i);
}

/** A receive window (LoRaWAN class A): see `NodeRuntimes.rxWindow`. */
export function rxWindow(s: RuntimeColumns, i: number, untilMs: number): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE] || radioRegion[s.row[i * RUNTIME_ROW + STATE]!] !== RADIO_SCHEDULED || untilMs <= s.scheduler.nowMs) return;
  s.rxUntilMs[i] = untilMs;
  s.emptyWindow[i] = 1;
  s.row[i * RUNTIME_ROW + NEXT_RADIO_CAUSE] = Number.NaN;
  send(s, i, RX_START);
  s.scheduler.atKind(untilMs, s.rxEndKind, i);
}
