/**
 * The radio tracker: subscribes to node and ether events and keeps the books — every attempt
 * (sent or dutyCycleBlocked), every fate per addressed receiver, airtime, transmit energy,
 * application messages and their latency — per run and per node.
 *
 * Records stream: a frame's record is final once every addressed receiver's fate is known
 * (the ether decides all of a frame's fates when it has ended: `decided`), and final records go
 * to the sinks (the result writers, a live dashboard, an in-memory list for tests) in the
 * canonical order — frames by (atMs, sender, seq, queuedAtMs, messageId, fragmentIndex),
 * receptions by (atMs, sender, seq, receiver) — whatever order the events arrived in. Nothing
 * is kept per frame once it is written, so a day of a city costs no memory here. Every
 * floating-point sum is taken in that canonical order, so the totals do not depend on the
 * transport either.
 *
 * Its parts: the state record and the totals (tracker-books.ts), the events as they come
 * (frame-intake.ts), the canonical order (frame-order.ts), final records (final-records.ts),
 * retransmission counts (transmission-count.ts) and its checkpoint (tracker-checkpoint.ts).
 */
import { dispatchEvent, type EventSink, type SimEvent } from '../node/events.ts';
import type { Fate, Transmission } from '../radio/transmission.ts';
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import { releaseDecided } from './final-records.ts';
import { recordBlocked, recordReception, recordSent } from './frame-intake.ts';
import { bump, FAULTS, UNSENT_AT_DEATH, type NodeTally } from './node-tallies.ts';
import { createTrackerBooks, trackerTotals } from './tracker-books.ts';
import { checkpointTracker, restoreTracker, type RadioTrackerState } from './tracker-checkpoint.ts';

export type { NodeTally } from './node-tallies.ts';
export type { FrameRecord, RadioTotals, ReceptionRecord, RecordSink } from './radio-records.ts';
import type { FrameRecord, RadioTotals, ReceptionRecord, RecordSink } from './radio-records.ts';
export type { RadioTrackerState } from './tracker-checkpoint.ts';

export interface RadioTrackerOptions {
  /** Keep every record in memory (`frames`, `receptions`), for tests and small runs; off for city runs. */
  readonly keepRecords?: boolean;
  readonly sinks?: readonly RecordSink[];
}

export interface RadioTracker extends EventSink, Checkpointable<RadioTrackerState> {
  /** A node event or a reception as an object (a worker's report, a test). */
  handle(event: SimEvent): void;
  /** The ether decided a frame's fate at one receiver. */
  reception(tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void;
  /** The ether has decided every frame that ended at or before `untilMs`: their records are final. */
  decided(untilMs: number): void;
  /** Adds a sink for the final records from now on. */
  addSink(sink: RecordSink): void;
  /** Finalises every record left (call once, after the run's drain). */
  finalize(): void;
  /** Every record, when kept (`keepRecords`); empty otherwise. */
  readonly frames: readonly FrameRecord[];
  readonly receptions: readonly ReceptionRecord[];
  /** One node's figures. */
  node(index: number): NodeTally;
  /** Every node's figures (made on each call). */
  readonly nodes: readonly NodeTally[];
  totals(): RadioTotals;
}

export function createRadioTracker(nodeCount: number, options: RadioTrackerOptions = {}): RadioTracker {
  const books = createTrackerBooks(nodeCount, options.keepRecords ?? true, options.sinks ?? []);
  const { tallies, cells, messages } = books;
  const tracker: RadioTracker = {
    get frames() {
      return books.frames;
    },
    get receptions() {
      return books.receptions;
    },
    checkpoint: () => checkpointTracker(books),
    restore: (state) => restoreTracker(books, state),
    node: (index) => tallies.tally(index),
    get nodes() {
      return Array.from({ length: nodeCount }, (_, i) => tallies.tally(i));
    },
    addSink(sink) {
      books.sinks.push(sink);
    },
    decided: (untilMs) => releaseDecided(books, untilMs),
    handle(event) {
      if (event.type === 'reception') tracker.reception(event.tx, event.receiver, event.fate, event.rxPowerDbm, event.snrDb);
      else dispatchEvent(tracker, event);
    },
    txStarted: (tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj) => recordSent(books, tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj),
    txBlocked: (atMs, sender, destination, reason, phyBytes, sf, messageId, fragmentIndex, fragmentCount, queuedAtMs) =>
      recordBlocked(books, atMs, sender, destination, reason, phyBytes, sf, messageId, fragmentIndex, fragmentCount, queuedAtMs),
    reception: (tx, receiver, fate, rxPowerDbm, snrDb) => recordReception(books, tx, receiver, fate, rxPowerDbm, snrDb),
    txUnsent(_atMs, sender) {
      bump(cells, sender, UNSENT_AT_DEATH);
      books.unsentAtDeath++;
    },
    nodeDied(atMs, node, reason) {
      tallies.died(node, atMs, reason);
    },
    nodeFault(_atMs, node) {
      bump(cells, node, FAULTS);
    },
    messageSent(_atMs, sender, destination) {
      messages.sent(sender, destination);
    },
    messageDelivered(atMs, sender, receiver, destination, _messageId, createdAtMs) {
      messages.delivered(atMs, sender, receiver, destination, createdAtMs);
    },
    finalize: () => releaseDecided(books, Number.POSITIVE_INFINITY),
    totals: () => trackerTotals(books),
  };
  return tracker;
}
