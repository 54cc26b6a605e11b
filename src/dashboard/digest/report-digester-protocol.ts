/**
 * The messages between a run and its report's digester thread (report-digester.ts starts it,
 * report-digester-thread.ts is the thread): the start, with the port the CSV writer thread tees
 * the streamed files into; the requests for the digests once the run is over; the answers.
 */
import type { Tee } from '../../metrics/csv-thread-protocol.ts';
import type { TimeBins } from '../views/time-bins.ts';
import type { BandRange } from '../views/duty-cycle.ts';
import type { FramesDigestResult } from './frames-digest.ts';
import type { ReceptionsDigestResult } from './receptions-digest.ts';
import type { SeriesDigestResult } from './series-digest.ts';

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

export type ToDigester =
  | { readonly op: 'start'; readonly tee: Tee; readonly nodeIds: readonly string[]; readonly limits: DigestLimits }
  | { readonly op: 'series'; readonly id: number }
  | { readonly op: 'tables'; readonly id: number; readonly request: TablesRequest };

/** An answer: `result` is undefined for series.csv when no series bytes came (a run with workers merges it at the end). */
export type FromDigester =
  | { readonly id: number; readonly ok: true; readonly result: SeriesDigestResult | StreamedTables | undefined }
  | { readonly id: number; readonly ok: false; readonly message: string };
