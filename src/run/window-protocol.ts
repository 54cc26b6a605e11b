/**
 * The conservative window protocol (docs/explanation/design-notes.md, "Time, windows and
 * transports"), written once for both kinds of transport: events run in windows no longer than the lookahead (window-length.ts); at each window's end the run
 * loop yields, and the driver applies what was published in it (synchronously for memory,
 * awaiting the broker for MQTT). Every effect of a message lies at least one lookahead after
 * its cause, so it is never late.
 */

/** What the run loop asks of its driver at a yield: a window's exchange, or only the workers' reports. */
export type WindowStep = 'exchange' | 'collect';

export interface WindowContext {
  readonly durationMs: number;
  /** Where the window that starts at `nextMs` ends (window-length.ts). */
  windowEndMs(nextMs: number): number;
  /**
   * The short window, min(shortest airtime, processing delay): the drain's windows. The books
   * close at the end of the drain's last window, so its windows are the short protocol's
   * whatever the run's, and a run closes at the same instant with wide windows or short.
   */
  readonly drainWindowMs: number;
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

/** The steps of a run loop: each call runs up to the next yield and says what the driver must do, or undefined at the end. */
export interface WindowSteps {
  next(): WindowStep | undefined;
}

export interface WindowProtocol {
  /** Windows up to `untilMs` (at most the duration); undefined: to the end, then the drain. */
  windows(untilMs: number | undefined): WindowSteps;
  /** To the duration, then the drain up to `untilMs` (a live view follows it step by step). */
  drainTo(untilMs: number): WindowSteps;
  /** Whether the last drain found nothing left to do. */
  readonly drained: boolean;
  /** Windows run so far (each one exchange). */
  readonly windowsRun: number;
}

// The run loop is a coroutine (windows, each ending in an exchange; then the drain, whose
// windows nest), written as a state machine so that a step allocates nothing: at a city's
// millions of windows, a generator's result objects and resumptions are a measurable share.
const RUN_START = 0;
const RUN_AFTER_EXCHANGE = 1;
const RUN_TAIL = 2;
const RUN_DONE = 3;
const DRAIN_LOOP = 0;
const DRAIN_CHECK = 1;
const DRAIN_WINDOWS = 2;
const DRAIN_DONE = 3;

export function createWindowProtocol(ctx: WindowContext): WindowProtocol {
  const { durationMs } = ctx;
  let drained = false;
  let windowsRun = 0;

  /** One run: windows up to `endMs` (`runWindows`), then, in `full` runs, the drain up to `drainUntilMs`. */
  function steps(runOnlyUntilMs: number | undefined, drainUntilMs: number): WindowSteps {
    let started = false;
    let drainNext = false;
    let draining = false;
    let runEndMs = 0;
    let capMs = 0;
    let runState = RUN_DONE;
    let drainState = DRAIN_LOOP;

    /**
     * Windows that start by `endMs`; none runs past `limitMs`. A slice of the run (`windows`
     * with an end before the duration) runs its last window whole, past its end: window
     * boundaries, hence exchanges, never depend on how a run was sliced (what takes effect at an
     * exchange, issue 22, is the same in a run checkpointed every second and one run in one go).
     */
    const startRun = (endMs: number, limitMs = endMs): void => {
      runEndMs = endMs;
      capMs = limitMs;
      runState = RUN_START;
    };

    /**
     * Windows (window-length.ts) up to `runEndMs`: each starts at the next pending
     * event, and at its end the driver exchanges what was published (`'exchange'`).
     */
    function stepRun(): WindowStep | undefined {
      for (;;) {
        switch (runState) {
          case RUN_START:
            runState = RUN_AFTER_EXCHANGE;
            return 'exchange';
          case RUN_AFTER_EXCHANGE: {
            ctx.rethrow();
            const next = ctx.peekTimeMs();
            if (next === undefined || next > runEndMs) {
              runState = RUN_TAIL;
              continue;
            }
            windowsRun++;
            ctx.runTo(Math.min(ctx.windowEndMs(next), capMs), true);
            ctx.rethrow();
            return 'exchange';
          }
          case RUN_TAIL:
            runState = RUN_DONE;
            if (ctx.nowMs() < runEndMs) {
              ctx.runTo(runEndMs, false);
              // Workers took this window's deliveries with the op: their state (busy, next event)
              // must be known before anything asks for it.
              if (ctx.collects) return 'collect';
            }
            return undefined;
          default:
            return undefined;
        }
      }
    }

    /**
     * Drain: queued frames still go out (or are blocked) and frames on the air meet their fates;
     * timers that only watch (death predictions, samples) do not keep the run going. Stops before
     * a window that would begin after `drainUntilMs`; the next call goes on exactly where this
     * one stopped.
     */
    function stepDrain(): WindowStep | undefined {
      for (;;) {
        switch (drainState) {
          case DRAIN_LOOP:
            if (!ctx.busy()) {
              drained = true;
              drainState = DRAIN_DONE;
              return undefined;
            }
            drainState = DRAIN_CHECK;
            if (ctx.peekTimeMs() === undefined) return 'exchange';
            continue;
          case DRAIN_CHECK: {
            const next = ctx.peekTimeMs();
            if (next === undefined) {
              drained = true;
              drainState = DRAIN_DONE;
              return undefined;
            }
            if (next > drainUntilMs) {
              drainState = DRAIN_DONE;
              return undefined;
            }
            startRun(next + ctx.drainWindowMs);
            drainState = DRAIN_WINDOWS;
            continue;
          }
          case DRAIN_WINDOWS: {
            const step = stepRun();
            if (step !== undefined) return step;
            drainState = DRAIN_LOOP;
            continue;
          }
          default:
            return undefined;
        }
      }
    }

    return {
      next() {
        if (!started) {
          started = true;
          if (runOnlyUntilMs !== undefined) startRun(Math.min(runOnlyUntilMs, durationMs), durationMs);
          else {
            drainNext = true;
            if (ctx.nowMs() < durationMs) startRun(durationMs);
          }
        }
        if (!draining) {
          const step = stepRun();
          if (step !== undefined || !drainNext) return step;
          draining = true;
          drained = false;
        }
        return stepDrain();
      },
    };
  }

  return {
    windows: (untilMs) => steps(untilMs, Number.POSITIVE_INFINITY),
    drainTo: (untilMs) => steps(undefined, untilMs),
    get drained() {
      return drained;
    },
    get windowsRun() {
      return windowsRun;
    },
  };
}
