/**
 * The coordinator's side of a round's uplink: it collects each selected client's update chunk
 * by chunk (and their parity, which may rebuild missing ones), resends the model chunks a
 * client says it misses, and, after `idleTimeout` of silence from a client, asks for the
 * update chunks it misses, up to `retransmissions` times; then it gives the client up (the
 * update is abandoned, counted). A whole update goes to the aggregator.
 */
import type { Continuation } from '../sim/scheduler.ts';
import type { Aggregator } from './aggregator.ts';
import { redundancyCount } from './fec.ts';
import { concat } from './client-side.ts';
import type { CoordinatorSide, FlHost, FlSetup, RoundState } from './round-types.ts';
import { flHeaderBytes, type FlMessage } from './wire.ts';
import type { RoundCount } from './round-books.ts';

/** The coordinator's idle timer for a client's update (an integer step of the engine's step table). */
export interface ServerTimerStep {
  readonly type: 'serverTimer';
  readonly state: RoundState;
  readonly from: number;
  readonly side: CoordinatorSide;
  readonly timer: number;
}

export interface CoordinatorDeps {
  readonly setup: FlSetup;
  readonly host: FlHost;
  readonly aggregator: Aggregator;
  readonly clientIndex: ReadonlyMap<number, number>;
  readonly payloadBytes: number;
  readonly current: () => RoundState | undefined;
  readonly post: (node: number, destination: number, message: FlMessage, round: number) => void;
  readonly rebuild: (node: number, round: number, chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], lastLength: number) => void;
  /** `node` counts `n` more of `what` towards `round` (round-books.ts). */
  readonly count: (round: number, node: number, what: RoundCount, n: number) => void;
  readonly checkDone: (state: RoundState) => void;
  readonly later: (step: ServerTimerStep, atMs?: number) => Continuation;
  /** An update whose bytes did not decode. */
  readonly malformed: () => void;
  /** Slotted uplinks: the time from one of a client's slots to its next. */
  readonly uplinkSlotMs: number | undefined;
}

export interface CoordinatorReceiver {
  /** A message from a client reached the coordinator. */
  onMessage(from: number, message: FlMessage): void;
  /** Its idle timer for a client went off. */
  timer(step: ServerTimerStep): void;
}

export function createCoordinatorSide(deps: CoordinatorDeps): CoordinatorReceiver {
  const { setup, host, post } = deps;
  const { coordinator, settings } = setup;
  const scheduler = host.scheduler;

  /**
   * Asks again after `idleTimeout` of silence. With scheduled rounds the client sleeps while it
   * uploads and listens only briefly after its last frame (fl/sessions.ts), so the coordinator
   * asks half the schedule's announce window after the rest of the update was due: one frame
   * per slot (or per duty-cycle gap), `framesToCome` more.
   */
  function arm(state: RoundState, from: number, side: CoordinatorSide, framesToCome = 0, frameBytes = 0): void {
    const timer = ++side.timer;
    const schedule = settings.schedule;
    if (!schedule) {
      deps.later({ type: 'serverTimer', state, from, side, timer }, scheduler.nowMs + settings.idleTimeout);
      return;
    }
    // Its frames come one per slot (or per duty-cycle gap); half the reply window after the last is due, it is late.
    const periodMs = deps.uplinkSlotMs ?? host.frameGapMs(from, frameBytes);
    deps.later({ type: 'serverTimer', state, from, side, timer }, scheduler.nowMs + framesToCome * periodMs + schedule.announceWindow / 2);
  }

  /** A client's update chunk or parity: rebuild what parity allows; a whole update goes to the aggregator. */
  function collect(state: RoundState, from: number, side: CoordinatorSide, message: FlMessage): void {
    if (message.kind === 'parity') {
      side.parities[message.group] = message.bytes;
      side.lastLength = message.lastLength;
      if (!side.received) return;
    } else if (message.kind === 'update') {
      side.received ??= new Array<Uint8Array | undefined>(message.chunks).fill(undefined);
      side.received[message.chunk] = message.bytes;
    } else return;
    const received = side.received!;
    // The frames still to come after this one: the later chunks, then the parity.
    const framesToCome = message.kind === 'parity' ? message.groups - 1 - message.group : message.chunks - 1 - message.chunk + (settings.fec ? redundancyCount(settings.fec, message.chunks) : 0);
    deps.rebuild(setup.coordinator, state.stats.round, received, side.parities, side.lastLength);
    if (received.every((c) => c !== undefined)) {
      side.status = 'complete';
      side.timer++;
      if (!deps.aggregator.accept(state, deps.clientIndex.get(from)!, concat(received as Uint8Array[]))) deps.malformed();
      deps.checkDone(state);
      return;
    }
    // A scheduled client listens only once it has sent all: its last frame, incomplete, is asked about at once.
    if (settings.schedule && framesToCome === 0) askAgain(state, from, side);
    else arm(state, from, side, framesToCome, message.bytes.length + flHeaderBytes);
  }

  /** Asks the client for the chunks its update misses, or gives it up after `retransmissions` times. */
  function askAgain(state: RoundState, from: number, side: CoordinatorSide): void {
    if (side.attempts >= settings.retransmissions) {
      side.status = 'out';
      state.stats.abandoned++;
      deps.checkDone(state);
      return;
    }
    side.attempts++;
    const missing = side.received!.map((c, i) => (c === undefined ? i : -1)).filter((i) => i >= 0).slice(0, Math.floor((deps.payloadBytes + flHeaderBytes - 5) / 2));
    post(coordinator, from, { kind: 'missing', round: state.stats.round, chunks: missing }, state.stats.round);
    arm(state, from, side);
  }

  return {
    onMessage(from, message) {
      const state = deps.current();
      if (!state || state.closed || message.round !== state.stats.round) return;
      const side = state.server.get(from);
      if (!side || side.status !== 'pending') return;
      if (message.kind === 'missing') {
        deps.count(state.stats.round, coordinator, 'resentChunks', message.chunks.filter((i) => state.chunks[i]).length);
        for (const i of message.chunks) if (state.chunks[i]) post(coordinator, from, { kind: 'model', round: message.round, chunk: i, chunks: state.chunks.length, bytes: state.chunks[i] }, message.round);
        return;
      }
      collect(state, from, side, message);
    },
    /** The coordinator heard nothing of a client's update for a while: it asks for the chunks it misses, or gives up. */
    timer({ state, from, side, timer }) {
      if (side.timer !== timer || side.status !== 'pending' || state.closed || !host.alive(coordinator)) return;
      askAgain(state, from, side);
    },
  };
}
