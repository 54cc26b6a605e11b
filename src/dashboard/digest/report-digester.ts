/**
 * The report's figures digested while the run goes on. A run's report reads frames.csv,
 * receptions.csv and series.csv back once the run is over: LoRaSim's experiment spends ~0.4 s
 * of its ~1.8 s that way, the 10,000-node day ~0.9 s. A run whose files are written by the CSV
 * writer thread can have that thread digest their rows too, once it has written each batch
 * (report-writer-thread.ts, through record-digester.ts: the digests the report reads the files
 * with, fed the rows' numbers instead of their text), on the core the simulation leaves; once
 * the run is over, what depends on its end (the time bins, the nodes followed, their positions)
 * is asked for, and the report is the same byte for byte (tests). Only for a run that starts
 * afresh: a resumed run's files hold rows written before it began.
 *
 * @example
 * const files = openResultFiles(dir, swarm, compress, true, undefined, false, true, { worker: startReportWriter(), tap: { limits: reportLimits } });
 * const digester = reportDigesterOf(files.thread!);
 * // …the run, its files closed, then:
 * await reportHtml(dir.partialPath, true, digester);
 * await digester.stop();
 */
import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../../metrics/module-thread.ts';
import type { DigestQuestion, StreamedTables, TablesRequest } from './report-digester-protocol.ts';
import type { SeriesDigestResult } from './series-digest.ts';

export interface ReportDigester {
  /** series.csv's digest, or undefined when the run did not sample it itself (workers). */
  series(): Promise<SeriesDigestResult | undefined>;
  tables(request: TablesRequest): Promise<StreamedTables>;
  /** Whether it answered for frames.csv and receptions.csv (the report then did not read them back). */
  readonly served: boolean;
  /** Ends the writer thread (the questions still waiting fail). */
  stop(): Promise<void>;
}

/** The CSV writer thread with the report's digest as its tap, for startCsvThread. */
export function startReportWriter(): Worker {
  return startModuleThread(import.meta.url, 'report-writer-thread');
}

/** The digest of the writer thread `thread` (started by `startReportWriter`), asked once its files are closed. */
export function reportDigesterOf(thread: { ask(question: unknown): Promise<unknown>; end(): Promise<void> }): ReportDigester {
  const ask = <T>(question: DigestQuestion): Promise<T> => thread.ask(question) as Promise<T>;
  let served = false;
  return {
    series: () => ask<SeriesDigestResult | undefined>({ op: 'series' }),
    tables: (request) =>
      ask<StreamedTables>({ op: 'tables', request }).then((tables) => {
        served = true;
        return tables;
      }),
    get served() {
      return served;
    },
    stop: () => thread.end(),
  };
}
