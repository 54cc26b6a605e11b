/**
 * A progress bar on a TTY (stderr) for runs that last more than a second of wall time.
 * The simulation runs in slices of virtual time; between slices the event loop turns so the
 * bar can redraw.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number): void;
  stop(): void;
  /** Prints a line above the bar (a run's news, such as a federated round closing); absent where the caller shows its own progress. */
  log?(text: string): void;
}

/** The bar draws on `stream` when it is a terminal; a line logged while no bar shows goes to `note` (the command's stderr). */
export function createProgress(label: string, note: (text: string) => void, stream: NodeJS.WriteStream = process.stderr): Progress {
  const startedMs = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(fraction) {
      if (!stream.isTTY) return;
      if (!bar) {
        if (Date.now() - startedMs < 1000) return;
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% | {duration_formatted} elapsed | eta {eta_formatted}`, stream, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1000, 0);
      }
      bar.update(Math.round(fraction * 1000));
    },
    stop() {
      bar?.stop();
    },
    log(text) {
      if (!bar) {
        note(text);
        return;
      }
      // Clear the bar's line, print, and draw the bar again below.
      stream.write(`\r\x1b[2K${text}`);
      (bar as unknown as { render(force?: boolean): void }).render(true);
    },
  };
}
