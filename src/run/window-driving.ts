/**
 * Driving the windows: each runs up to its end here and, first, in every remote partition;
 * an exchange ends each, and a coordinator collects its workers' reports.
 */
import type { WindowReport } from '../transport/partition-report.ts';
import { createWindowProtocol, type WindowProtocol, type WindowSteps } from './window-protocol.ts';
import { windowEndMs, type WindowLength } from './window-length.ts';
import type { LiveSamples } from './live-samples.ts';
import type { RadioTracker } from '../metrics/radio-tracker.ts';
import type { SeriesSampler } from '../metrics/series.ts';
import { rethrow, type SimulationParts } from './simulation-parts.ts';

export interface WindowDriving {
  readonly protocol: WindowProtocol;
  /** Runs windows up to `untilMs` (to the end of the drain when undefined), synchronous transports. */
  drive(untilMs: number | undefined): void;
  /** `drive` for asynchronous transports, over the given steps (the windows up to `untilMs` by default). */
  driveAsync(untilMs: number | undefined, steps?: WindowSteps): Promise<void>;
}

/** A remote partition's report of a window: its node events, series rows and samples. */
export function receiveReport(parts: { readonly tracker: RadioTracker; readonly series: SeriesSampler; readonly live: LiveSamples }, report: WindowReport): void {
  for (const event of report.events) parts.tracker.handle(event);
  parts.series.merge(report.series);
  for (const partial of report.samples) parts.live.share(partial, false);
}

/** Work here that must finish before the books close: frames queued, on the air, or in transit. */
export function busyHere(parts: SimulationParts): boolean {
  return parts.transport.pending > 0 || parts.ether.undecided > 0 || parts.swarmNodes.busy() || (parts.app?.busy ?? false);
}

export function createWindowDriving(parts: SimulationParts, windows: WindowLength): WindowDriving {
  const { scheduler, remote, transport, ether } = parts;
  // Windows run up to `endMs` here and, first, in every remote partition.
  const protocol = createWindowProtocol({
    durationMs: parts.durationMs,
    windowEndMs: (nextMs) => windowEndMs(windows, nextMs, ether.firstUndecidedEndMs),
    drainWindowMs: windows.shortMs,
    nowMs: () => scheduler.nowMs,
    peekTimeMs: () => {
      const local = scheduler.peekTimeMs();
      const elsewhere = remote?.peekTimeMs();
      if (elsewhere === undefined) return local;
      return local === undefined ? elsewhere : Math.min(local, elsewhere);
    },
    runTo: (endMs) => {
      remote?.runUntil(endMs);
      scheduler.runUntil(endMs);
    },
    rethrow: () => rethrow(parts.state),
    busy: () => busyHere(parts) || (remote?.busy ?? false),
    collects: remote !== undefined,
  });
  const receive = (report: WindowReport): void => receiveReport(parts, report);
  return {
    protocol,
    drive(untilMs) {
      const steps = protocol.windows(untilMs);
      for (let step = steps.next(); step !== undefined; step = steps.next()) if (step === 'exchange') transport.exchange();
    },
    async driveAsync(untilMs, steps = protocol.windows(untilMs)) {
      for (let step = steps.next(); step !== undefined; step = steps.next()) {
        if (step === 'exchange') await transport.exchangeAsync!();
        else await remote!.collect(receive);
      }
    },
  };
}
