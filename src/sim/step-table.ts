/**
 * What a part of the simulation does next, kept as data so that a checkpoint can hold it
 * (checkpoint-state.ts): each step is a record in a table, run by one integer event kind at its
 * time, or handed to a computation as its continuation (`later` without a time).
 */
import { replaceMap, type Checkpointable } from './checkpoint-state.ts';
import type { Continuation, Scheduler } from './scheduler.ts';

export interface StepTableState<Step> {
  readonly steps: Map<number, Step>;
  readonly nextId: number;
}

export interface StepTable<Step> extends Checkpointable<StepTableState<Step>> {
  /** Keeps `step`; at `atMs` it runs as an event, or (no time) when the returned continuation is invoked. */
  later(step: Step, atMs?: number): Continuation;
}

/** Registers its event kind with `scheduler` now: create it where the kind's place in the order of kinds belongs. */
export function createStepTable<Step>(scheduler: Scheduler, run: (step: Step) => void): StepTable<Step> {
  const steps = new Map<number, Step>();
  let nextId = 0;
  const kind = scheduler.kind((id) => {
    const step = steps.get(id)!;
    steps.delete(id);
    run(step);
  });
  return {
    later(step, atMs) {
      const id = nextId++;
      steps.set(id, step);
      if (atMs !== undefined) scheduler.atKind(atMs, kind, id);
      return { kind, arg: id };
    },
    checkpoint: () => ({ steps, nextId }),
    restore(state) {
      replaceMap(steps, state.steps);
      nextId = state.nextId;
    },
  };
}
