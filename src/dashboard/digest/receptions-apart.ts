/**
 * receptions.csv digested on a thread of its own while the report's thread reads series.csv
 * and frames.csv: the largest files of a run, read at once on two cores. The digest is the same one
 * (receptions-digest.ts), so the report is the same byte for byte. A 10,000-node day's report
 * is read in ~0.5 s instead of ~0.85 s (docs/explanation/performance.md). Worth it from a few
 * megabytes on: starting the thread costs ~40 ms of the other core from the bundle (~0.3 s
 * through tsx), started before nodes.csv is read so that it is ready by then.
 *
 * @example
 * const apart = startReceptionsApart();
 * // …read nodes.csv, then:
 * const digesting = apart.digest({ path, ids, limit, … });
 * // …read series.csv, which gives the time bins, then:
 * const { result, problem } = await digesting.result(bins);
 */
import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../../metrics/module-thread.ts';
import type { TimeBins } from '../views/time-bins.ts';
import type { ReceptionsDigestOptions, ReceptionsDigestResult } from './receptions-digest.ts';

/** receptions.csv files from this size on are digested apart (bytes as stored, gzip or not). */
export const apartFromBytes = 8 << 20;

/** What the thread is asked: the digest's options, with the node ids as a list. */
export type ReceptionsJob = ReceptionsDigestOptions & { readonly path: string; readonly ids: readonly string[]; readonly xs: readonly number[]; readonly ys: readonly number[] };

export type ReceptionsReply = { readonly ok: true; readonly result: ReceptionsDigestResult; readonly problem: string | undefined } | { readonly ok: false; readonly message: string; readonly code?: string };

export interface ReceptionsDigesting {
  /** The digest over `bins`; rejects as reading the file here would (an error with the read's message and code). */
  result(bins: TimeBins): Promise<{ result: ReceptionsDigestResult; problem: string | undefined }>;
}

export interface ReceptionsApart {
  /** Starts reading the file. */
  digest(job: ReceptionsJob): ReceptionsDigesting;
  /** Ends the thread unused. */
  stop(): void;
}

export function startReceptionsApart(): ReceptionsApart {
  const worker: Worker = startModuleThread(import.meta.url, 'receptions-digest-thread');
  const replied = new Promise<ReceptionsReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the receptions digest's thread ended (exit code ${code}) before it replied`)));
  });
  // Unused (the thread is stopped), a rejection is no one's business.
  replied.catch(() => undefined);
  return {
    digest(job) {
      worker.postMessage(job);
      return {
        async result(bins) {
          worker.postMessage(bins);
          const reply = await replied;
          if (reply.ok) return { result: reply.result, problem: reply.problem };
          throw Object.assign(new Error(reply.message), reply.code !== undefined && { code: reply.code });
        },
      };
    },
    stop() {
      void worker.terminate();
    },
  };
}
