/**
 * The conservative window protocol (DESIGN.md, "Windows"), written once for both kinds of
 * transport: events run in windows no longer than the lookahead; at each window's end the run
 * loop yields, and the driver applies what was published in it (synchronously for memory,
 * awaiting the broker for MQTT). Every effect of a message lies at least one lookahead after
 * its cause, so it is never late.
 */

/** What the run loop asks of its driver at a yield: a window's exchange, or only the workers' reports. */
export type WindowStep = 'exchange' | 'collect';

export interface WindowContext {
  readonly durationMs: number;
  readonly lookaheadMs: number;
  nowMs(): number;
  /** The next event here or in any remote partition. */
  peekTimeMs(): number | undefined;
  /** Runs up to `endMs` here and, first, in every remote partition (`stoppable`: stop at a failure). */
  runTo(endMs: number, stoppable: boolean): void;
  /** Throws the run's failure, if any. */
  rethrow(): void;
  /** Work that must finish before the books close. */
  busy(): boolean;
  /** Whether remote partitions report after a window run to its end (workers). */
  readonly collects: boolean;
}

export interface WindowProtocol {
  /** Windows up to `untilMs` (at most the duration); undefined: to the end, then the drain. */
  windows(untilMs: number | undefined): Generator<WindowStep, void, void>;
  /** To the duration, then the drain up to `untilMs` (a live view follows it step by step). */
  drainTo(untilMs: number): Generator<WindowStep, void, void>;
  /** Whether the last drain found nothing left to do. */
  readonly drained: boolean;
}

export function createWindowProtocol(ctx: WindowContext): WindowProtocol {
  const { durationMs, lookaheadMs } = ctx;
  let drained = false;
  function* runWindows(endMs: number): Generator<WindowStep, void, void> {
    for (;;) {
      yield 'exchange';
      ctx.rethrow();
      const next = ctx.peekTimeMs();
      if (next === undefined || next > endMs) break;
      ctx.runTo(Math.min(next + lookaheadMs, endMs), true);
      ctx.rethrow();
    }
    if (ctx.nowMs() < endMs) {
      ctx.runTo(endMs, false);
      // Workers took this window's deliveries with the op: their state (busy, next event)
      // must be known before anything asks for it.
      if (ctx.collects) yield 'collect';
    }
  }
  /**
   * Drain: queued frames still go out (or are blocked) and frames on the air meet their fates;
   * timers that only watch (death predictions, samples) do not keep the run going. Stops before
   * a window that would begin after `untilMs`; the next call goes on exactly where this one
   * stopped.
   */
  function* drainWindows(untilMs: number): Generator<WindowStep, void, void> {
    drained = false;
    while (ctx.busy()) {
      if (ctx.peekTimeMs() === undefined) yield 'exchange';
      const next = ctx.peekTimeMs();
      if (next === undefined) break;
      if (next > untilMs) return;
      yield* runWindows(next + lookaheadMs);
    }
    drained = true;
  }
  return {
    *windows(untilMs) {
      if (untilMs !== undefined) {
        yield* runWindows(Math.min(untilMs, durationMs));
        return;
      }
      if (ctx.nowMs() < durationMs) yield* runWindows(durationMs);
      yield* drainWindows(Number.POSITIVE_INFINITY);
    },
    *drainTo(untilMs) {
      if (ctx.nowMs() < durationMs) yield* runWindows(durationMs);
      yield* drainWindows(untilMs);
    },
    get drained() {
      return drained;
    },
  };
}
