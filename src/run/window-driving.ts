/**
 * Driving the windows: each runs up to its end here and, first, in every remote partition;
 * an exchange ends each, and a coordinator collects its workers' reports.
 */
import type { ReportSink, WindowReport } from '../transport/partition-report.ts';
import type { OpNews } from '../transport/worker-protocol.ts';
import type { NodeApplication } from '../node/application.ts';
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

/**
 * A remote partition's report of a window: its node application's part, node events, series
 * rows and samples; what is wrong with the application's part instead, when it is malformed or
 * speaks for a node the worker does not run (`owns`).
 */
export function receiveReport(parts: ReportTakers, report: WindowReport, owns: (node: number) => boolean): string | undefined {
  if (report.app !== undefined) {
    const problem = parts.app?.receive ? parts.app.receive(report.app, owns) : 'a node application\'s report, in a run without one';
    if (problem !== undefined) return problem;
  }
  for (const event of report.events) parts.tracker.handle(event);
  parts.series.merge(report.series);
  for (const partial of report.samples) parts.live.share(partial, false);
  return undefined;
}

/** What takes a remote partition's report in. */
export interface ReportTakers {
  readonly tracker: RadioTracker;
  readonly series: SeriesSampler;
  readonly live: LiveSamples;
  readonly app: NodeApplication | undefined;
}

/** The application's news of the last exchange for the workers' op up to `untilMs` (taken: told once), if any. */
export function newsUntil(parts: SimulationParts, untilMs: number): OpNews | undefined {
  const news = parts.app?.newsFor?.(untilMs);
  return news === undefined ? undefined : { atMs: parts.scheduler.nowMs, app: news };
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
      // The application's news for the workers is taken at every window's start, and sent if there are workers.
      remote?.runUntil(endMs, newsUntil(parts, endMs));
      scheduler.runUntil(endMs);
    },
    rethrow: () => rethrow(parts.state),
    busy: () => busyHere(parts) || (remote?.busy ?? false),
    collects: remote !== undefined,
  });
  const receive: ReportSink = (report, owns) => receiveReport(parts, report, owns);
  return {
    protocol,
    drive(untilMs) {
      const steps = protocol.windows(untilMs);
      for (let step = steps.next(); step !== undefined; step = steps.next()) {
        if (step !== 'exchange') continue;
        transport.exchange();
        parts.app?.exchanged?.(scheduler.nowMs);
      }
    },
    async driveAsync(untilMs, steps = protocol.windows(untilMs)) {
      for (let step = steps.next(); step !== undefined; step = steps.next()) {
        if (step === 'exchange') {
          // Messages that had all arrived (the embedded broker's direct clients) need no turn of the event loop.
          const exchanging = transport.exchangeAsync!();
          if (exchanging !== undefined) await exchanging;
          parts.app?.exchanged?.(scheduler.nowMs);
        } else await remote!.collect(receive);
      }
    },
  };
}
