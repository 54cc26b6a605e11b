/**
 * A training thread (training-pool.ts): it builds the run's task first (the same data and
 * model, from its source), taking no job meanwhile (a job taken would keep the simulation
 * waiting while MNIST loads), then, whenever it is free, does one of the queued jobs it has been
 * handed (every thread is handed every job; whoever takes a job first does it): the client's
 * training needed last, or when no training waits, the oldest round's evaluation. A job that
 * throws is marked failed, and a thread whose task fails to build takes no job: the
 * simulation's thread does them itself (and meets the same error there).
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { adoptMnistDigits } from '../data/mnist.ts';
import { taskFromSource, type FlTask } from './task.ts';
import { runTrainingJob } from './training-job.ts';
import { done, failed, modelOf, onThread, queued, stateCell, writeEvaluation, writeTrained, type JobMessage, type ToTrainingThread } from './training-protocol.ts';

const port = parentPort!;
let task: FlTask | undefined;
let broken = false;
/** Jobs handed over and perhaps still queued. */
let known: JobMessage[] = [];

port.on('message', (message: ToTrainingThread) => {
  take(message);
  if (task === undefined) return;
  for (;;) {
    // What came while busy, then the queued job needed last.
    for (let more = receiveMessageOnPort(port); more !== undefined; more = receiveMessageOnPort(port)) take(more.message as ToTrainingThread);
    known = known.filter((job) => Atomics.load(stateCell(job.shared), 0) === queued);
    const next = known.reduce<JobMessage | undefined>((best, job) => (best === undefined || before(job, best) ? job : best), undefined);
    if (next === undefined) return;
    known = known.filter((job) => job !== next);
    if (Atomics.compareExchange(stateCell(next.shared), 0, queued, onThread) === queued) run(next);
  }
});

/** Trainings before evaluations; the training needed last, the evaluation of the oldest round. */
function before(a: JobMessage, b: JobMessage): boolean {
  if (a.kind !== b.kind) return a.kind === 'train';
  return a.kind === 'train' ? a.needAtMs > b.needAtMs : a.needAtMs < b.needAtMs;
}

function take(message: ToTrainingThread): void {
  if (message.op === 'job') {
    if (!broken) known.push(message);
    return;
  }
  try {
    if (message.mnist) adoptMnistDigits(message.mnist);
    task = taskFromSource(message.source);
  } catch {
    // No task, no job taken: each is done on the simulation's thread.
    broken = true;
  }
}

function run(message: JobMessage): void {
  const state = stateCell(message.shared);
  let outcome = failed;
  try {
    const model = modelOf(message.shared);
    if (message.kind === 'train') writeTrained(message.shared, runTrainingJob(task!, { ...message.job!, start: model }));
    else writeEvaluation(message.shared, task!.evaluate(model));
    outcome = done;
  } catch {
    // The simulation's thread does the job itself and reports what goes wrong there.
  }
  Atomics.store(state, 0, outcome);
  Atomics.notify(state, 0);
}
