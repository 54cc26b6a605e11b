/**
 * What a run tells and asks the report's digest on its writer thread (report-digester.ts starts
 * it, report-writer-thread.ts is the thread): the limits it digests within, and the questions
 * once the run is over.
 */
import type { TimeBins } from '../views/time-bins.ts';
import type { BandRange } from '../views/duty-cycle.ts';
import type { FramesDigestResult } from './frames-digest.ts';
import type { ReceptionsDigestResult } from './receptions-digest.ts';

/** The report's limits the digests need (run-files.ts, `reportLimits`). */
export interface DigestLimits {
  readonly frames: number;
  readonly receptions: number;
  readonly pairs: number;
  readonly links: number;
  readonly seriesRows: number;
  readonly seriesNodes: number;
  readonly lineNodes: number;
  readonly linePoints: number;
  readonly statsTimes: number;
  readonly gridBytes: number;
  readonly topConsumers: number;
}

/** What the frames and receptions digests need once the run is over (run-files.ts has it from nodes.csv, summary.json and series.csv). */
export interface TablesRequest {
  readonly bins: TimeBins;
  /** The nodes the duty-cycle view follows (indices among the run's nodes). */
  readonly follow: readonly number[];
  readonly bands: readonly BandRange[];
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

export interface StreamedTables {
  readonly frames: FramesDigestResult;
  readonly receptions: ReceptionsDigestResult;
}

/** The writer thread's tap options (OpenMessage's `tap`). */
export interface DigestTap {
  readonly limits: DigestLimits;
}

/** What the run asks the writer thread's digest once the files are closed: series.csv's digest (undefined when the run did not sample it itself: with workers it is merged at the end), or frames.csv's and receptions.csv's. */
export type DigestQuestion = { readonly op: 'series' } | { readonly op: 'tables'; readonly request: TablesRequest };
