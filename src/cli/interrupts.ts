/**
 * Ctrl-C and `kill` during a long command: the first SIGINT or SIGTERM asks the command to stop
 * at its next safe point (a run: between slices, and while it waits for workers), so that it
 * ends cleanly (FAILED.txt written, credentials removed, lock released); a second one ends the
 * process at once, after `onForce` (synchronous cleanup). Exit status 128 + the signal's number,
 * as shells expect (130 for SIGINT, 143 for SIGTERM).
 *
 * @example
 * const interrupts = watchInterrupts(note, () => cleanUpNow());
 * try { for (…) { step(); interrupts.check(); } } finally { interrupts.dispose(); }
 */
import { InterruptedError } from './exit.ts';

export interface Interrupts {
  /** Throws InterruptedError if a signal came. */
  check(): void;
  /** `work`, or InterruptedError as soon as a signal comes. */
  race<T>(work: Promise<T>): Promise<T>;
  /** Stops watching (the default handling of the signals comes back). */
  dispose(): void;
}

type Signal = 'SIGINT' | 'SIGTERM';

export function watchInterrupts(note: (text: string) => void, onForce: () => void): Interrupts {
  let signal: Signal | undefined;
  const waiting = new Set<(error: InterruptedError) => void>();
  const handle = (received: Signal): void => {
    if (signal !== undefined) {
      onForce();
      process.exit(received === 'SIGINT' ? 130 : 143);
    }
    signal = received;
    note(`loraswarm: ${received} received: stopping at the next safe point (send it again to stop at once)\n`);
    for (const reject of waiting) reject(new InterruptedError(received));
  };
  const onInt = (): void => handle('SIGINT');
  const onTerm = (): void => handle('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    check() {
      if (signal !== undefined) throw new InterruptedError(signal);
    },
    race(work) {
      if (signal !== undefined) return Promise.reject(new InterruptedError(signal));
      let reject!: (error: InterruptedError) => void;
      const interrupted = new Promise<never>((_, fail) => (reject = fail));
      waiting.add(reject);
      return Promise.race([work, interrupted]).finally(() => waiting.delete(reject));
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      waiting.clear();
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM: how a serving command (`dashboard`, a finished `run --dashboard`) is stopped. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
