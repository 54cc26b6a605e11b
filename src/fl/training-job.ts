/**
 * One client's local training in one round, as plain data: its samples, the model it starts
 * from, the loop's settings, its random stream's name and the tensors it may train. The client
 * (client-training.ts) runs it on the simulation's thread, or a training thread has run it
 * ahead (training-pool.ts): the same inputs, the same code, the same result to the last bit.
 */
import { createRandomStreams } from '../sim/rng.ts';
import type { LocalResult, LocalTraining } from './local.ts';
import type { FlTask } from './task.ts';

export interface TrainingJob {
  /** The client's samples (indices into the task's training set). */
  readonly indices: Int32Array;
  /** The global model the client decoded from the round's chunks. */
  readonly start: Float64Array;
  readonly config: LocalTraining;
  /** The run's seed and the stream's name: `createRandomStreams(seed).stream(stream)`. */
  readonly seed: number;
  readonly stream: string;
  /** Parameter tensors the client trains, counted from the last (its SRAM's share). */
  readonly keep: number;
}

export function runTrainingJob(task: FlTask, job: TrainingJob): LocalResult {
  const params = task.params;
  params.forEach((p, k) => (p.trainable = k >= params.length - job.keep));
  try {
    return task.trainLocal(job.indices, job.start, job.config, createRandomStreams(job.seed).stream(job.stream));
  } finally {
    for (const p of params) p.trainable = true;
  }
}
