/**
 * Federated clients trained ahead on other cores. A client's training is a pure function of
 * data known when its MCU starts computing (training-job.ts), and its result is needed only
 * when the MCU is done, simulated minutes later: in between, the simulation goes on. So the
 * job goes to the training threads at the start, and at the end the simulation's thread takes
 * the result, or trains the job itself if no thread has started it yet. The clients of a round
 * start together (the model's last chunk reaches them at once) and finish together: while the
 * simulation's thread waits for one, it trains the others no thread has started, those needed
 * first (the threads take those needed last), so that every core trains. A round's evaluation
 * of its new model decides nothing in the simulation: the threads do it when no training
 * waits, and the rounds are complete once read (`evaluation`).
 *
 * Nothing else changes: the thread runs the same code on the same inputs, so the result is the
 * same to the last bit (the golden results pass with and without threads); a job the thread
 * could not do is done here. Memory: each thread holds the task's data and model once.
 *
 * @example
 * const pool = createTrainingPool(task, task.source, 1);
 * pool.submit('7/1', job, doneAtMs);  // when client 7's MCU starts training in round 1
 * const result = pool.take('7/1') ?? runTrainingJob(task, job);   // when it is done
 * pool.close();
 */
import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../metrics/module-thread.ts';
import { sharedMnistDigits } from '../data/mnist.ts';
import type { LocalResult } from './local.ts';
import type { FlTask, FlTaskSource } from './task.ts';
import { runTrainingJob, type TrainingJob } from './training-job.ts';
import { done, failed, jobMemory, modelOf, onThread, queued, readEvaluation, readTrained, stateCell, takenBack, type Evaluation, type JobKind, type ToTrainingThread } from './training-protocol.ts';

/** How long the simulation waits for a thread that has a job and no result before giving up. */
const stallMs = 120_000;

export interface TrainingPool {
  /** Hands a client's training to the threads (they start with the first job); `needAtMs`: when its result will be taken. */
  submit(key: string, job: TrainingJob, needAtMs: number): void;
  /** The training's result, or undefined when this thread is to train it (no thread started it, or the thread failed). */
  take(key: string): LocalResult | undefined;
  /** Hands the evaluation of a round's new model to the threads; `closedAtMs`: when the round closed. */
  evaluate(key: string, global: Float64Array, closedAtMs: number): void;
  /** The evaluation's result: a thread's, or done here. */
  evaluation(key: string): Evaluation;
  /** Whether a thread has finished the job (its result is ready without waiting). */
  settled(key: string): boolean;
  /** Jobs whose result came from a thread, and jobs done on the simulation's thread (or left to it). */
  readonly counts: { readonly threads: number; readonly here: number };
  /** Forgets the job: its result will not be needed. */
  drop(key: string): void;
  /** Forgets every job (a checkpoint was restored). */
  clear(): void;
  /** Ends the threads. */
  close(): void;
}

interface HandedOver {
  readonly kind: JobKind;
  readonly shared: SharedArrayBuffer;
  /** A training's job, or an evaluation's model (its copy in the shared memory). */
  readonly job: TrainingJob | Float64Array;
  readonly needAtMs: number;
}

/** `task` is the simulation's own (for the jobs done here); `source` builds the same task on each thread. */
export function createTrainingPool(task: FlTask, source: FlTaskSource, threads: number): TrainingPool {
  const jobs = new Map<string, HandedOver>();
  /** Results of trainings done here while waiting for another. */
  const ready = new Map<string, LocalResult>();
  let workers: Worker[] | undefined;
  const counts = { threads: 0, here: 0 };
  const start = (): Worker[] =>
    Array.from({ length: threads }, () => {
      const worker = startModuleThread(import.meta.url, 'training-thread');
      // A thread that fails to start or dies leaves its jobs queued: they are done here.
      worker.on('error', () => undefined);
      worker.unref();
      worker.postMessage({ op: 'task', source, ...(source.kind === 'mnist' && { mnist: sharedMnistDigits() }) } satisfies ToTrainingThread);
      return worker;
    });
  const hand = (key: string, handed: HandedOver, message: ToTrainingThread): void => {
    workers ??= start();
    jobs.set(key, handed);
    for (const worker of workers) worker.postMessage(message);
  };
  const takeBack = (shared: SharedArrayBuffer): boolean => Atomics.compareExchange(stateCell(shared), 0, queued, takenBack) === queued;
  /** Trains here the queued training needed first (the threads take those needed last); false when none is queued. */
  const helpOne = (): boolean => {
    let first: string | undefined;
    let firstAtMs = Number.POSITIVE_INFINITY;
    for (const [key, { kind, shared, needAtMs }] of jobs) {
      if (kind === 'train' && needAtMs < firstAtMs && Atomics.load(stateCell(shared), 0) === queued) {
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
    ready.set(first, runTrainingJob(task, job as TrainingJob));
    return true;
  };
  /** The job's shared memory once a thread is done with it, or undefined when it is to be done here. */
  const claim = (key: string): SharedArrayBuffer | undefined => {
    const handed = jobs.get(key);
    if (handed === undefined) return undefined;
    jobs.delete(key);
    const state = stateCell(handed.shared);
    const since = Date.now();
    while (!takeBack(handed.shared) && Atomics.load(state, 0) === onThread) {
      if (helpOne()) continue;
      if (Atomics.wait(state, 0, onThread, 1000) === 'timed-out' && Date.now() - since > stallMs) {
        throw new Error(`a training thread has had one job for over ${stallMs / 1000} s without a result: it has stopped`);
      }
    }
    if (Atomics.load(state, 0) !== done) {
      counts.here++;
      return undefined;
    }
    counts.threads++;
    return handed.shared;
  };
  return {
    counts,
    submit(key, job, needAtMs) {
      const shared = jobMemory('train', job.start);
      const { start: _inSharedMemory, ...rest } = job;
      hand(key, { kind: 'train', shared, job, needAtMs }, { op: 'job', kind: 'train', shared, needAtMs, job: rest });
    },
    take(key) {
      const here = ready.get(key);
      if (here !== undefined) {
        ready.delete(key);
        return here;
      }
      const shared = claim(key);
      return shared && readTrained(shared);
    },
    evaluate(key, global, closedAtMs) {
      const shared = jobMemory('evaluate', global);
      hand(key, { kind: 'evaluate', shared, job: modelOf(shared), needAtMs: closedAtMs }, { op: 'job', kind: 'evaluate', shared, needAtMs: closedAtMs });
    },
    evaluation(key) {
      const model = jobs.get(key)?.job as Float64Array | undefined;
      if (model === undefined) throw new Error(`no evaluation ${key} was handed over`);
      const shared = claim(key);
      return shared ? readEvaluation(shared) : task.evaluate(model);
    },
    settled(key) {
      const handed = jobs.get(key);
      const state = handed && Atomics.load(stateCell(handed.shared), 0);
      return state === done || state === failed;
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
