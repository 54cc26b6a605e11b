/**
 * What the radio tells the node runtimes (node-runtimes.ts): a frame it starts, a preamble it
 * catches, a receive window it opens. Each is a firmware event (runtime-actor.ts) and an integer
 * event on the scheduler for its end; the cause of the frame rides along for energy attribution.
 */
import type { Transmission } from '../radio/transmission.ts';
import { ALIVE, EMPTY_WINDOW, NEXT_RADIO_CAUSE, RUNTIME_ROW, RX_CAUSE, RX_UNTIL_MS, type RuntimeColumns, STATE } from './runtime-columns.ts';
import { send } from './runtime-actor.ts';
import { RADIO_RECEIVING, RADIO_SCHEDULED, RX_START, TX_START, radioRegion } from './runtime-firmware.ts';

function causeOf(s: RuntimeColumns, tx: Transmission): number {
  return s.config.causeOf?.(tx) ?? Number.NaN;
}

/** The radio starts a frame; false when the node browns out doing so (or is dead). */
export function transmit(s: RuntimeColumns, i: number, tx: Transmission): boolean {
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return false;
  s.row[i * RUNTIME_ROW + RX_UNTIL_MS] = Number.NEGATIVE_INFINITY;
  s.row[i * RUNTIME_ROW + EMPTY_WINDOW] = 0;
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
  if (s.row[i * RUNTIME_ROW + EMPTY_WINDOW] && radioRegion[s.row[i * RUNTIME_ROW + STATE]!] === RADIO_RECEIVING) {
    // A window caught it: the radio, already receiving, stays on to the frame's end.
    s.row[i * RUNTIME_ROW + EMPTY_WINDOW] = 0;
    s.row[i * RUNTIME_ROW + RX_UNTIL_MS] = Math.max(s.row[i * RUNTIME_ROW + RX_UNTIL_MS]!, untilMs);
    s.row[i * RUNTIME_ROW + RX_CAUSE] = causeOf(s, tx);
    s.scheduler.atKind(s.row[i * RUNTIME_ROW + RX_UNTIL_MS]!, s.rxEndKind, i);
    return;
  }
  // The radio stays locked on the frame it caught first; it does not hear others meanwhile.
  if (radioRegion[s.row[i * RUNTIME_ROW + STATE]!] !== RADIO_SCHEDULED) return;
  s.row[i * RUNTIME_ROW + RX_UNTIL_MS] = untilMs;
  s.row[i * RUNTIME_ROW + RX_CAUSE] = causeOf(s, tx);
  s.row[i * RUNTIME_ROW + NEXT_RADIO_CAUSE] = s.row[i * RUNTIME_ROW + RX_CAUSE]!;
  send(s, i, RX_START);
  s.scheduler.atKind(untilMs, s.rxEndKind, i);
}

/** A receive window (LoRaWAN class A): see `NodeRuntimes.rxWindow`. */
export function rxWindow(s: RuntimeColumns, i: number, untilMs: number): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE] || radioRegion[s.row[i * RUNTIME_ROW + STATE]!] !== RADIO_SCHEDULED || untilMs <= s.scheduler.nowMs) return;
  s.row[i * RUNTIME_ROW + RX_UNTIL_MS] = untilMs;
  s.row[i * RUNTIME_ROW + EMPTY_WINDOW] = 1;
  s.row[i * RUNTIME_ROW + NEXT_RADIO_CAUSE] = Number.NaN;
  send(s, i, RX_START);
  s.scheduler.atKind(untilMs, s.rxEndKind, i);
}
