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
import { sumWork, type McuWork } from './unit-work.ts';
import type { SamplingOptions } from '../model/sample.ts';
import { boundary } from '../data/dataset.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { RandomStreamState, SavableStream } from '../sim/rng.ts';
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Int8LatentCache } from '../model/quant/units.ts';
import { copyComponents, zeroComponents, type Components } from './components.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import { newTokenRecord, type RequestRecord, type TokenRecord } from './records.ts';
import { createReference, type Reference } from './reference.ts';
import { draftModelGuesser, mtpGuesser, type Guesser, type GuesserState } from './guessers.ts';
import { recordingDraws, replayingDraws, verifyDraft, type DraftedTokens } from './speculation.ts';
import { maxPassPositions, type ModelMessage } from './wire.ts';

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

/** What the pass under way carries: its inputs, of which the first `known` are the request's tokens and the rest the draft's. */
interface Pass {
  readonly inputs: readonly number[];
  readonly known: number;
  readonly draft: DraftedTokens;
}

interface Running {
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

export function createEntry(context: InferenceContext, host: InferenceHost, ops: EntryOps): Entry {
  const { model, plan, settings } = context;
  const { scheduler } = host;
  const node = plan.entry;
  const layers = model.config.layers;
  const prompt = context.encode(settings.prompt);
  const sampling = { temperature: settings.temperature, topP: settings.topP };
  const speculative = settings.speculative;
  const draftTokens = speculative ? (speculative.tokens ?? (speculative.draft === 'mtp' ? 1 : 3)) : 0;
  function guesserFor(request: number, saved?: GuesserState): Guesser | undefined {
    if (!context.mtp && !context.draft) return undefined;
    const setup = { sampling, rng: context.rng.stream(`inference/draft/${request}`), draftWork: (p: number) => ops.draftWork(node, p), mtpWork: (p: number, head: boolean) => ops.mtpWork(node, p, head) };
    return context.mtp ? mtpGuesser(model, context.mtp, setup, saved) : draftModelGuesser(context.draft!, setup, saved);
  }
  const d = model.config.dim;
  const tokens: TokenRecord[] = [];
  const requests: RequestRecord[] = [];
  const running = new Map<number, Running>();
  const waiting: RequestRecord[] = [];
  const freeSlots = Array.from({ length: context.concurrentRequests }, (_, s) => s);
  let serial = 0;
  let entryDead = false;

  function arrive(record: RequestRecord): void {
    if (entryDead) {
      record.status = 'failed';
      record.endMs = scheduler.nowMs;
      return;
    }
    waiting.push(record);
    admit();
  }

  function admit(): void {
    while (freeSlots.length > 0 && waiting.length > 0 && !entryDead) {
      const record = waiting.shift()!;
      const slot = freeSlots.shift()!;
      record.status = 'running';
      record.admittedMs = scheduler.nowMs;
      const state: Running = {
        record,
        slot,
        ids: [boundary, ...prompt],
        position: 0,
        rng: context.rng.stream(`inference/request/${record.request}`),
        reference: createReference(model),
        current: undefined,
        pass: undefined,
        guesser: guesserFor(record.request),
      };
      running.set(record.request, state);
      startPass(state);
    }
  }

  function startPass(state: Running): void {
    const p = state.position;
    const { ids } = state;
    const drafting: McuWork[] = [];
    const room = Math.min(draftTokens + 1, model.config.context - p, maxPassPositions);
    const left = settings.maxTokens === undefined ? Number.POSITIVE_INFINITY : settings.maxTokens - state.record.generated.length - 1;
    const pass = composePass(ids, p, state.guesser, room, left, drafting);
    state.pass = pass;
    const token = newTokenRecord(serial++, state.record.request, p, ids[p]!, p + pass.known < ids.length ? 'prompt' : 'generated', scheduler.nowMs, layers, { positions: pass.inputs.length, drafted: pass.draft.tokens.length });
    ops.register(token);
    tokens.push(token);
    state.record.tokens.push(token);
    state.current = token;
    runPass(state, token, zeroComponents(), drafting);
  }

  /** The first pass of a position runs the draft before embedding; a retry embeds again. */
  function runPass(state: Running, token: TokenRecord, acc: Components, drafting: readonly McuWork[] = []): void {
    const attempt = token.attempts;
    const p = state.position;
    const request = state.record.request;
    const inputs = state.pass!.inputs;
    const work = sumWork([...drafting, ...inputs.map(() => ops.embedWork(node))]);
    ops.compute(node, work, token, acc, { type: 'embedded', request, slot: state.slot, token, acc, attempt, position: p, inputs });
    ops.later({ type: 'tokenTimeout', request, token, attempt }, scheduler.nowMs + context.tokenTimeoutMs(inputs.length));
  }

  /** The pass did not come back in time: it runs again after a backoff, or its request fails. */
  function tokenTimeout(request: number, token: TokenRecord, attempt: number): void {
    const state = running.get(request);
    if (!state || state.current !== token || token.status !== 'running' || token.attempts !== attempt) return;
    if (token.attempts > settings.retries) {
      token.status = 'failed';
      token.endMs = scheduler.nowMs;
      token.components = { ...zeroComponents(), timeoutMs: scheduler.nowMs - token.startMs };
      end(state, 'failed');
      return;
    }
    token.attempts++;
    // A random backoff, so that a frame lost to a neighbour paced by the same duty cycle is not lost again in lockstep.
    ops.later({ type: 'retryToken', request, token }, scheduler.nowMs + ops.backoffMs(node));
  }

  /**
   * The head ran on the residuals that came back: a prompt's pass goes on to the next unread
   * position; a generating pass samples (keeping the draft tokens the model confirms), is
   * checked against the reference, and emits its tokens.
   */
  function headed(request: number, token: TokenRecord, x: Int8Tensor, acc: Components): void {
    const state = running.get(request);
    if (!state || state.current !== token || token.status !== 'running') return;
    const pass = state.pass!;
    // The head runs where logits are needed: the last known position and each guess.
    const logitsAt = (i: number): Float64Array => ops.head({ ...x, data: x.data.subarray(i * d, (i + 1) * d) });
    const p = state.position;
    token.status = 'ok';
    token.endMs = scheduler.nowMs;
    token.components = copyComponents(acc);
    state.current = undefined;
    if (token.kind === 'prompt') {
      pass.inputs.forEach((id, i) => state.reference.step(id, token.candidates[i]!));
      token.output = state.ids[p + pass.inputs.length]!;
      state.position = p + pass.inputs.length;
      state.guesser?.confirmed(p, pass.inputs.length, x);
      return startPass(state);
    }
    const draws = recordingDraws(() => state.rng.next());
    const verdict = verifyDraft(pass.draft, (j) => logitsAt(pass.known - 1 + j), sampling, draws.draw)!;
    token.accepted = verdict.accepted;
    token.matchesReference = matchesReference(state.reference, pass, token, sampling, verdict.tokens, draws.draws);
    const { record } = state;
    if (Number.isNaN(record.firstTokenMs)) record.firstTokenMs = scheduler.nowMs;
    for (const output of verdict.tokens) {
      token.emitted++;
      token.output = output;
      if (output === boundary) return end(state, 'complete');
      state.ids.push(output);
      record.generated.push(output);
      if (record.generated.length >= (settings.maxTokens ?? Number.POSITIVE_INFINITY) || state.ids.length > model.config.context) return end(state, 'complete');
    }
    state.position = p + pass.known + verdict.accepted;
    state.guesser?.confirmed(p, pass.known + verdict.accepted, x);
    startPass(state);
  }

  function end(state: Running, status: 'complete' | 'failed'): void {
    const { record } = state;
    record.status = status;
    record.endMs = scheduler.nowMs;
    record.text = context.decode(record.generated);
    running.delete(record.request);
    freeSlots.push(state.slot);
    freeSlots.sort((a, b) => a - b);
    admit();
  }

  return {
    node,
    tokens,
    requests,
    get busy() {
      return running.size > 0 || waiting.length > 0 || requests.some((r) => r.status === 'waiting' && !entryDead);
    },
    start() {
      context.arrivals.forEach((atMs, request) => {
        const record: RequestRecord = { request, entry: node, arrivalMs: atMs, admittedMs: Number.NaN, firstTokenMs: Number.NaN, endMs: Number.NaN, generated: [], text: '', status: 'waiting', tokens: [] };
        requests.push(record);
        ops.later({ type: 'arrive', request }, atMs);
      });
    },
    runStep(step) {
      switch (step.type) {
        case 'arrive':
          return arrive(requests[step.request]!);
        case 'embedded': {
          const x = new Int8Array(step.inputs.length * d);
          step.inputs.forEach((id, i) => x.set(ops.embed(id, step.position + i), i * d));
          const message: ModelMessage = { kind: 'forward', request: step.request, slot: step.slot, position: step.position, layer: 0, attempt: step.attempt, positions: step.inputs.length, x };
          ops.send(node, plan.pipelines[ops.pipelineOf(step.slot)]![0]!, message, step.token, step.acc);
          return;
        }
        case 'tokenTimeout':
          return tokenTimeout(step.request, step.token, step.attempt);
        case 'retryToken': {
          const state = running.get(step.request);
          if (!state || state.current !== step.token || step.token.status !== 'running') return;
          return runPass(state, step.token, { ...zeroComponents(), timeoutMs: scheduler.nowMs - step.token.startMs });
        }
        case 'headed':
          return headed(step.request, step.token, step.x, step.acc);
      }
    },
    onResult(at, message, token, acc, x) {
      const state = running.get(message.request);
      if (at !== node || !state || state.current !== token || state.position !== message.position || message.positions !== token.positions || token.attempts !== message.attempt || token.status !== 'running') return;
      // The head at the last known position and each guess (a prompt's pass: once, as a plain pass).
      ops.compute(node, ops.headWork(node, token.kind === 'generated' ? token.drafted + 1 : 1), token, acc, { type: 'headed', request: message.request, token, message, acc, x });
    },
    checkpoint: () => ({
      tokens,
      requests,
      running: [...running.values()].map((r) => ({
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
      waiting,
      freeSlots,
      serial,
      entryDead,
    }),
    restore(state) {
      replaceArray(tokens, state.tokens);
      replaceArray(requests, state.requests);
      running.clear();
      for (const saved of state.running) {
        const rng = context.rng.stream(`inference/request/${saved.record.request}`);
        rng.restore(saved.rng);
        const guesser = guesserFor(saved.record.request, saved.guesser);
        running.set(saved.record.request, { record: saved.record, slot: saved.slot, ids: saved.ids, position: saved.position, current: saved.current, rng, reference: createReference(model, saved.caches), pass: saved.pass, guesser });
      }
      replaceArray(waiting, state.waiting);
      replaceArray(freeSlots, state.freeSlots);
      serial = state.serial;
      entryDead = state.entryDead;
    },
    nodeDied(dead) {
      if (dead !== node) return;
      entryDead = true;
      for (const state of [...running.values()]) {
        if (state.current) {
          state.current.status = 'failed';
          state.current.endMs = scheduler.nowMs;
          state.current.components = { ...zeroComponents(), timeoutMs: scheduler.nowMs - state.current.startMs };
        }
        end(state, 'failed');
      }
      for (const record of waiting.splice(0)) {
        record.status = 'failed';
        record.endMs = scheduler.nowMs;
      }
    },
  };
}

/**
 * The single-node reference reads the positions the pass made part of the text (with the
 * candidates the swarm's gates allowed there) and verifies the draft with the same draws: it
 * matches when it emits the same tokens.
 */
function matchesReference(reference: Reference, pass: Pass, token: TokenRecord, sampling: SamplingOptions, emitted: readonly number[], draws: readonly number[]): boolean {
  const logits = pass.inputs.slice(0, pass.known + token.accepted).map((id, i) => reference.step(id, token.candidates[i]!));
  const replay = replayingDraws(draws);
  const verdict = verifyDraft(pass.draft, (j) => logits[pass.known - 1 + j], sampling, replay.draw);
  return verdict !== undefined && replay.exact() && verdict.tokens.length === emitted.length && verdict.tokens.every((t, i) => t === emitted[i]);
}

/**
 * A pass at position p: plainly its token; with a guesser, the known tokens from p on (up to
 * `room` positions), then guesses where it reaches the end of them, no more than `left` (what
 * maxTokens still allows beside the model's own token). The guesser's work is added to `work`.
 */
function composePass(ids: readonly number[], p: number, guesser: Guesser | undefined, room: number, left: number, work: McuWork[]): Pass {
  if (!guesser) return { inputs: [ids[p]!], known: 1, draft: { tokens: [], probabilities: [] } };
  const inputs = ids.slice(p, p + room);
  const count = p + inputs.length === ids.length ? Math.max(0, Math.min(room - inputs.length, left)) : 0;
  const draft = guesser.guess(ids, count, work);
  return { inputs: [...inputs, ...draft.tokens], known: inputs.length, draft };
}
