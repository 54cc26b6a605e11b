/**
 * Why a result directory cannot be written: another run holds it, or what is at its place is
 * not ours to replace. An input error (exit 2): the user chooses another `--out`, or waits.
 */
export class RunDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDirectoryError';
  }
}
