/**
 * The report's figures digested from a run's records as it hands them to its streamed files.
 * A finished run's report otherwise reads frames.csv, receptions.csv and series.csv back: the
 * 10,000-node day's ~0.9 s, the 100,000-node day's ~9 s. Here the same digests (frames-digest.ts,
 * receptions-digest.ts, series-digest.ts) take each row as the run makes it, through
 * record-rows.ts, which answers what a digest asks of a cell as the file's text would: the
 * report is the same byte for byte (tests). It takes the rows the files' writer takes, batch by
 * batch (row-batch.ts), on the files' writer thread once it has written them
 * (report-writer-thread.ts), so that the digest costs the simulation's thread nothing; only
 * for a run that starts afresh (a resumed run's files hold rows written before it began), and
 * series.csv's only when the run samples it itself (with workers it is merged at the end, and
 * read back).
 *
 * @example
 * const digester = createRecordDigester({ ids: encodeIds(nodeIds), mains, columns, transmissions: false, energyStates: 7, limits: reportLimits });
 * batchReader('frames', digester.sink)(batch, count); // …every batch of every file, in order
 * const { frames, receptions } = digester.tables({ bins, follow, bands, xs, ys });
 */
import { decodeIds, type IdBytes } from '../../metrics/csv-bytes.ts';
import type { BatchSink } from '../../metrics/row-batch.ts';
import { createIdIndex } from '../read/id-index.ts';
import { createFramesRecord, framesDigestOf } from './frames-digest.ts';
import { createReceptionsDigest } from './receptions-digest.ts';
import { createSeriesDigest, type SeriesDigestResult } from './series-digest.ts';
import { FrameRecordRow, ReceptionRecordRow, SeriesRecordRow } from './record-rows.ts';
import type { DigestLimits, StreamedTables, TablesRequest } from './report-digester-protocol.ts';

export interface RecordDigesterOptions {
  /** The run's node ids (nodes.csv's order), which the rows name by index, as the files' writer has them. */
  readonly ids: IdBytes;
  /** Mains-powered nodes (series.csv leaves their charge empty). */
  readonly mains: readonly boolean[];
  /** The streamed files' columns; no `series` when the run does not sample series.csv itself (workers: merged at the end). */
  readonly columns: { readonly frames: readonly string[]; readonly receptions: readonly string[]; readonly series?: readonly string[] };
  /** frames.csv has the `transmission` column. */
  readonly transmissions: boolean;
  /** series.csv's energy columns, after its first five. */
  readonly energyStates: number;
  readonly limits: DigestLimits;
}

export interface RecordDigester {
  /** Takes the run's frames, receptions and (when it samples series.csv itself) series rows, in the files' order. */
  readonly sink: BatchSink;
  /** series.csv's digest, or undefined when the run did not sample it itself. */
  series(): SeriesDigestResult | undefined;
  tables(request: TablesRequest): StreamedTables;
}

export function createRecordDigester(options: RecordDigesterOptions): RecordDigester {
  const { columns, limits } = options;
  const idBytes = options.ids;
  const nodeIds = decodeIds(idBytes);
  const ids = createIdIndex(nodeIds);

  // A sampled row's text is made when the sample takes it, on this thread while the run goes
  // on, rather than once it is over (when the rows the sample still holds are known, but the
  // report waits for them).
  const frames = createFramesRecord(ids, limits.frames);
  const frameRow = new FrameRecordRow(columns.frames, frames.header(columns.frames), idBytes, options.transmissions);
  const receptions = createReceptionsDigest({ limit: limits.receptions, pairLimit: limits.pairs, links: limits.links });
  const receptionRow = new ReceptionRecordRow(columns.receptions, receptions.header(columns.receptions), idBytes);

  const series = columns.series && createSeriesDigest({ ids, nodeIds, limit: limits.seriesRows, wholeNodes: limits.seriesNodes, lineNodes: limits.lineNodes, linePoints: limits.linePoints, statsTimes: limits.statsTimes, gridBytes: limits.gridBytes, top: limits.topConsumers });
  const seriesRow = series && new SeriesRecordRow(columns.series!, series.header(columns.series!), idBytes, options.mains, options.energyStates);

  const sink: BatchSink = {
    frame: (rows, slot) => frames.row(frameRow.at(rows, slot)),
    reception: (sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) => receptions.row(receptionRow.set(sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb)),
    ...(seriesRow && { series: (atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse) => series.row(seriesRow.set(atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse)) }),
  };
  return {
    sink,
    series: () => series?.result(),
    tables: ({ bins, follow, bands, xs, ys }) => ({ frames: framesDigestOf(frames.data(), { bins, follow, bands }), receptions: receptions.result(bins, { ids, xs, ys }) }),
  };
}
