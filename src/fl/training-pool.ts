/**
 * Federated clients trained ahead on other cores. A client's training is a pure function of
 * data known when its MCU starts computing (training-job.ts), and its result is needed only
 * when the MCU is done, simulated minutes later: in between, the simulation goes on. So the
 * job goes to a training thread at the start, and at the end the simulation's thread takes
 * the result, or trains the job itself if no thread has started it yet. The clients of a round
 * start together (the model's last chunk reaches them at once) and finish together: while the
 * simulation's thread waits for one, it trains the others no thread has started, from the
 * last handed over (the threads take them from the first), so that every core trains.
 *
 * Nothing else changes: the thread runs the same code on the same inputs, so the result is the
 * same to the last bit (the golden results pass with and without threads); a job the thread
 * could not train is trained here. Memory: each thread holds the task's data and model once.
 *
 * @example
 * const pool = createTrainingPool(task, task.source, 1);
 * pool.submit('7/1', job, doneAtMs);  // when client 7's MCU starts training in round 1
 * const result = pool.take('7/1') ?? runTrainingJob(task, job);   // when it is done
 * pool.close();
 */
import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../metrics/module-thread.ts';
import type { LocalResult } from './local.ts';
import type { FlTask, FlTaskSource } from './task.ts';
import { runTrainingJob, type TrainingJob } from './training-job.ts';
import { failed, jobMemory, onThread, queued, readResult, stateCell, takenBack, trained, type ToTrainingThread } from './training-protocol.ts';

/** How long the simulation waits for a thread that has a job and no result before giving up. */
const stallMs = 600_000;

export interface TrainingPool {
  /** Hands the job to the threads (they start with the first job); `needAtMs`: when its result will be taken. */
  submit(key: string, job: TrainingJob, needAtMs: number): void;
  /** The job's result, or undefined when this thread is to train it (no thread started it, or the thread failed). */
  take(key: string): LocalResult | undefined;
  /** Whether a thread has finished the job (its result is ready without waiting). */
  settled(key: string): boolean;
  /** Jobs whose result came from a thread, and jobs trained on the simulation's thread (or left to it). */
  readonly counts: { readonly threads: number; readonly here: number };
  /** Forgets the job: its result will not be needed. */
  drop(key: string): void;
  /** Forgets every job (a checkpoint was restored). */
  clear(): void;
  /** Ends the threads. */
  close(): void;
}

interface HandedOver {
  readonly shared: SharedArrayBuffer;
  readonly job: TrainingJob;
  readonly needAtMs: number;
}

/** `task` is the simulation's own (for the jobs it trains here); `source` builds the same task on each thread. */
export function createTrainingPool(task: FlTask, source: FlTaskSource, threads: number): TrainingPool {
  const jobs = new Map<string, HandedOver>();
  /** Results of jobs trained here while waiting for another. */
  const ready = new Map<string, LocalResult>();
  let workers: Worker[] | undefined;
  const counts = { threads: 0, here: 0 };
  const start = (): Worker[] =>
    Array.from({ length: threads }, () => {
      const worker = startModuleThread(import.meta.url, 'training-thread');
      // A thread that fails to start or dies leaves its jobs queued: they are trained here.
      worker.on('error', () => undefined);
      worker.unref();
      worker.postMessage({ op: 'task', source } satisfies ToTrainingThread);
      return worker;
    });
  const takeBack = (shared: SharedArrayBuffer): boolean => Atomics.compareExchange(stateCell(shared), 0, queued, takenBack) === queued;
  /** Trains here the queued job needed first (the threads take those needed last); false when none is queued. */
  const helpOne = (): boolean => {
    let first: string | undefined;
    let firstAtMs = Number.POSITIVE_INFINITY;
    for (const [key, { shared, needAtMs }] of jobs) {
      if (needAtMs < firstAtMs && Atomics.load(stateCell(shared), 0) === queued) {
        first = key;
        firstAtMs = needAtMs;
      }
    }
    if (first === undefined) return false;
    const { shared, job } = jobs.get(first)!;
    // A thread may have taken it in between: look again.
    if (!takeBack(shared)) return true;
    jobs.delete(first);
    counts.here++;
    ready.set(first, runTrainingJob(task, job));
    return true;
  };
  return {
    counts,
    submit(key, job, needAtMs) {
      workers ??= start();
      const shared = jobMemory(job);
      jobs.set(key, { shared, job, needAtMs });
      const { start: _inSharedMemory, ...rest } = job;
      for (const worker of workers) worker.postMessage({ op: 'job', shared, needAtMs, job: rest } satisfies ToTrainingThread);
    },
    take(key) {
      const here = ready.get(key);
      if (here !== undefined) {
        ready.delete(key);
        return here;
      }
      const handed = jobs.get(key);
      if (handed === undefined) return undefined;
      jobs.delete(key);
      if (takeBack(handed.shared)) {
        counts.here++;
        return undefined;
      }
      const state = stateCell(handed.shared);
      const since = Date.now();
      while (Atomics.load(state, 0) === onThread) {
        if (helpOne()) continue;
        if (Atomics.wait(state, 0, onThread, 1000) === 'timed-out' && Date.now() - since > stallMs) {
          throw new Error(`a training thread has trained one client for over ${stallMs / 1000} s without a result: it has stopped`);
        }
      }
      if (Atomics.load(state, 0) === failed) {
        counts.here++;
        return undefined;
      }
      counts.threads++;
      return readResult(handed.shared);
    },
    settled(key) {
      const handed = jobs.get(key);
      const state = handed && Atomics.load(stateCell(handed.shared), 0);
      return state === trained || state === failed;
    },
    drop(key) {
      const handed = jobs.get(key);
      if (handed !== undefined) takeBack(handed.shared);
      jobs.delete(key);
      ready.delete(key);
    },
    clear() {
      for (const { shared } of jobs.values()) takeBack(shared);
      jobs.clear();
      ready.clear();
    },
    close() {
      this.clear();
      for (const worker of workers ?? []) void worker.terminate();
      workers = undefined;
    },
  };
}
