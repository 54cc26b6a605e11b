/**
 * A failure of the machine, not of the input: a program that is not installed, a port that is
 * taken, a disk that is full. The CLI prints the message (what failed and what to do) and exits
 * with status 1, without a stack trace.
 */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}
