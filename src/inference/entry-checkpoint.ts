/**
 * The entry's state as a checkpoint holds it (entry.ts, checkpoint-state.ts): the running
 * requests' streams and guessers are saved as their states and rebuilt on restore, their
 * references from the saved caches.
 */
import { replaceArray } from '../sim/checkpoint-state.ts';
import type { EntryState } from './entry.ts';
import { guesserFor, type EntryRun } from './entry-run.ts';
import { createReference } from './reference.ts';

export function checkpointEntry(run: EntryRun): EntryState {
  return {
    tokens: run.tokens,
    requests: run.requests,
    running: [...run.running.values()].map((r) => ({
      record: r.record,
      slot: r.slot,
      ids: r.ids,
      position: r.position,
      current: r.current,
      rng: r.rng.checkpoint(),
      caches: r.reference.caches,
      pass: r.pass,
      guesser: r.guesser?.checkpoint(),
    })),
    waiting: run.waiting,
    freeSlots: run.freeSlots,
    serial: run.serial,
    entryDead: run.entryDead,
  };
}

export function restoreEntry(run: EntryRun, state: EntryState): void {
  const { context } = run;
  replaceArray(run.tokens, state.tokens);
  replaceArray(run.requests, state.requests);
  run.running.clear();
  for (const saved of state.running) {
    const rng = context.rng.stream(`inference/request/${saved.record.request}`);
    rng.restore(saved.rng);
    const guesser = guesserFor(run, saved.record.request, saved.guesser);
    run.running.set(saved.record.request, { record: saved.record, slot: saved.slot, ids: saved.ids, position: saved.position, current: saved.current, rng, reference: createReference(context.model, saved.caches), pass: saved.pass, guesser });
  }
  replaceArray(run.waiting, state.waiting);
  replaceArray(run.freeSlots, state.freeSlots);
  run.serial = state.serial;
  run.entryDead = state.entryDead;
}
