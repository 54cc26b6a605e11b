/**
 * What the simulation's thread and a training thread share about one job (training-pool.ts,
 * training-thread.ts): a SharedArrayBuffer per job holding its state, which whoever takes the
 * job first sets with a compare-and-swap, and the result the thread writes:
 *
 *   Int32 state | (pad) | Float64 samples, steps, loss | Float64 start[P] | Float64 delta[P] | Uint8 mask[P]
 *
 * Every thread is handed every job: each, when free, takes the queued job needed last (its
 * MCU done latest), while the simulation's thread trains those needed first.
 */
import type { LocalResult } from './local.ts';
import type { FlTaskSource } from './task.ts';
import type { TrainingJob } from './training-job.ts';

/** A job's states: waiting for a thread; a thread trains it; trained; the thread failed; the simulation's thread took it back. */
export const queued = 0;
export const onThread = 1;
export const trained = 2;
export const failed = 3;
export const takenBack = 4;

const resultsAt = 8;
const startAt = 32;

/** A job as handed to the threads: its model to start from is in its shared memory. */
export interface JobMessage {
  readonly op: 'job';
  readonly shared: SharedArrayBuffer;
  /** When the simulation will need the result (the client's MCU done), ms. */
  readonly needAtMs: number;
  readonly job: Omit<TrainingJob, 'start'>;
}

export type ToTrainingThread = { readonly op: 'task'; readonly source: FlTaskSource } | JobMessage;

/** The shared memory of `job`, its start model written in. */
export function jobMemory(job: TrainingJob): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(startAt + 17 * job.start.length);
  parts(shared).start.set(job.start);
  return shared;
}

export function stateCell(shared: SharedArrayBuffer): Int32Array {
  return new Int32Array(shared, 0, 1);
}

/** The job a thread trains: the message's, with the start model read in place. */
export function jobOf(message: JobMessage): TrainingJob {
  return { ...message.job, start: parts(message.shared).start };
}

function parts(shared: SharedArrayBuffer): { results: Float64Array; start: Float64Array; delta: Float64Array; mask: Uint8Array } {
  const params = (shared.byteLength - startAt) / 17;
  return {
    results: new Float64Array(shared, resultsAt, 3),
    start: new Float64Array(shared, startAt, params),
    delta: new Float64Array(shared, startAt + 8 * params, params),
    mask: new Uint8Array(shared, startAt + 16 * params, params),
  };
}

export function writeResult(shared: SharedArrayBuffer, result: LocalResult): void {
  const { results, delta, mask } = parts(shared);
  if (result.delta.length !== delta.length || result.mask.length !== mask.length) throw new RangeError(`the job's model has ${delta.length} values, its training returned ${result.delta.length}`);
  results[0] = result.samples;
  results[1] = result.steps;
  results[2] = result.loss;
  delta.set(result.delta);
  mask.set(result.mask);
}

/** The result a thread wrote, copied out of the shared memory. */
export function readResult(shared: SharedArrayBuffer): LocalResult {
  const { results, delta, mask } = parts(shared);
  return { samples: results[0]!, steps: results[1]!, loss: results[2]!, delta: delta.slice(), mask: mask.slice() };
}
