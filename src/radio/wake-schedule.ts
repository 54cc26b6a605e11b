/**
 * When a node's receiver is on: a sleeping node is reached by rendezvous or by preamble
 * sampling, chosen per scenario. Pure functions of the schedule and virtual time, so that the
 * ether, the sender's MAC and the receiver's energy ledger all agree without asking each other.
 *
 * - `always`: the receiver listens whenever it does not transmit (mains-powered gateways).
 * - `off`: the receiver never listens (a sensor that only sends).
 * - `rendezvous`: the receiver listens for `windowMs` every `periodMs`, starting at `phaseMs`;
 *   senders that know the schedule wait for the next window (the wait is part of latency).
 *   A frame is caught when it starts inside a window; the receiver then stays on until it ends.
 * - `preamble-sampling`: the receiver wakes every `periodMs` (from `phaseMs`) for a channel
 *   activity detection of `cadMs`; senders stretch their preamble to at least
 *   `periodMs + cadMs` so that one sample always falls inside it. A frame is caught at the
 *   first sample that fits wholly inside its preamble.
 * - `sessions`: the receiver listens in sessions its application opens as the run goes (a
 *   federated client for each scheduled round's download: fl/sessions.ts), as a LoRaWAN class C
 *   device does for a multicast session, and sleeps otherwise. The sessions are [start, end)
 *   pairs in time order; they only ever change at or after the present, so that what was booked
 *   stays true. A frame is caught when it starts inside one; unicast senders wait for the next.
 */

export type WakeSchedule =
  | { readonly mode: 'always' }
  | { readonly mode: 'off' }
  | { readonly mode: 'rendezvous'; readonly periodMs: number; readonly windowMs: number; readonly phaseMs: number }
  | { readonly mode: 'preamble-sampling'; readonly periodMs: number; readonly cadMs: number; readonly phaseMs: number }
  | { readonly mode: 'sessions'; readonly sessions: number[] };

/** The session holding `timeMs`, as the index of its start in the list, or −1. */
function sessionAt(sessions: readonly number[], timeMs: number): number {
  for (let i = sessions.length - 2; i >= 0; i -= 2) {
    if (sessions[i]! <= timeMs) return timeMs < sessions[i + 1]! ? i : -1;
  }
  return -1;
}

/** Opens (or extends) a listening session of a `sessions` schedule over [fromMs, untilMs); fromMs must not precede the last session's start. */
export function openSession(schedule: Extract<WakeSchedule, { mode: 'sessions' }>, fromMs: number, untilMs: number): void {
  const { sessions } = schedule;
  if (!(untilMs > fromMs)) return;
  const last = sessions.length - 2;
  if (last >= 0 && fromMs < sessions[last]!) throw new RangeError(`a session from ${fromMs} ms opened before the last one's start (${sessions[last]} ms)`);
  if (last >= 0 && fromMs <= sessions[last + 1]!) sessions[last + 1] = Math.max(sessions[last + 1]!, untilMs);
  else sessions.push(fromMs, untilMs);
}

/** Ends the session in progress (or a later one) at `atMs`: the radio sleeps from then on until another opens. */
export function closeSession(schedule: Extract<WakeSchedule, { mode: 'sessions' }>, atMs: number): void {
  const { sessions } = schedule;
  while (sessions.length >= 2 && sessions[sessions.length - 2]! >= atMs) sessions.length -= 2;
  if (sessions.length >= 2 && sessions[sessions.length - 1]! > atMs) sessions[sessions.length - 1] = atMs;
}

/** Index of the last period that started at or before `timeMs`. */
function periodIndex(periodMs: number, phaseMs: number, timeMs: number): number {
  return Math.floor((timeMs - phaseMs) / periodMs);
}

/**
 * When the receiver locks on a frame that starts at `startMs` with a preamble of `preambleMs`,
 * or undefined when it does not hear it at all.
 *
 * @example
 * catchTimeMs({ mode: 'rendezvous', periodMs: 1000, windowMs: 5, phaseMs: 0 }, 2003, 12.5); // 2003
 */
export function catchTimeMs(schedule: WakeSchedule, startMs: number, preambleMs: number): number | undefined {
  switch (schedule.mode) {
    case 'always':
      return startMs;
    case 'off':
      return undefined;
    case 'rendezvous': {
      const windowStart = schedule.phaseMs + periodIndex(schedule.periodMs, schedule.phaseMs, startMs) * schedule.periodMs;
      return startMs < windowStart + schedule.windowMs ? startMs : undefined;
    }
    case 'preamble-sampling': {
      const k = Math.ceil((startMs - schedule.phaseMs) / schedule.periodMs);
      const sampleMs = schedule.phaseMs + k * schedule.periodMs;
      return sampleMs + schedule.cadMs <= startMs + preambleMs ? sampleMs : undefined;
    }
    case 'sessions':
      return sessionAt(schedule.sessions, startMs) >= 0 ? startMs : undefined;
  }
}

/**
 * The earliest time at or after `timeMs` at which a frame sent to this receiver can start and
 * be caught: the next window for rendezvous, `timeMs` otherwise (preamble sampling relies on
 * the stretched preamble instead of waiting).
 */
export function nextReceiveStartMs(schedule: WakeSchedule, timeMs: number): number {
  if (schedule.mode === 'sessions') return nextSessionMs(schedule.sessions, timeMs);
  if (schedule.mode !== 'rendezvous') return timeMs;
  const index = periodIndex(schedule.periodMs, schedule.phaseMs, timeMs);
  const windowStart = schedule.phaseMs + index * schedule.periodMs;
  // Inside a window with time left, go now; else wait for the next window.
  return timeMs < windowStart + schedule.windowMs ? timeMs : windowStart + schedule.periodMs;
}

/** Now inside a session, or the next session's start; with none to come, now (the frame then finds the receiver asleep). */
function nextSessionMs(sessions: readonly number[], timeMs: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (let i = sessions.length - 2; i >= 0 && sessions[i + 1]! > timeMs; i -= 2) next = Math.max(timeMs, sessions[i]!);
  return Number.isFinite(next) ? next : timeMs;
}

/** Preamble symbols a sender needs so that a preamble-sampling receiver catches the frame. */
export function samplingPreambleSymbols(schedule: WakeSchedule, symbolMs: number, defaultSymbols: number): number {
  if (schedule.mode !== 'preamble-sampling') return defaultSymbols;
  // The programmed preamble lasts (n + 4.25) symbols (SX127x/SX126x §6.1.4).
  return Math.max(defaultSymbols, Math.ceil((schedule.periodMs + schedule.cadMs) / symbolMs - 4.25));
}

/**
 * Milliseconds the receiver spends listening in [fromMs, toMs) because of its schedule alone
 * (windows or channel-activity samples), exactly.
 */
export function scheduledListenMs(schedule: WakeSchedule, fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return 0;
  switch (schedule.mode) {
    case 'always':
      return toMs - fromMs;
    case 'off':
      return 0;
    case 'rendezvous':
      return onTime(schedule.periodMs, schedule.windowMs, schedule.phaseMs, fromMs, toMs);
    case 'preamble-sampling':
      return onTime(schedule.periodMs, schedule.cadMs, schedule.phaseMs, fromMs, toMs);
    case 'sessions': {
      const { sessions } = schedule;
      let total = 0;
      for (let i = sessions.length - 2; i >= 0 && sessions[i + 1]! > fromMs; i -= 2) total += Math.max(0, Math.min(toMs, sessions[i + 1]!) - Math.max(fromMs, sessions[i]!));
      return total;
    }
  }
}

/** On-time of a periodic [k·P + φ, k·P + φ + W) pattern inside [from, to). */
function onTime(periodMs: number, onMs: number, phaseMs: number, fromMs: number, toMs: number): number {
  const cumulative = (t: number): number => {
    const k = Math.floor((t - phaseMs) / periodMs);
    const into = t - phaseMs - k * periodMs;
    return k * onMs + Math.min(into, onMs);
  };
  return cumulative(toMs) - cumulative(fromMs);
}
