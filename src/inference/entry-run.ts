/**
 * The entry's explicit state (entry.ts): what it reads (the context, the host, its operations,
 * the prompt and sampling settings) and what it keeps (tokens, requests, the running ones with
 * their KV slots, the waiting queue, the free slots, the token serial: a checkpoint holds these,
 * entry-checkpoint.ts). The parts are module functions over it: request-slots.ts,
 * token-pass.ts, pass-timeout.ts, entry-head.ts.
 */
import type { SamplingOptions } from '../model/sample.ts';
import type { SavableStream } from '../sim/rng.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import type { EntryOps } from './entry.ts';
import { draftModelGuesser, mtpGuesser, type Guesser, type GuesserState } from './guessers.ts';
import type { RequestRecord, TokenRecord } from './records.ts';
import type { Reference } from './reference.ts';
import type { DraftedTokens } from './speculation.ts';

/** What the pass under way carries: its inputs, of which the first `known` are the request's tokens and the rest the draft's. */
export interface Pass {
  readonly inputs: readonly number[];
  readonly known: number;
  readonly draft: DraftedTokens;
}

/** A request holding a KV slot. */
export interface Running {
  readonly record: RequestRecord;
  readonly slot: number;
  /** Boundary, prompt, then the generated tokens. */
  readonly ids: number[];
  position: number;
  readonly rng: SavableStream;
  readonly reference: Reference;
  current: TokenRecord | undefined;
  pass: Pass | undefined;
  /** Who guesses the next tokens (speculative decoding). */
  readonly guesser: Guesser | undefined;
}

export interface EntryRun {
  readonly context: InferenceContext;
  readonly host: InferenceHost;
  readonly ops: EntryOps;
  /** The entry node. */
  readonly node: number;
  readonly prompt: readonly number[];
  readonly sampling: SamplingOptions;
  /** Tokens the draft guesses per pass (0: no speculative decoding). */
  readonly draftTokens: number;
  readonly tokens: TokenRecord[];
  readonly requests: RequestRecord[];
  readonly running: Map<number, Running>;
  readonly waiting: RequestRecord[];
  readonly freeSlots: number[];
  serial: number;
  entryDead: boolean;
}

export function createEntryRun(context: InferenceContext, host: InferenceHost, ops: EntryOps): EntryRun {
  const { plan, settings } = context;
  const speculative = settings.speculative;
  return {
    context,
    host,
    ops,
    node: plan.entry,
    prompt: context.encode(settings.prompt),
    sampling: { temperature: settings.temperature, topP: settings.topP },
    draftTokens: speculative ? (speculative.tokens ?? (speculative.draft === 'mtp' ? 1 : 3)) : 0,
    tokens: [],
    requests: [],
    running: new Map(),
    waiting: [],
    freeSlots: Array.from({ length: context.concurrentRequests }, (_, s) => s),
    serial: 0,
    entryDead: false,
  };
}

/** A request's guesser (speculative decoding: the draft model or the MTP module), new or from its saved state; none without speculation. */
export function guesserFor(run: EntryRun, request: number, saved?: GuesserState): Guesser | undefined {
  const { context, ops, node, sampling } = run;
  if (!context.mtp && !context.draft) return undefined;
  const setup = { sampling, rng: context.rng.stream(`inference/draft/${request}`), draftWork: (p: number) => ops.draftWork(node, p), mtpWork: (p: number, head: boolean) => ops.mtpWork(node, p, head) };
  return context.mtp ? mtpGuesser(context.model, context.mtp, setup, saved) : draftModelGuesser(context.draft!, setup, saved);
}
