/**
 * A training thread (training-pool.ts): it builds the run's task once (the same data and
 * model, from its source), then trains the jobs it is handed in their order. A job the
 * simulation's thread has already taken back is skipped; a job that throws is marked failed,
 * and the simulation's thread trains it itself (and meets the same error there).
 */
import { parentPort } from 'node:worker_threads';
import { taskFromSource, type FlTask, type FlTaskSource } from './task.ts';
import { runTrainingJob } from './training-job.ts';
import { failed, onThread, queued, stateCell, trained, writeResult, type ToTrainingThread } from './training-protocol.ts';

const port = parentPort!;
let source: FlTaskSource | undefined;
let task: FlTask | undefined;

port.on('message', (message: ToTrainingThread) => {
  if (message.op === 'task') {
    source = message.source;
    return;
  }
  const state = stateCell(message.shared);
  if (Atomics.compareExchange(state, 0, queued, onThread) !== queued) return;
  let outcome = failed;
  try {
    task ??= taskFromSource(source!);
    writeResult(message.shared, runTrainingJob(task, message.job));
    outcome = trained;
  } catch {
    // The simulation's thread trains the job itself and reports what goes wrong there.
  }
  Atomics.store(state, 0, outcome);
  Atomics.notify(state, 0);
});
