/**
 * A training thread (training-pool.ts): it builds the run's task once (the same data and
 * model, from its source), then, whenever it is free, trains the queued job needed last of
 * those it has been handed (every thread is handed every job; whoever takes a job first trains
 * it). A job that throws is marked failed: the simulation's thread trains it itself (and meets
 * the same error there).
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { taskFromSource, type FlTask, type FlTaskSource } from './task.ts';
import { runTrainingJob } from './training-job.ts';
import { failed, jobOf, onThread, queued, stateCell, trained, writeResult, type JobMessage, type ToTrainingThread } from './training-protocol.ts';

const port = parentPort!;
let source: FlTaskSource | undefined;
let task: FlTask | undefined;
/** Jobs handed over and perhaps still queued. */
let known: JobMessage[] = [];

port.on('message', (message: ToTrainingThread) => {
  take(message);
  for (;;) {
    // What came while training, then the queued job needed last.
    for (let more = receiveMessageOnPort(port); more !== undefined; more = receiveMessageOnPort(port)) take(more.message as ToTrainingThread);
    known = known.filter((job) => Atomics.load(stateCell(job.shared), 0) === queued);
    const last = known.reduce<JobMessage | undefined>((latest, job) => (latest === undefined || job.needAtMs > latest.needAtMs ? job : latest), undefined);
    if (last === undefined) return;
    known = known.filter((job) => job !== last);
    if (Atomics.compareExchange(stateCell(last.shared), 0, queued, onThread) === queued) train(last);
  }
});

function take(message: ToTrainingThread): void {
  if (message.op === 'task') source = message.source;
  else known.push(message);
}

function train(message: JobMessage): void {
  const state = stateCell(message.shared);
  let outcome = failed;
  try {
    task ??= taskFromSource(source!);
    writeResult(message.shared, runTrainingJob(task, jobOf(message)));
    outcome = trained;
  } catch {
    // The simulation's thread trains the job itself and reports what goes wrong there.
  }
  Atomics.store(state, 0, outcome);
  Atomics.notify(state, 0);
}
