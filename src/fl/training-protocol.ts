/**
 * What the simulation's thread and a training thread share about one job (training-pool.ts,
 * training-thread.ts): a SharedArrayBuffer per job holding its state, which whoever takes the
 * job first sets with a compare-and-swap, its model, and the result the thread writes:
 *
 *   Int32 state | Int32 P | Float64 r0, r1, r2 | Float64 model[P] | (training: Float64 delta[P] | Uint8 mask[P])
 *
 * A training's results are the samples, steps and loss, an evaluation's the loss and the
 * accuracy. Every thread is handed every job: each, when free, takes the queued training
 * needed last, while the simulation's thread trains those needed first; evaluations are
 * needed only when the rounds are read, and the threads do them when no training waits.
 */
import type { LocalResult } from './local.ts';
import type { FlTaskSource } from './task.ts';
import type { TrainingJob } from './training-job.ts';

/** A job's states: waiting for a thread; a thread has it; done; the thread failed; the simulation's thread took it back. */
export const queued = 0;
export const onThread = 1;
export const done = 2;
export const failed = 3;
export const takenBack = 4;

const resultsAt = 8;
const modelAt = 32;

/** What a job asks: a client's training, or the validation of a round's global model. */
export type JobKind = 'train' | 'evaluate';

/** A job as handed to the threads: its model is in its shared memory. */
export interface JobMessage {
  readonly op: 'job';
  readonly kind: JobKind;
  readonly shared: SharedArrayBuffer;
  /** A training: when the simulation will need its result (the client's MCU done), ms; an evaluation: when its round closed. */
  readonly needAtMs: number;
  /** A training's job, but its start model. */
  readonly job?: Omit<TrainingJob, 'start'>;
}

/** The task to build, and for MNIST the digits in shared memory (the thread does not parse them again). */
export interface TaskMessage {
  readonly op: 'task';
  readonly source: FlTaskSource;
  readonly mnist?: { readonly features: Float32Array; readonly labels: Uint8Array };
}

export type ToTrainingThread = TaskMessage | JobMessage;

/** The validation of a model (FlTask.evaluate's figures the rounds keep). */
export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/** The shared memory of a job on `model` (a training's start model, an evaluation's global model), the model written in. */
export function jobMemory(kind: JobKind, model: Float64Array): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(modelAt + (kind === 'train' ? 17 : 8) * model.length);
  new Int32Array(shared, 0, 2)[1] = model.length;
  parts(shared).model.set(model);
  return shared;
}

export function stateCell(shared: SharedArrayBuffer): Int32Array {
  return new Int32Array(shared, 0, 1);
}

/** The job's model, read in place. */
export function modelOf(shared: SharedArrayBuffer): Float64Array {
  return parts(shared).model;
}

function parts(shared: SharedArrayBuffer): { results: Float64Array; model: Float64Array; delta: Float64Array; mask: Uint8Array } {
  const params = new Int32Array(shared, 0, 2)[1]!;
  const training = shared.byteLength > modelAt + 8 * params;
  return {
    results: new Float64Array(shared, resultsAt, 3),
    model: new Float64Array(shared, modelAt, params),
    // An evaluation has no delta nor mask: empty views at the end of its memory.
    delta: new Float64Array(shared, modelAt + 8 * params, training ? params : 0),
    mask: new Uint8Array(shared, training ? modelAt + 16 * params : shared.byteLength, training ? params : 0),
  };
}

export function writeTrained(shared: SharedArrayBuffer, result: LocalResult): void {
  const { results, delta, mask } = parts(shared);
  if (result.delta.length !== delta.length || result.mask.length !== mask.length) throw new RangeError(`the job's model has ${delta.length} values, its training returned ${result.delta.length}`);
  results[0] = result.samples;
  results[1] = result.steps;
  results[2] = result.loss;
  delta.set(result.delta);
  mask.set(result.mask);
}

/** The training a thread wrote, copied out of the shared memory. */
export function readTrained(shared: SharedArrayBuffer): LocalResult {
  const { results, delta, mask } = parts(shared);
  return { samples: results[0]!, steps: results[1]!, loss: results[2]!, delta: delta.slice(), mask: mask.slice() };
}

export function writeEvaluation(shared: SharedArrayBuffer, evaluation: Evaluation): void {
  const { results } = parts(shared);
  results[0] = evaluation.loss;
  results[1] = evaluation.accuracy;
}

export function readEvaluation(shared: SharedArrayBuffer): Evaluation {
  const { results } = parts(shared);
  return { loss: results[0]!, accuracy: results[1]! };
}
