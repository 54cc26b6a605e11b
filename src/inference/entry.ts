/**
 * The entry node's part of swarm inference: requests arrive, wait for one of the
 * `concurrentRequests` KV slots, and run token pass after token pass: embed, send into layer 0,
 * and when the residual comes back, run the head and sample (a prompt's passes emit its next
 * character instead). Each finished pass is checked against the single-node reference.
 *
 * With speculative decoding (inference.speculative) a pass carries several positions: its
 * input, the prompt characters after it, and the tokens the draft model guesses after those;
 * the head runs at each, and the entry keeps what the model confirms (speculation.ts).
 */
import type { McuWork } from './unit-work.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { RandomStreamState } from '../sim/rng.ts';
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { Int8LatentCache } from '../model/quant/units.ts';
import type { Components } from './components.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import type { RequestRecord, TokenRecord } from './records.ts';
import type { GuesserState } from './guessers.ts';
import type { ModelMessage } from './wire.ts';
import { checkpointEntry, restoreEntry } from './entry-checkpoint.ts';
import { headed, onResult } from './entry-head.ts';
import { createEntryRun, type EntryRun, type Pass } from './entry-run.ts';
import { retryToken, tokenTimeout } from './pass-timeout.ts';
import { arrive, entryBusy, entryDied, scheduleArrivals } from './request-slots.ts';
import { embedded } from './token-pass.ts';

/**
 * What the entry does next, as data (a checkpoint holds it; `later` schedules it): a request
 * arrives, a pass's embedding is done, a pass timed out, a pass is run again after its backoff,
 * the head is done. A request is named by its number: the entry runs it once.
 */
export type EntryStep =
  | { readonly type: 'arrive'; readonly request: number }
  | { readonly type: 'embedded'; readonly request: number; readonly slot: number; readonly token: TokenRecord; readonly acc: Components; readonly attempt: number; readonly position: number; readonly inputs: readonly number[] }
  | { readonly type: 'tokenTimeout'; readonly request: number; readonly token: TokenRecord; readonly attempt: number }
  | { readonly type: 'retryToken'; readonly request: number; readonly token: TokenRecord }
  | { readonly type: 'headed'; readonly request: number; readonly token: TokenRecord; readonly message: Extract<ModelMessage, { kind: 'forward' }>; readonly acc: Components; readonly x: Int8Tensor };

export const entryStepTypes: ReadonlySet<string> = new Set(['arrive', 'embedded', 'tokenTimeout', 'retryToken', 'headed']);

/** The entry's state (a checkpoint: checkpoint-state.ts). */
export interface EntryState {
  readonly tokens: TokenRecord[];
  readonly requests: RequestRecord[];
  readonly running: readonly {
    record: RequestRecord;
    slot: number;
    ids: number[];
    position: number;
    current: TokenRecord | undefined;
    rng: RandomStreamState;
    caches: readonly Int8LatentCache[];
    pass: Pass | undefined;
    guesser: GuesserState | undefined;
  }[];
  readonly waiting: RequestRecord[];
  readonly freeSlots: number[];
  readonly serial: number;
  readonly entryDead: boolean;
}

export interface EntryOps {
  compute(node: number, work: McuWork, token: TokenRecord, acc: Components, then: EntryStep): void;
  /** Schedules a step at `atMs`. */
  later(step: EntryStep, atMs: number): void;
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  embed(id: number, position: number): Int8Array;
  head(x: Int8Tensor): Float64Array;
  /** The head on `count` positions (its weights read once). */
  headWork(node: number, count: number): McuWork;
  embedWork(node: number): McuWork;
  /** One step of the draft model at `position` on the entry's MCU (speculative decoding). */
  draftWork(node: number, position: number): McuWork;
  /** One step of the MTP module at `position`, with its head's logits or not. */
  mtpWork(node: number, position: number, head: boolean): McuWork;
  register(token: TokenRecord): void;
  /** Brings the record's figures and the gates' choices up to date from the nodes' parts (token-books.ts). */
  settle(token: TokenRecord): void;
  /** A seeded random backoff before a retry from `node`. */
  backoffMs(node: number): number;
  /** The pipeline a KV slot's passes run on (plan.pipelines). */
  pipelineOf(slot: number): number;
}

export interface Entry extends Checkpointable<EntryState> {
  readonly node: number;
  runStep(step: EntryStep): void;
  start(): void;
  onResult(node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components, x: Int8Tensor): void;
  nodeDied(node: number): void;
  /** Requests waiting or running, or still to arrive. */
  readonly busy: boolean;
  readonly tokens: readonly TokenRecord[];
  readonly requests: readonly RequestRecord[];
}

/** The entry's parts are module functions over its state (entry-run.ts). */
export function createEntry(context: InferenceContext, host: InferenceHost, ops: EntryOps): Entry {
  const run = createEntryRun(context, host, ops);
  return {
    node: run.node,
    tokens: run.tokens,
    requests: run.requests,
    get busy() {
      return entryBusy(run);
    },
    start: () => scheduleArrivals(run),
    runStep: (step) => runEntryStep(run, step),
    onResult: (at, message, token, acc, x) => onResult(run, at, message, token, acc, x),
    checkpoint: () => checkpointEntry(run),
    restore: (state) => restoreEntry(run, state),
    nodeDied(dead) {
      if (dead === run.node) entryDied(run);
    },
  };
}

function runEntryStep(run: EntryRun, step: EntryStep): void {
  switch (step.type) {
    case 'arrive':
      return arrive(run, run.requests[step.request]!);
    case 'embedded':
      return embedded(run, step);
    case 'tokenTimeout':
      return tokenTimeout(run, step.request, step.token, step.attempt);
    case 'retryToken':
      return retryToken(run, step.request, step.token);
    case 'headed':
      return headed(run, step.request, step.token, step.x, step.acc);
  }
}
