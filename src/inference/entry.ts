/**
 * The entry node's part of swarm inference: requests arrive, wait for one of the
 * `concurrentRequests` KV slots, and run token pass after token pass: embed, send into layer 0,
 * and when the residual comes back, run the head and sample (a prompt's passes emit its next
 * character instead). Each finished pass is checked against the single-node reference.
 */
import { boundary } from '../data/dataset.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import { sampleToken } from '../model/sample.ts';
import type { RandomStream } from '../sim/rng.ts';
import { copyComponents, zeroComponents, type Components } from './components.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import { newTokenRecord, type RequestRecord, type TokenRecord } from './records.ts';
import { createReference, replayDraw, type Reference } from './reference.ts';
import type { ModelMessage } from './wire.ts';

export interface EntryOps {
  compute(node: number, ms: number, token: TokenRecord, acc: Components, then: () => void): void;
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  embed(id: number, position: number): Int8Array;
  head(x: Int8Tensor): Float64Array;
  headMs(node: number): number;
  embedMs(node: number): number;
  register(token: TokenRecord): void;
  /** A seeded random backoff before a retry from `node`. */
  backoffMs(node: number): number;
}

export interface Entry {
  readonly node: number;
  start(): void;
  onResult(node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components, x: Int8Tensor): void;
  nodeDied(node: number): void;
  /** Requests waiting or running, or still to arrive. */
  readonly busy: boolean;
  readonly tokens: readonly TokenRecord[];
  readonly requests: readonly RequestRecord[];
}

interface Running {
  readonly record: RequestRecord;
  readonly slot: number;
  /** Boundary, prompt, then the generated tokens. */
  readonly ids: number[];
  position: number;
  readonly rng: RandomStream;
  readonly reference: Reference;
  current: TokenRecord | undefined;
}

export function createEntry(context: InferenceContext, host: InferenceHost, ops: EntryOps): Entry {
  const { model, plan, settings } = context;
  const { scheduler } = host;
  const node = plan.entry;
  const layers = model.config.layers;
  const prompt = context.encode(settings.prompt);
  const sampling = { temperature: settings.temperature, topP: settings.topP };
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
      };
      running.set(record.request, state);
      startPass(state);
    }
  }

  function startPass(state: Running): void {
    const p = state.position;
    const token = newTokenRecord(serial++, state.record.request, p, state.ids[p]!, p + 1 < state.ids.length ? 'prompt' : 'generated', scheduler.nowMs, layers);
    ops.register(token);
    tokens.push(token);
    state.record.tokens.push(token);
    state.current = token;
    runPass(state, token, zeroComponents());
  }

  function runPass(state: Running, token: TokenRecord, acc: Components): void {
    const attempt = token.attempts;
    const p = state.position;
    ops.compute(node, ops.embedMs(node), token, acc, () => {
      const x = ops.embed(token.input, p);
      ops.send(node, plan.attention[0]!, { kind: 'forward', request: state.record.request, slot: state.slot, position: p, layer: 0, attempt, x }, token, acc);
    });
    scheduler.at(scheduler.nowMs + context.tokenTimeoutMs, () => {
      if (state.current !== token || token.status !== 'running' || token.attempts !== attempt || running.get(state.record.request) !== state) return;
      if (token.attempts > settings.retries) {
        token.status = 'failed';
        token.endMs = scheduler.nowMs;
        token.components = { ...zeroComponents(), timeoutMs: scheduler.nowMs - token.startMs };
        end(state, 'failed');
        return;
      }
      token.attempts++;
      // A random backoff, so that a frame lost to a neighbour paced by the same duty cycle is not lost again in lockstep.
      scheduler.after(ops.backoffMs(node), () => {
        if (state.current !== token || token.status !== 'running' || running.get(state.record.request) !== state) return;
        runPass(state, token, { ...zeroComponents(), timeoutMs: scheduler.nowMs - token.startMs });
      });
    });
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
        scheduler.at(atMs, () => arrive(record));
      });
    },
    onResult(at, message, token, acc, x) {
      const state = running.get(message.request);
      if (at !== node || !state || state.current !== token || state.position !== message.position || token.attempts !== message.attempt || token.status !== 'running') return;
      ops.compute(node, ops.headMs(node), token, acc, () => {
        if (state.current !== token || token.status !== 'running' || running.get(message.request) !== state) return;
        const logits = ops.head(x);
        const reference = state.reference.step(token.input, token.candidates);
        const p = state.position;
        let output: number;
        if (token.kind === 'prompt') output = state.ids[p + 1]!;
        else {
          const draw = settings.temperature > 0 ? state.rng.next() : 0;
          output = sampleToken(logits, sampling, replayDraw(draw));
          token.matchesReference = sampleToken(reference, sampling, replayDraw(draw)) === output;
        }
        token.output = output;
        token.status = 'ok';
        token.endMs = scheduler.nowMs;
        token.components = copyComponents(acc);
        state.current = undefined;
        const { record } = state;
        if (token.kind === 'generated') {
          if (Number.isNaN(record.firstTokenMs)) record.firstTokenMs = scheduler.nowMs;
          if (output === boundary) return end(state, 'complete');
          state.ids.push(output);
          record.generated.push(output);
          if (record.generated.length >= (settings.maxTokens ?? Number.POSITIVE_INFINITY) || state.ids.length > model.config.context) return end(state, 'complete');
        }
        state.position = p + 1;
        startPass(state);
      });
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
