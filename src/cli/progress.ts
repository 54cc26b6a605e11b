/**
 * A progress bar on a TTY (stderr) for runs that last more than a second of wall time.
 * The simulation runs in slices of virtual time; between slices the event loop turns so the
 * bar can redraw.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number): void;
  stop(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
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
  };
}
