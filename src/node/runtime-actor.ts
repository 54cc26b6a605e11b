/**
 * Each node's firmware as the node runtimes step it (node-runtimes.ts): a transition of the
 * compiled table books the change of state (runtime-meter.ts), then the node's death is
 * predicted again and its re-armable timer set. Each node behaves as an xstate actor would: an
 * event sent to a node while that node is handling one (from inside its booking) waits in the
 * node's mailbox until the first is done, so that every scheduler event is taken in the order
 * the actor gave. Computations queue behind one another on the MCU.
 */
import type { Continuation } from '../sim/scheduler.ts';
import { dead, type LedgerOutcome } from '../hw/energy-ledgers.ts';
import { ALIVE, computePower, EMPTY_WINDOW, HANDLING, MCU_CAUSE, NEXT_MCU_CAUSE, NEXT_RADIO_CAUSE, RADIO_CAUSE, RUNTIME_ROW, RX_CAUSE, RX_UNTIL_MS, type RuntimeColumns, STATE, WINDOWED } from './runtime-columns.ts';
import { book, windowedDeathAtMs } from './runtime-meter.ts';
import {
  COMPUTE, COMPUTE_END, DIE, MCU_ASLEEP, MCU_PROCESSING, PROCESS, PROCESS_END, RADIO_RECEIVING, RADIO_SCHEDULED, RX_END, TX_END,
  eventCount, firmware, mcuRegion, radioRegion,
} from './runtime-firmware.ts';

/** After a booking: the node dies if the ledger says so, else its death timer moves to the predicted time. */
export function afterBooking(s: RuntimeColumns, i: number, outcome: LedgerOutcome): void {
  if (outcome === dead) {
    s.deathTimers.clear(i);
    const death = s.ledgers.death(i)!;
    die(s, i, death.reason === 'brownOut' ? 'brownOut' : 'batteryEmpty', death.atMs, death.stateOfCharge);
    return;
  }
  const predictedMs = s.ledgers.predictedDeathAtMs(i);
  const atMs = s.row[i * RUNTIME_ROW + WINDOWED] && !s.nodes[i]!.power.mains && radioRegion[s.row[i * RUNTIME_ROW + STATE]!] === RADIO_SCHEDULED ? Math.min(predictedMs, windowedDeathAtMs(s, i)) : predictedMs;
  // Re-arming moves the timer (and gives it the next seq), as a cancel and a new event would.
  if (Number.isFinite(atMs)) s.deathTimers.set(i, Math.max(atMs, s.scheduler.nowMs));
  else s.deathTimers.clear(i);
}

export function die(s: RuntimeColumns, i: number, reason: 'brownOut' | 'batteryEmpty' | 'failure', atMs: number, stateOfCharge: number): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return;
  s.row[i * RUNTIME_ROW + ALIVE] = 0;
  s.config.events.nodeDied(atMs, i, reason, stateOfCharge);
  send(s, i, DIE);
  s.config.onDeath(i, atMs);
}

/** Sends a firmware event to node `i`, or queues it while the node handles another. */
export function send(s: RuntimeColumns, i: number, event: number): void {
  const mailbox = s.mailbox;
  if (s.row[i * RUNTIME_ROW + HANDLING]) {
    let queue = mailbox.get(i);
    if (!queue) mailbox.set(i, (queue = []));
    queue.push(event);
    return;
  }
  s.row[i * RUNTIME_ROW + HANDLING] = 1;
  step(s, i, event);
  for (let queue = mailbox.get(i); queue !== undefined && queue.length > 0; queue = mailbox.get(i)) step(s, i, queue.shift()!);
  mailbox.delete(i);
  s.row[i * RUNTIME_ROW + HANDLING] = 0;
}

/** One transition: a change of state is booked (while alive), then the death is predicted again. */
function step(s: RuntimeColumns, i: number, event: number): void {
  const { row } = s;
  const o = i * RUNTIME_ROW;
  const current = row[o + STATE]!;
  const next = firmware.next[current * eventCount + event]!;
  if (next === current) return;
  if (!row[o + ALIVE] || firmware.final[next]) {
    row[o + STATE] = next;
    return;
  }
  const outcome = book(s, i, next);
  if (mcuRegion[next] !== mcuRegion[current]) row[o + MCU_CAUSE] = mcuRegion[next] === MCU_ASLEEP ? Number.NaN : row[o + NEXT_MCU_CAUSE]!;
  if (radioRegion[next] !== radioRegion[current]) row[o + RADIO_CAUSE] = radioRegion[next] === RADIO_SCHEDULED ? Number.NaN : row[o + NEXT_RADIO_CAUSE]!;
  row[o + STATE] = next;
  afterBooking(s, i, outcome);
  if (mcuRegion[next] === MCU_ASLEEP && (s.computeQueues[i]?.length ?? 0) > 0) startCompute(s, i);
}

/** Queues `durationMs` of computation (see `NodeRuntimes.compute`); it starts now if the MCU sleeps. */
export function compute(s: RuntimeColumns, i: number, durationMs: number, then: Continuation | (() => void), cause: number | undefined, powerMw: number | undefined): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return;
  (s.computeQueues[i] ??= []).push(powerMw === undefined ? { durationMs, then, cause } : { durationMs, then, cause, powerMw });
  if (mcuRegion[s.row[i * RUNTIME_ROW + STATE]!] === MCU_ASLEEP) startCompute(s, i);
}

function startCompute(s: RuntimeColumns, i: number): void {
  const job = s.computeQueues[i]!.shift()!;
  s.row[i * RUNTIME_ROW + NEXT_MCU_CAUSE] = job.cause ?? Number.NaN;
  computePower(s, i, job);
  send(s, i, COMPUTE);
  s.running[i] = job;
  s.scheduler.atKind(s.scheduler.nowMs + job.durationMs, s.computeEndKind, i);
}

/** A computation ends: the MCU is free (the next job may start at once), then its continuation runs. */
export function computeEnd(s: RuntimeColumns, i: number): void {
  const job = s.running[i]!;
  s.running[i] = undefined;
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return;
  send(s, i, COMPUTE_END);
  if (typeof job.then === 'function') job.then();
  else s.scheduler.invoke(job.then);
}

export function txEnd(s: RuntimeColumns, i: number): void {
  if (s.row[i * RUNTIME_ROW + ALIVE]) send(s, i, TX_END);
}

/** The radio's reception ends; a caught frame (not an empty window) keeps the MCU awake to process it. */
export function rxEnd(s: RuntimeColumns, i: number): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE] || s.row[i * RUNTIME_ROW + RX_UNTIL_MS]! !== s.scheduler.nowMs || radioRegion[s.row[i * RUNTIME_ROW + STATE]!] !== RADIO_RECEIVING) return;
  send(s, i, RX_END);
  if (s.row[i * RUNTIME_ROW + EMPTY_WINDOW]) {
    s.row[i * RUNTIME_ROW + EMPTY_WINDOW] = 0;
    return;
  }
  const processingDelayMs = s.config.processingDelayMs;
  if (processingDelayMs > 0 && mcuRegion[s.row[i * RUNTIME_ROW + STATE]!] === MCU_ASLEEP) {
    s.row[i * RUNTIME_ROW + NEXT_MCU_CAUSE] = s.row[i * RUNTIME_ROW + RX_CAUSE]!;
    send(s, i, PROCESS);
    s.scheduler.atKind(s.scheduler.nowMs + processingDelayMs, s.processEndKind, i);
  }
}

export function processEnd(s: RuntimeColumns, i: number): void {
  if (s.row[i * RUNTIME_ROW + ALIVE] && mcuRegion[s.row[i * RUNTIME_ROW + STATE]!] === MCU_PROCESSING) send(s, i, PROCESS_END);
}

/** Books energy up to now (see `NodeRuntimes.settle`). */
export function settle(s: RuntimeColumns, i: number): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return;
  afterBooking(s, i, book(s, i, s.row[i * RUNTIME_ROW + STATE]!));
}

/** An injected fault: the node stops now (see `NodeRuntimes.fail`). */
export function fail(s: RuntimeColumns, i: number): void {
  if (!s.row[i * RUNTIME_ROW + ALIVE]) return;
  const outcome = book(s, i, s.row[i * RUNTIME_ROW + STATE]!);
  s.deathTimers.clear(i);
  if (outcome === dead) afterBooking(s, i, outcome);
  else die(s, i, 'failure', s.scheduler.nowMs, s.ledgers.stateOfCharge(i));
}
