/** Thrown when a worker disconnects, fails or breaks the protocol mid-run. */
export class WorkerError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'WorkerError';
  }
}
