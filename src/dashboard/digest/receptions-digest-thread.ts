/**
 * The thread that digests receptions.csv while the report's own thread reads series.csv and
 * frames.csv (receptions-apart.ts starts it and says why). It takes one job, reads the file
 * with the same digest the report's thread would use, waits for the time bins, replies with
 * the result and ends.
 */
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { readCsv } from '../read/csv-stream.ts';
import { createIdIndex } from '../read/id-index.ts';
import type { TimeBins } from '../views/time-bins.ts';
import { createReceptionsDigest } from './receptions-digest.ts';
import type { ReceptionsJob, ReceptionsReply } from './receptions-apart.ts';

const port = parentPort!;

port.once('message', (job: ReceptionsJob) => {
  void digest(job)
    .then((reply) => port.postMessage(reply))
    .finally(() => port.close());
});

async function digest(job: ReceptionsJob): Promise<ReceptionsReply> {
  const { path, ids, xs, ys, ...options } = job;
  const receptions = createReceptionsDigest(options);
  // Listening before the read: the bins may come while it goes on.
  const binned = once(port, 'message') as Promise<[TimeBins]>;
  try {
    const read = await readCsv(path, receptions);
    const [bins] = await binned;
    return { ok: true, problem: read.problem, result: receptions.result(bins, { ids: createIdIndex(ids), xs, ys }) };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    return { ok: false, message: failure.message, ...(failure.code !== undefined && { code: failure.code }) };
  }
}
