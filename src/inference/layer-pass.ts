/**
 * A token's passes through the layers' attention nodes (swarm inference, engine.ts): attention
 * and the gate on the layer's node, the chosen experts called one remote holder at a time
 * (local ones in place), timeouts with retries to other replicas after a seeded backoff,
 * replies resolved against their call, and the combine, after which the residual goes on to the
 * next layer or back to the entry. What comes next is a step (data), so that a checkpoint holds it.
 */
import type { McuWork, UnitWork } from './unit-work.ts';
import type { GateDecision, Int8LatentCache } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import { replaceArray, replaceMap } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import type { Components } from './components.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import type { InferenceStep } from './engine.ts';
import { callTimeout, reply, retryCalls } from './expert-calls.ts';
import { attended, attention } from './layer-attention.ts';
import { combined } from './layer-combine.ts';
import type { TokenRecord } from './records.ts';
import type { TokenBooks } from './token-books.ts';
import type { ModelMessage } from './wire.ts';

/**
 * A token pass's visit to one layer's attention node while its experts are out. A pass carries
 * one position, or several in speculative decoding; an expert asked for a position is named by
 * a key, `offset << 8 | id` (offset: the position's index in the pass; id: the wire's expert id),
 * so that one position's keys are the expert ids themselves.
 */
export interface LayerPass {
  readonly token: TokenRecord;
  readonly message: Extract<ModelMessage, { kind: 'forward' }>;
  readonly node: number;
  /** Per position of the pass. */
  readonly h: readonly Int8Tensor[];
  readonly gate: readonly GateDecision[];
  /** Key → output. */
  readonly outputs: Map<number, Int8Array>;
  /** Key → the call it waits on (0: queued, not sent yet). */
  readonly outstanding: Map<number, { call: number; node: number; tries: number; tried: number[] }>;
  /** Remote calls not sent yet (keys), in order. */
  readonly queue: { node: number; ids: number[]; tries: number; tried: number[] }[];
  /** The remote call out now. */
  current: number | undefined;
  done: boolean;
}

/** What a layer pass does next (a checkpoint holds it). */
export type LayerPassStep =
  | { readonly type: 'attended'; readonly node: number; readonly message: Extract<ModelMessage, { kind: 'forward' }>; readonly token: TokenRecord; readonly acc: Components }
  | { readonly type: 'callTimeout'; readonly pass: LayerPass; readonly call: number; readonly ids: readonly number[]; readonly sentAtMs: number; readonly atCall: Components }
  | { readonly type: 'retryCalls'; readonly pass: LayerPass; readonly after: Components; readonly retries: { node: number; ids: number[]; tries: number; tried: number[] }[]; readonly backoffMs: number }
  | { readonly type: 'combined'; readonly pass: LayerPass; readonly acc: Components };

/** The passes under way, the slots' caches and latest messages (a checkpoint: checkpoint-state.ts). */
export interface LayerPassesState {
  readonly caches: Map<string, Int8LatentCache>;
  readonly passes: Map<string, LayerPass>;
  readonly latest: Map<string, { request: number; position: number; attempt: number }>;
  readonly calls: number[];
}

export interface LayerPassesDeps {
  readonly context: InferenceContext;
  readonly host: InferenceHost;
  /** The routing cost between two nodes, and whether the swarm knows a node alive (both follow deaths). */
  cost(a: number, b: number): number;
  alive(node: number): boolean;
  readonly counters: { staleMessages: number; timeouts: number; retries: number };
  /** What the nodes add to the tokens' records. */
  readonly books: TokenBooks;
  /** What each unit's run costs the MCU. */
  readonly work: UnitWork;
  compute(node: number, work: McuWork, token: TokenRecord, acc: Components, then: InferenceStep): void;
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  later(step: InferenceStep, atMs?: number): Continuation;
  backoffOf(node: number): number;
  tensorAt(data: Int8Array, scale: number | Float64Array): Int8Tensor;
  /** The entry node, where the last layer's residual goes. */
  entryNode(): number;
  /** The pipeline a KV slot's passes run on (plan.pipelines). */
  pipelineOf(slot: number): number;
}

export interface LayerPasses {
  /** A token's residual reached layer `message.layer`'s attention node. */
  attention(node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components): void;
  /** Experts' outputs came back. */
  reply(node: number, origin: number, message: Extract<ModelMessage, { kind: 'reply' }>, acc: Components): void;
  runStep(step: LayerPassStep): void;
  checkpoint(): LayerPassesState;
  restore(state: LayerPassesState): void;
}

/**
 * The layer passes' explicit state: what they read (the dependencies, each layer's expert
 * holders) and what they keep (the passes under way, the slots' caches and latest messages, the
 * call counter: a checkpoint holds these). The parts are module functions over it:
 * layer-attention.ts (attention and the gate), expert-calls.ts (the calls, their timeouts,
 * retries and replies), layer-combine.ts (the combine).
 */
export interface LayerPassesRun {
  readonly deps: LayerPassesDeps;
  /** Each routed expert's holders, [layer][expert]. */
  readonly routedHolders: readonly (readonly (readonly number[])[])[];
  /** Each shared expert's holders, [layer][shared expert]. */
  readonly sharedHolders: readonly (readonly (readonly number[])[])[];
  /** Several pipelines: a pass's experts go to its pipeline's own copy first. */
  readonly multiple: boolean;
  readonly caches: Map<string, Int8LatentCache>;
  readonly passes: Map<string, LayerPass>;
  readonly latest: Map<string, { request: number; position: number; attempt: number }>;
  /** Per attention node, the calls it made (a call's low byte is on the wire). */
  readonly calls: number[];
}

export function createLayerPasses(deps: LayerPassesDeps): LayerPasses {
  const run = createLayerPassesRun(deps);
  return {
    attention: (node, message, token, acc) => attention(run, node, message, token, acc),
    reply: (node, origin, message, acc) => reply(run, node, origin, message, acc),
    runStep: (step) => runLayerPassStep(run, step),
    checkpoint: () => ({ caches: run.caches, passes: run.passes, latest: run.latest, calls: run.calls }),
    restore(state) {
      replaceMap(run.caches, state.caches);
      replaceMap(run.passes, state.passes);
      replaceMap(run.latest, state.latest);
      replaceArray(run.calls, state.calls);
    },
  };
}

function createLayerPassesRun(deps: LayerPassesDeps): LayerPassesRun {
  const { plan, model } = deps.context;
  const config = model.config;
  const holdersOf = (id: string): readonly number[] => plan.holders[plan.units.findIndex((u) => u.id === id)]!;
  return {
    deps,
    routedHolders: Array.from({ length: config.layers }, (_, l) => Array.from({ length: config.experts }, (_, e) => holdersOf(`L${l}.expert${e}`))),
    sharedHolders: Array.from({ length: config.layers }, (_, l) => Array.from({ length: config.sharedExperts }, (_, s) => holdersOf(`L${l}.shared${s}`))),
    // With one pipeline, experts go to their nearest live replica; with several, to the pipeline's own copy first.
    multiple: plan.pipelines.length > 1,
    caches: new Map(),
    passes: new Map(),
    latest: new Map(),
    calls: [],
  };
}

function runLayerPassStep(run: LayerPassesRun, step: LayerPassStep): void {
  switch (step.type) {
    case 'attended':
      return attended(run, step.node, step.message, step.token, step.acc);
    case 'callTimeout':
      return callTimeout(run, step.pass, step.call, step.ids, step.sentAtMs, step.atCall);
    case 'retryCalls':
      return retryCalls(run, step.pass, step.after, step.retries, step.backoffMs);
    case 'combined':
      return combined(run, step.pass, step.acc);
  }
}
