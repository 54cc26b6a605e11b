/** How a worker session ends other than by its own failure (worker-session.ts). */

/** The coordinator refused this worker (wrong partition, partition taken, protocol). */
export class WorkerRefusedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'WorkerRefusedError';
  }
}

/** The coordinator stopped the run (its own failure, or it disconnected). */
export class RunAbortedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'RunAbortedError';
  }
}
