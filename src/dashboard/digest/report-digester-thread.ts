/**
 * The report's digester thread (report-digester.ts says why): it parses the bytes of frames.csv,
 * receptions.csv and series.csv as the CSV writer thread tees them, with the digests the
 * report reads the files with, and answers for them once every byte is in (the writer's last
 * message, after it closed the files). Messages: report-digester-protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { teeGoneCell, teeTakenCell, type StreamKind, type Tee, type TeeMessage } from '../../metrics/csv-thread-protocol.ts';
import { createCsvParser, type CsvParser } from '../read/csv-parse.ts';
import { createIdIndex, type IdIndex } from '../read/id-index.ts';
import { createFramesRecord, framesDigestOf, type FramesRecord } from './frames-digest.ts';
import { createReceptionsDigest, type ReceptionsDigest } from './receptions-digest.ts';
import { createSeriesDigest, type SeriesDigestResult } from './series-digest.ts';
import type { DigestLimits, FromDigester, StreamedTables, TablesRequest, ToDigester } from './report-digester-protocol.ts';

const port = parentPort!;

interface Digests {
  readonly ids: IdIndex;
  readonly frames: FramesRecord;
  readonly receptions: ReceptionsDigest;
  readonly series: ReturnType<typeof createSeriesDigest>;
  /** The kinds whose bytes came. */
  readonly seen: Set<StreamKind>;
  /** Settles once every byte is in (or the tee closed without its end). */
  readonly ended: Promise<void>;
}

let digests: Digests | undefined;

port.on('message', (message: ToDigester) => {
  if (message.op === 'start') {
    digests = start(message.tee, message.nodeIds, message.limits);
    return;
  }
  void answer(message).then((reply) => port.postMessage(reply));
});

function start(tee: Tee, nodeIds: readonly string[], limits: DigestLimits): Digests {
  const { port } = tee;
  const cells = new Int32Array(tee.flow);
  const ids = createIdIndex(nodeIds);
  const frames = createFramesRecord(ids, limits.frames);
  const receptions = createReceptionsDigest({ limit: limits.receptions, pairLimit: limits.pairs, links: limits.links });
  const series = createSeriesDigest({ ids, nodeIds, limit: limits.seriesRows, wholeNodes: limits.seriesNodes, lineNodes: limits.lineNodes, linePoints: limits.linePoints, statsTimes: limits.statsTimes, gridBytes: limits.gridBytes, top: limits.topConsumers });
  const parsers: Record<StreamKind, CsvParser> = { frames: createCsvParser(frames), receptions: createCsvParser(receptions), series: createCsvParser(series) };
  const seen = new Set<StreamKind>();
  let failure: Error | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    port.on('message', (message: TeeMessage) => {
      if ('end' in message) {
        for (const parser of Object.values(parsers)) parser.end();
        port.close();
        if (failure) reject(failure);
        else resolve();
        return;
      }
      if (!failure) {
        seen.add(message.kind);
        try {
          parsers[message.kind].push(message.bytes);
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          // Nothing more is wanted: the writer need not wait for this thread again.
          Atomics.store(cells, teeGoneCell, 1);
        }
      }
      Atomics.add(cells, teeTakenCell, 1);
      Atomics.notify(cells, teeTakenCell);
    });
    port.on('close', () => reject(failure ?? new Error('the CSV writer thread stopped teeing before it wrote the files out')));
  });
  // Asked for or not, a failure here is answered to the requests, not thrown.
  ended.catch(() => undefined);
  return { ids, frames, receptions, series, seen, ended };
}

async function answer(message: Exclude<ToDigester, { op: 'start' }>): Promise<FromDigester> {
  try {
    if (!digests) throw new Error('the digester was not started');
    await digests.ended;
    return { id: message.id, ok: true, result: message.op === 'series' ? seriesOf(digests) : tablesOf(digests, message.request) };
  } catch (error) {
    return { id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function seriesOf(digests: Digests): SeriesDigestResult | undefined {
  return digests.seen.has('series') ? digests.series.result() : undefined;
}

function tablesOf(digests: Digests, request: TablesRequest): StreamedTables {
  if (!digests.seen.has('frames') || !digests.seen.has('receptions')) throw new Error('frames.csv and receptions.csv were not teed');
  const { bins, follow, bands, xs, ys } = request;
  return { frames: framesDigestOf(digests.frames.data(), { bins, follow, bands }), receptions: digests.receptions.result(bins, { ids: digests.ids, xs, ys }) };
}
