/**
 * Waiting at a window's barrier for messages still on their way through the broker: a
 * condition re-checked whenever a message arrives, a timeout, and a failure (a lost
 * connection, a lost worker) that ends the wait at once with a clear error.
 */

/** Thrown when a barrier times out: the broker lost or withheld messages. */
export class BrokerTimeoutError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BrokerTimeoutError';
  }
}

export interface Barrier {
  /** Resolves when `done()` holds (undefined when it already does); rejects on timeout or failure. */
  wait(done: () => boolean, what: string, timeoutMs?: number): Promise<void> | undefined;
  /** Re-checks the condition (call on every arriving message). */
  poke(): void;
  /** Fails the current and every later wait with `error`. */
  fail(error: Error): void;
  /**
   * Stops the clock of the current and later waits while the broker is away (reconnection.ts
   * bounds that time itself); `resume` restarts it from the full timeout. Calls nest.
   */
  suspend(): void;
  resume(): void;
  readonly failure: Error | undefined;
}

export function createBarrier(defaultTimeoutMs: number): Barrier {
  let failure: Error | undefined;
  let suspended = 0;
  let current: { done: () => boolean; resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout | undefined; arm: () => void } | undefined;
  const settle = (): void => {
    if (current?.done()) {
      const { resolve, timer } = current;
      clearTimeout(timer);
      current = undefined;
      resolve();
    }
  };
  return {
    wait(done, what, timeoutMs = defaultTimeoutMs) {
      if (failure) return Promise.reject(failure);
      if (done()) return undefined;
      if (current) return Promise.reject(new Error(`internal error: two waits at once (${what})`));
      return new Promise<void>((resolve, reject) => {
        const wait = { done, resolve, reject, timer: undefined as NodeJS.Timeout | undefined, arm: () => undefined as void };
        wait.arm = () => {
          clearTimeout(wait.timer);
          wait.timer = suspended > 0 ? undefined : setTimeout(() => {
            current = undefined;
            reject(new BrokerTimeoutError(`the broker did not deliver every ${what} within ${timeoutMs} ms`));
          }, timeoutMs);
        };
        wait.arm();
        current = wait;
      });
    },
    poke: settle,
    fail(error) {
      failure ??= error;
      if (current) {
        const { reject, timer } = current;
        clearTimeout(timer);
        current = undefined;
        reject(failure);
      }
    },
    suspend() {
      suspended++;
      if (current) {
        clearTimeout(current.timer);
        current.timer = undefined;
      }
    },
    resume() {
      if (suspended === 0) return;
      suspended--;
      if (suspended === 0) current?.arm();
    },
    get failure() {
      return failure;
    },
  };
}
