/**
 * Scheduled rounds with sleeping clients (issue 20, point 1): round k starts at k × period, and
 * each client's radio (wake: sessions, radio/wake-schedule.ts) listens only
 *
 * - from just before a round's start for the announce (`announceWindow`), and on, if the
 *   announce names it, until it has the model (or gives up asking for what it misses): the
 *   download in the manner of a LoRaWAN class C multicast session (TS005), opened for the
 *   transfer only;
 * - after the last frame of its upload, for the coordinator's request for missing chunks: the
 *   coordinator asks at once when that frame comes incomplete, else half the announce window
 *   after the update's last frame was due (fl/coordinator-side.ts), so the client listens for
 *   the announce window and two guards.
 *
 * Clocks drift. Each client's crystal runs fast or slow by a seeded amount e, |e| ≤ clockPpm ×
 * 10⁻⁶, and the client sets its clock by every announce it hears. Planning to wake `guard`
 * before a round's start S, at its local reading S − guard, it wakes at the true time
 * sync + (S − guard − sync) / (1 + e): early or late by about |e| × (S − sync). The default
 * guard, 2 × clockPpm × 10⁻⁶ × rounds × period (at least 50 ms), covers a clock that heard no
 * announce since the run began, on either side: no round is lost to drift (test: 20 ppm, 12 h).
 */
import { closeSession, openSession, type WakeSchedule } from '../radio/wake-schedule.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { RandomStreams } from '../sim/rng.ts';
import type { Continuation } from '../sim/scheduler.ts';
import type { FederatedSettings } from '../scenario/federated-settings.ts';

/** A client wakes for a round's announce, or sleeps again when it was not called. */
export type SessionStep = { readonly type: 'wake'; readonly node: number; readonly round: number } | { readonly type: 'sleep'; readonly node: number; readonly round: number };

export type RoundSchedule = NonNullable<FederatedSettings['schedule']>;

/** Each client's clock (a checkpoint: its last correction) and radio sessions. */
export interface SessionsState {
  readonly syncedAtMs: Float64Array;
  readonly sessions: readonly (readonly number[])[];
}

export interface ClientSessions {
  /** The guard time in force. */
  readonly guardMs: number;
  /** The run begins: every client listens for round 1 (at 0). */
  start(): void;
  /** Round `round` begins now; plans each client's wake for round `round + 1` at `nextStartMs`. */
  planNext(round: number, nextStartMs: number): void;
  /** A scheduled step: the client wakes (or sleeps again when no announce named it). */
  run(step: SessionStep, selected: (node: number, round: number) => boolean): void;
  /** The client heard an announce: its clock is set; named or not, it listens on or sleeps. */
  announced(node: number, named: boolean): void;
  /** The client has the model, or gave it up: it sleeps while it trains. */
  downloaded(node: number): void;
  /** The last frame of what the client had to send ended at `endMs`: it listens for a request. */
  sent(node: number, endMs: number): void;
  /** What the client's clock reads at the true time `trueMs`, and back. */
  localMs(node: number, trueMs: number): number;
  trueMs(node: number, localMs: number): number;
  /** The clients whose sessions changed since the last call, with their sessions (a worker's report: the run's ether reads them; the coordinator's MAC, as of each exchange). */
  takeChanged(): [number, number[]][];
  /** Every client's sessions now. */
  all(): [number, number[]][];
  checkpoint(): SessionsState;
  restore(state: SessionsState): void;
}

export interface SessionsConfig {
  readonly schedule: RoundSchedule;
  readonly settings: FederatedSettings;
  readonly clients: readonly number[];
  readonly specs: readonly NodeSpec[];
  readonly streams: RandomStreams;
  nowMs(): number;
  later(step: SessionStep, atMs: number): Continuation;
}

type Sessions = Extract<WakeSchedule, { mode: 'sessions' }>;

/** The guard time: the schedule's, or twice the worst drift over the whole run (at least 50 ms). */
export function guardTimeMs(schedule: RoundSchedule, rounds: number): number {
  return schedule.guard ?? Math.max(50, 2 * schedule.clockPpm * 1e-6 * rounds * schedule.period);
}

export function createClientSessions(config: SessionsConfig): ClientSessions {
  const { schedule, settings, clients } = config;
  const guardMs = guardTimeMs(schedule, settings.rounds);
  const index = new Map(clients.map((node, c) => [node, c]));
  const wakes = clients.map((node) => {
    const wake = config.specs[node]!.wake;
    if (wake.mode !== 'sessions') throw new RangeError(`client ${config.specs[node]!.id} has wake ${wake.mode}, not the sessions scheduled rounds give it`);
    return wake;
  });
  /** Each clock's rate error (parts of one), drawn from the client's own stream. */
  const drift = clients.map((node) => (2 * config.streams.stream(`fl/clock/${node}`).next() - 1) * schedule.clockPpm * 1e-6);
  const syncedAtMs = new Float64Array(clients.length);
  /** Clients whose sessions changed since `takeChanged`. */
  const changed = new Set<number>();
  const wakeOf = (node: number): Sessions => {
    changed.add(node);
    return wakes[index.get(node)!]!;
  };
  /** How long a woken client listens for the announce: both guards and the window. */
  const listenMs = 2 * guardMs + schedule.announceWindow;

  return {
    guardMs,
    start() {
      syncedAtMs.fill(0);
      for (const node of clients) {
        const wake = wakeOf(node);
        wake.sessions.length = 0;
        openSession(wake, 0, listenMs);
      }
      clients.forEach((node) => config.later({ type: 'sleep', node, round: 1 }, listenMs));
    },
    planNext(round, nextStartMs) {
      clients.forEach((node, c) => {
        const synced = syncedAtMs[c]!;
        const atMs = synced + (nextStartMs - guardMs - synced) / (1 + drift[c]!);
        config.later({ type: 'wake', node, round }, Math.max(config.nowMs(), atMs));
      });
    },
    run(step, selected) {
      const wake = wakeOf(step.node);
      const nowMs = config.nowMs();
      if (step.type === 'wake') {
        openSession(wake, nowMs, nowMs + listenMs);
        config.later({ type: 'sleep', node: step.node, round: step.round }, nowMs + listenMs);
      } else if (!selected(step.node, step.round)) closeSession(wake, nowMs);
    },
    announced(node, named) {
      const nowMs = config.nowMs();
      syncedAtMs[index.get(node)!] = nowMs;
      if (named) openSession(wakeOf(node), nowMs, Number.POSITIVE_INFINITY);
      else closeSession(wakeOf(node), nowMs);
    },
    downloaded(node) {
      closeSession(wakeOf(node), config.nowMs());
    },
    sent(node, endMs) {
      if (!index.has(node)) return;
      openSession(wakeOf(node), endMs, endMs + schedule.announceWindow + 2 * guardMs);
    },
    localMs(node, trueMs) {
      const c = index.get(node)!;
      return syncedAtMs[c]! + (trueMs - syncedAtMs[c]!) * (1 + drift[c]!);
    },
    trueMs(node, localMs) {
      const c = index.get(node)!;
      return syncedAtMs[c]! + (localMs - syncedAtMs[c]!) / (1 + drift[c]!);
    },
    all: () => clients.map((node, c): [number, number[]] => [node, [...wakes[c]!.sessions]]),
    takeChanged() {
      const rows = [...changed].sort((a, b) => a - b).map((node): [number, number[]] => [node, [...wakes[index.get(node)!]!.sessions]]);
      changed.clear();
      return rows;
    },
    checkpoint: () => ({ syncedAtMs: syncedAtMs.slice(), sessions: wakes.map((wake) => [...wake.sessions]) }),
    restore(state) {
      syncedAtMs.set(state.syncedAtMs);
      wakes.forEach((wake, c) => {
        wake.sessions.length = 0;
        for (const at of state.sessions[c]!) wake.sessions.push(at);
      });
    },
  };
}
