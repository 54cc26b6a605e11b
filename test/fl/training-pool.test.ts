/**
 * The training pool (fl/training-pool.ts): a thread trains a client to the same bits as the
 * simulation's thread; a job no thread has started is left to the simulation's thread; a
 * thread that cannot build the task leaves its jobs there too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { fullSteps } from '../../src/fl/federation.ts';
import { flatten } from '../../src/fl/vector.ts';
import { runTrainingJob, type TrainingJob } from '../../src/fl/training-job.ts';
import { createTrainingPool, type TrainingPool } from '../../src/fl/training-pool.ts';
import type { LocalResult } from '../../src/fl/local.ts';

const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets: [] });
const setup = prepareFederated(loaded.scenario, loaded.swarm);
const { task } = setup;
const start = flatten(task.params);
const jobs: TrainingJob[] = setup.clients.slice(0, 4).map((node, c) => ({
  indices: setup.partitions[c]!,
  start,
  config: { ...setup.settings.local, mu: 0, maxSteps: fullSteps(setup.partitions[c]!.length, setup.settings.local) - c },
  seed: setup.seed,
  stream: `fl/client/${node}/round/1`,
  keep: task.params.length,
}));
const here = jobs.map((job) => runTrainingJob(task, job));

const bytes = (result: LocalResult): Buffer => Buffer.concat([Buffer.from(result.delta.buffer, result.delta.byteOffset, result.delta.byteLength), Buffer.from(result.mask), Buffer.from(new Float64Array([result.samples, result.steps, result.loss]).buffer)]);

let pool: TrainingPool | undefined;
afterEach(() => pool?.close());

async function settled(open: TrainingPool, keys: readonly string[]): Promise<void> {
  const until = Date.now() + 60_000;
  while (!keys.every((key) => open.settled(key))) {
    if (Date.now() > until) throw new Error('the training threads did not settle within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('training pool', () => {
  it('trains on its threads to the same bits as here', async () => {
    pool = createTrainingPool(task, task.source!, 2);
    jobs.forEach((job, i) => pool!.submit(`job${i}`, job, i));
    await settled(pool, jobs.map((_, i) => `job${i}`));
    const results = jobs.map((_, i) => pool!.take(`job${i}`));
    expect(pool.counts).toEqual({ threads: 4, here: 0 });
    results.forEach((result, i) => expect(bytes(result!).equals(bytes(here[i]!)), `job ${i}`).toBe(true));
    // Straggler budgets: the last job stopped three steps short.
    expect(results.map((result) => result!.steps)).toEqual(here.map((result) => result.steps));
    expect(new Set(results.map((result) => result!.steps)).size).toBe(4);
    // A job taken is forgotten.
    expect(pool.take('job0')).toBeUndefined();
  });

  it('evaluates a round\'s model on a thread to the same figures as here, and here when no thread has started', async () => {
    const expected = task.evaluate(here[0]!.delta.map((d, i) => start[i]! + d));
    const global = here[0]!.delta.map((d, i) => start[i]! + d);
    pool = createTrainingPool(task, task.source!, 1);
    pool.evaluate('first', global, 0);
    // Not started yet: done here, from the model as handed over (the caller's array may change after).
    global.fill(0);
    expect(pool.evaluation('first')).toEqual({ loss: expected.loss, accuracy: expected.accuracy });
    pool.evaluate('second', here[0]!.delta.map((d, i) => start[i]! + d), 1);
    await settled(pool, ['second']);
    expect(pool.evaluation('second')).toEqual({ loss: expected.loss, accuracy: expected.accuracy });
    expect(pool.counts).toEqual({ threads: 1, here: 1 });
    expect(() => pool!.evaluation('second')).toThrow('no evaluation second was handed over');
  });

  it('leaves to the simulation\'s thread a job no thread has started', () => {
    pool = createTrainingPool(task, task.source!, 1);
    // The thread is still starting: the job is taken back at once.
    pool.submit('first', jobs[0]!, 0);
    expect(pool.take('first')).toBeUndefined();
    expect(pool.counts).toEqual({ threads: 0, here: 1 });
  });

  it('leaves its jobs to the simulation\'s thread when a thread cannot build the task', async () => {
    // A seed the random streams refuse: the thread's task fails to build, and it takes no job.
    pool = createTrainingPool(task, { kind: 'mnist', seed: -1, model: 'logistic', hidden: 0 }, 1);
    pool.submit('job', jobs[0]!, 0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(pool.settled('job')).toBe(false);
    expect(pool.take('job')).toBeUndefined();
    expect(pool.counts).toEqual({ threads: 0, here: 1 });
  });

  it('leaves to the simulation\'s thread a job that fails on its thread', async () => {
    pool = createTrainingPool(task, task.source!, 1);
    // A start model of the wrong size: its result does not fit the job's memory.
    pool.submit('bad', { ...jobs[0]!, start: start.subarray(1) }, 0);
    await settled(pool, ['bad']);
    expect(pool.take('bad')).toBeUndefined();
    expect(pool.counts).toEqual({ threads: 0, here: 1 });
  });
});
