/**
 * The entry's requests and its KV slots (entry.ts): requests arrive at their times, wait for
 * one of the `concurrentRequests` slots in arrival order, run pass after pass (token-pass.ts),
 * and give their slot back when they end; when the entry node dies every request fails.
 */
import { zeroComponents } from './components.ts';
import { createReference } from './reference.ts';
import type { RequestRecord } from './records.ts';
import { guesserFor, type EntryRun, type Running } from './entry-run.ts';
import { boundary } from '../data/dataset.ts';
import { startPass } from './token-pass.ts';

/** Every request is recorded (waiting) and its arrival scheduled. */
export function scheduleArrivals(run: EntryRun): void {
  const { context, ops, node, requests } = run;
  context.arrivals.forEach((atMs, request) => {
    const record: RequestRecord = { request, entry: node, arrivalMs: atMs, admittedMs: Number.NaN, firstTokenMs: Number.NaN, endMs: Number.NaN, generated: [], text: '', status: 'waiting', tokens: [] };
    requests.push(record);
    ops.later({ type: 'arrive', request }, atMs);
  });
}

export function arrive(run: EntryRun, record: RequestRecord): void {
  if (run.entryDead) {
    record.status = 'failed';
    record.endMs = run.host.scheduler.nowMs;
    return;
  }
  run.waiting.push(record);
  admit(run);
}

/** Waiting requests take the free slots, in order, and start their first pass. */
function admit(run: EntryRun): void {
  const { context, host, waiting, freeSlots } = run;
  while (freeSlots.length > 0 && waiting.length > 0 && !run.entryDead) {
    const record = waiting.shift()!;
    const slot = freeSlots.shift()!;
    record.status = 'running';
    record.admittedMs = host.scheduler.nowMs;
    const state: Running = {
      record,
      slot,
      ids: [boundary, ...run.prompt],
      position: 0,
      rng: context.rng.stream(`inference/request/${record.request}`),
      reference: createReference(context.model),
      current: undefined,
      pass: undefined,
      guesser: guesserFor(run, record.request),
    };
    run.running.set(record.request, state);
    startPass(run, state);
  }
}

/** The request is over: its text is decoded and its slot goes to the next waiting one. */
export function end(run: EntryRun, state: Running, status: 'complete' | 'failed'): void {
  const { record } = state;
  record.status = status;
  record.endMs = run.host.scheduler.nowMs;
  record.text = run.context.decode(record.generated);
  run.running.delete(record.request);
  run.freeSlots.push(state.slot);
  run.freeSlots.sort((a, b) => a - b);
  admit(run);
}

/** The entry node died: the passes out and the requests running or waiting fail. */
export function entryDied(run: EntryRun): void {
  const nowMs = run.host.scheduler.nowMs;
  run.entryDead = true;
  for (const state of [...run.running.values()]) {
    if (state.current) {
      state.current.status = 'failed';
      state.current.endMs = nowMs;
      state.current.components = { ...zeroComponents(), timeoutMs: nowMs - state.current.startMs };
    }
    end(run, state, 'failed');
  }
  for (const record of run.waiting.splice(0)) {
    record.status = 'failed';
    record.endMs = nowMs;
  }
}

/** Requests waiting or running, or still to arrive. */
export function entryBusy(run: EntryRun): boolean {
  return run.running.size > 0 || run.waiting.length > 0 || run.requests.some((r) => r.status === 'waiting' && !run.entryDead);
}
