/**
 * The report's figures digested while the run goes on. A run's report reads frames.csv,
 * receptions.csv and series.csv back once the run is over: LoRaSim's experiment spends ~0.4 s
 * of its ~1.8 s that way, the 10,000-node day ~0.7 s. A run whose files are written by the CSV
 * writer thread has it tee their bytes, as it writes them, to this thread, which parses them
 * with the same digests (report-digester-thread.ts) on the core the simulation leaves; once
 * the run is over, what depends on its end (the time bins, the nodes followed, their positions)
 * is asked for, and the report is the same byte for byte (tests). Only for a run that starts
 * afresh: a resumed run's files hold rows written before it began.
 *
 * @example
 * const digester = startReportDigester(nodeIds);
 * openResultFiles(dir, swarm, compress, true, undefined, false, true, digester.tee);
 * // …the run, its files closed, then:
 * await reportHtml(dir.partialPath, true, digester);
 * await digester.stop();
 */
import { MessageChannel } from 'node:worker_threads';
import { startModuleThread } from '../../metrics/module-thread.ts';
import { createTeeFlow, teeGoneCell, teeTakenCell, type Tee } from '../../metrics/csv-thread-protocol.ts';
import type { DigestLimits, FromDigester, StreamedTables, TablesRequest, ToDigester } from './report-digester-protocol.ts';
import type { SeriesDigestResult } from './series-digest.ts';

export interface ReportDigester {
  /** What to hand to the CSV writer thread (openResultFiles' `tee`), once: its port is transferred. */
  readonly tee: Tee;
  /** series.csv's digest, or undefined when the run did not stream it (workers). */
  series(): Promise<SeriesDigestResult | undefined>;
  tables(request: TablesRequest): Promise<StreamedTables>;
  /** Whether it answered for frames.csv and receptions.csv (the report then did not read them back). */
  readonly served: boolean;
  /** Ends the thread (the requests still waiting fail). */
  stop(): Promise<void>;
}

export function startReportDigester(nodeIds: readonly string[], limits: DigestLimits): ReportDigester {
  const worker = startModuleThread(import.meta.url, 'report-digester-thread');
  // Never what keeps a process alive: a run that fails before asking ends all the same.
  worker.unref();
  const channel = new MessageChannel();
  const flow = createTeeFlow();
  const cells = new Int32Array(flow);
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let stopped: Error | undefined;
  const fail = (error: Error): void => {
    stopped ??= error;
    // The writer thread waits for nobody any more.
    Atomics.store(cells, teeGoneCell, 1);
    Atomics.notify(cells, teeTakenCell);
    for (const request of waiting.values()) request.reject(stopped);
    waiting.clear();
  };
  worker.on('message', (reply: FromDigester) => {
    const request = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) request?.resolve(reply.result);
    else request?.reject(new Error(reply.message));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the report's digester thread ended (exit code ${code})`)));
  worker.postMessage({ op: 'start', tee: { port: channel.port2, flow }, nodeIds, limits } satisfies ToDigester, [channel.port2]);
  let nextId = 0;
  const ask = <T>(message: { op: 'series' } | { op: 'tables'; request: TablesRequest }): Promise<T> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      worker.postMessage({ ...message, id } satisfies ToDigester);
    });
  };
  let served = false;
  return {
    tee: { port: channel.port1, flow },
    series: () => ask<SeriesDigestResult | undefined>({ op: 'series' }),
    tables: (request) =>
      ask<StreamedTables>({ op: 'tables', request }).then((tables) => {
        served = true;
        return tables;
      }),
    get served() {
      return served;
    },
    async stop() {
      fail(new Error('the report\'s digester thread was stopped'));
      await worker.terminate();
    },
  };
}
