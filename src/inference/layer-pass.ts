/**
 * A token's passes through the layers' attention nodes (swarm inference, engine.ts): attention
 * and the gate on the layer's node, the chosen experts called one remote holder at a time
 * (local ones in place), timeouts with retries to other replicas after a seeded backoff,
 * replies resolved against their call, and the combine, after which the residual goes on to the
 * next layer or back to the entry. What comes next is a step (data), so that a checkpoint holds it.
 */
import type { McuWork, UnitWork } from './unit-work.ts';
import { attentionUnit, combineUnit, createInt8LatentCache, gateDecision, gateScores, type GateDecision, type Int8LatentCache } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import { replaceMap } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import { copyComponents, type Components } from './components.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import type { InferenceStep } from './engine.ts';
import { nodeLimitedCandidates, servingNodes } from './expert-routing.ts';
import { expertsToSkip } from './expert-skipping.ts';
import type { TokenRecord } from './records.ts';
import { sharedFlag, type ModelMessage } from './wire.ts';

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
  readonly calls: number;
}

export interface LayerPassesDeps {
  readonly context: InferenceContext;
  readonly host: InferenceHost;
  /** The routing cost between two nodes, and whether the swarm knows a node alive (both follow deaths). */
  cost(a: number, b: number): number;
  alive(node: number): boolean;
  readonly counters: { staleMessages: number; timeouts: number; retries: number };
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

export function createLayerPasses(deps: LayerPassesDeps): LayerPasses {
  const { context, host, cost, alive, counters, work, compute, send, later, backoffOf, tensorAt } = deps;
  const { model, plan, settings } = context;
  const { scheduler } = host;
  const config = model.config;
  const layers = config.layers;
  const routedHolders = Array.from({ length: layers }, (_, l) => Array.from({ length: config.experts }, (_, e) => plan.holders[plan.units.findIndex((u) => u.id === `L${l}.expert${e}`)]!));
  const sharedHolders = Array.from({ length: layers }, (_, l) => Array.from({ length: config.sharedExperts }, (_, s) => plan.holders[plan.units.findIndex((u) => u.id === `L${l}.shared${s}`)]!));
  // With one pipeline, experts go to their nearest live replica; with several, to the pipeline's own copy first.
  const multiple = plan.pipelines.length > 1;
  const caches = new Map<string, Int8LatentCache>();
  const passes = new Map<string, LayerPass>();
  const latest = new Map<string, { request: number; position: number; attempt: number }>();
  let calls = 0;
  const idOf = (key: number): number => key & 0xff;
  const offsetOf = (key: number): number => key >> 8;

  function attention(node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components): void {
    const slotKey = `${node}/${message.slot}/${message.layer}`;
    const last = latest.get(slotKey);
    // A slot serves one request at a time, requests in arrival order: an earlier request, or an
    // older position or attempt of the same one, is stale.
    if (last && (message.request < last.request || (last.request === message.request && (message.position < last.position || (message.position === last.position && message.attempt < last.attempt))))) {
      counters.staleMessages++;
      return;
    }
    latest.set(slotKey, { request: message.request, position: message.position, attempt: message.attempt });
    const passKey = `${message.slot}/${message.layer}`;
    const old = passes.get(passKey);
    if (old) old.done = true;
    compute(node, work.attention(node, message.layer, message.position, message.positions), token, acc, { type: 'attended', node, message, token, acc });
  }

  /** Attention and the gate have run on `node`: the experts are called, local ones run in place. */
  function attended(node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components): void {
    const slotKey = `${node}/${message.slot}/${message.layer}`;
    const passKey = `${message.slot}/${message.layer}`;
    const l = message.layer;
    let cache = caches.get(slotKey);
    if (!cache) caches.set(slotKey, (cache = createInt8LatentCache(model)));
    if (cache.length < message.position) {
      counters.staleMessages++;
      return;
    }
    cache.length = message.position;
    const pipeline = multiple ? deps.pipelineOf(message.slot) : undefined;
    const serving = servingNodes(routedHolders[l]!, node, cost, alive, pipeline);
    const sharedServing = servingNodes(sharedHolders[l]!, node, cost, alive, pipeline);
    const bias = model.layers[l]!.bias;
    const h: Int8Tensor[] = [];
    const gates: GateDecision[] = [];
    const keys: number[] = [];
    for (let i = 0; i < message.positions; i++) {
      const x = message.x.subarray(i * config.dim, (i + 1) * config.dim);
      const hi = attentionUnit(model, l, tensorAt(x, model.scales.residual[l]!), cache);
      const scores = gateScores(model, l, hi);
      const biased = Float64Array.from(scores.affinity, (a, e) => a + bias[e]!);
      const candidates = settings.maxNodesPerToken === undefined ? undefined : nodeLimitedCandidates(biased, serving, config.topK, settings.maxNodesPerToken);
      token.candidates[i]![l] = candidates;
      const gate = gateDecision(model, l, scores, candidates);
      h.push(hi);
      gates.push(gate);
      // Link-aware choice: far experts of small weight are not called (the combine renormalises).
      const skipped = settings.skipExperts ? expertsToSkip(settings.skipExperts, gate.experts, gate.weights, serving, node, cost) : [];
      token.expertsSkipped += skipped.length;
      for (const id of [...sharedServing.map((_, s) => sharedFlag | s), ...gate.experts.filter((_, k) => !skipped.includes(k))]) keys.push((i << 8) | id);
    }
    const pass: LayerPass = { token, message, node, h, gate: gates, outputs: new Map(), outstanding: new Map(), queue: [], current: undefined, done: false };
    passes.set(passKey, pass);
    const byNode = new Map<number, number[]>();
    for (const key of keys) {
      const id = idOf(key);
      const at = id & sharedFlag ? sharedServing[id & ~sharedFlag]! : serving[id]!;
      if (at < 0) {
        countDrop(token, key);
        continue;
      }
      const list = byNode.get(at);
      if (list) list.push(key);
      else byNode.set(at, [key]);
    }
    // Remote calls go one at a time (the next when the previous is answered or given up): the
    // node's radio is half duplex, and a reply arriving while it sends the next call is lost.
    for (const [at, list] of [...byNode].sort((a, b) => a[0] - b[0])) {
      if (at === node) continue;
      for (const id of list) pass.outstanding.set(id, { call: 0, node: at, tries: 0, tried: [] });
      pass.queue.push({ node: at, ids: list, tries: 0, tried: [] });
    }
    const local = byNode.get(node);
    if (local) callExperts(pass, node, local, copyComponents(acc), 0, []);
    advance(pass, acc);
  }

  /** Sends the next queued call when none is out; finishes the layer when nothing is left. */
  function advance(pass: LayerPass, acc: Components): void {
    if (pass.done || pass.current !== undefined) return;
    const next = pass.queue.shift();
    if (next) callExperts(pass, next.node, next.ids, copyComponents(acc), next.tries, next.tried);
    else if (pass.outstanding.size === 0) finish(pass, acc);
  }

  function countDrop(token: TokenRecord, key: number): void {
    if (idOf(key) & sharedFlag) token.sharedExpertsDropped++;
    else token.expertsDropped++;
  }

  function callExperts(pass: LayerPass, at: number, ids: readonly number[], acc: Components, tries: number, tried: readonly number[]): void {
    const call = ++calls;
    for (const id of ids) pass.outstanding.set(id, { call, node: at, tries, tried: [...tried, at] });
    const remote = at !== pass.node;
    if (remote) pass.current = call;
    const { message } = pass;
    const entries: { offset: number; experts: number[]; x: Int8Array }[] = [];
    for (const key of ids) {
      const offset = offsetOf(key);
      let entry = entries.find((e) => e.offset === offset);
      if (!entry) entries.push((entry = { offset, experts: [], x: pass.gate[offset]!.input.data }));
      entry.experts.push(idOf(key));
    }
    entries.sort((a, b) => a.offset - b.offset);
    const out: ModelMessage = { kind: 'call', request: message.request, slot: message.slot, position: message.position, layer: message.layer, attempt: message.attempt, positions: message.positions, call: call & 0xff, entries };
    const sentAtMs = scheduler.nowMs;
    // The path up to the call: `acc` travels with the message and grows; a timeout starts from here.
    const atCall = copyComponents(acc);
    if (!send(pass.node, at, out, pass.token, acc)) {
      for (const id of ids) resolve(pass, id, call, undefined, atCall);
      return;
    }
    if (!remote) return;
    // A call carrying several positions (speculative decoding) is that many times the bytes, out and back.
    later({ type: 'callTimeout', pass, call, ids, sentAtMs, atCall }, sentAtMs + settings.timeout * entries.length);
  }

  /** A remote call was not answered in time: its experts go to another replica after a backoff, or are dropped. */
  function callTimeout(pass: LayerPass, call: number, ids: readonly number[], sentAtMs: number, atCall: Components): void {
    // A node that has died keeps no timers.
    if (pass.done || pass.current !== call || !host.alive(pass.node)) return;
    const waiting = ids.filter((id) => pass.outstanding.get(id)?.call === call);
    counters.timeouts++;
    pass.current = undefined;
    const after = copyComponents(atCall);
    after.timeoutMs += scheduler.nowMs - sentAtMs;
    const retryTo = new Map<number, { ids: number[]; tries: number; tried: number[] }>();
    for (const key of waiting) {
      const entry = pass.outstanding.get(key)!;
      const id = idOf(key);
      const holders = id & sharedFlag ? sharedHolders[pass.message.layer]![id & ~sharedFlag]! : routedHolders[pass.message.layer]![id]!;
      const fresh = holders.filter((h) => !entry.tried.includes(h));
      const serving = entry.tries >= settings.retries ? -1 : servingNodes([fresh.length > 0 ? fresh : holders], pass.node, cost, alive)[0]!;
      if (serving < 0) {
        pass.outstanding.delete(key);
        countDrop(pass.token, key);
        continue;
      }
      entry.call = 0;
      const retry = retryTo.get(serving);
      if (retry) retry.ids.push(key);
      else retryTo.set(serving, { ids: [key], tries: entry.tries + 1, tried: entry.tried });
    }
    // Retries go first, one call at a time like the others.
    const retries = [...retryTo].map(([node, retry]) => ({ node, ...retry }));
    counters.retries += retries.length;
    if (retries.length === 0) return advance(pass, after);
    // Retries wait a random backoff (see backoffMs), counted as part of the timeout.
    const backoffMs = backoffOf(pass.node);
    later({ type: 'retryCalls', pass, after, retries, backoffMs }, scheduler.nowMs + backoffMs);
  }

  /** An expert's output arrived for `call` (or it was dropped: `data` undefined); a reply to another call is stale. */
  function resolve(pass: LayerPass, id: number, call: number, data: Int8Array | undefined, acc: Components): boolean {
    const entry = pass.outstanding.get(id);
    if (pass.done || !entry || entry.call === 0 || (entry.call & 0xff) !== (call & 0xff)) return false;
    pass.outstanding.delete(id);
    if (data) pass.outputs.set(id, data);
    else countDrop(pass.token, id);
    if (pass.current === entry.call && ![...pass.outstanding.values()].some((e) => e.call === entry.call)) pass.current = undefined;
    advance(pass, acc);
    return true;
  }

  function reply(node: number, origin: number, message: Extract<ModelMessage, { kind: 'reply' }>, acc: Components): void {
    const pass = passes.get(`${message.slot}/${message.layer}`);
    if (!pass || pass.done || pass.node !== node || pass.message.position !== message.position || pass.message.positions !== message.positions || pass.message.attempt !== message.attempt || pass.message.request !== message.request) {
      counters.staleMessages++;
      return;
    }
    let accepted = false;
    for (const entry of message.entries) {
      for (const output of entry.outputs) {
        if (pass.done) return;
        accepted = resolve(pass, (entry.offset << 8) | output.id, message.call, output.data, copyComponents(acc)) || accepted;
      }
    }
    // A late reply to a call given up (its retry is out or queued) is not the retry's answer.
    if (!accepted) counters.staleMessages++;
    void origin;
  }

  function finish(pass: LayerPass, acc: Components): void {
    if (pass.done) return;
    pass.done = true;
    const { token, node } = pass;
    compute(node, work.combine(node, pass.message.positions), token, acc, { type: 'combined', pass, acc });
  }

  /** The combine has run: the residual goes on to the next layer's attention node, or back to the entry. */
  function combined(pass: LayerPass, acc: Components): void {
    const { message, token, node } = pass;
    const l = message.layer;
    const x = new Int8Array(message.positions * config.dim);
    pass.gate.forEach((gate, i) => {
      const output = (id: number): Int8Array | undefined => pass.outputs.get((i << 8) | id);
      const shared: Int8Tensor[] = [];
      for (let s = 0; s < config.sharedExperts; s++) {
        const data = output(sharedFlag | s);
        if (data) shared.push(tensorAt(data, model.scales.expertOut[l]!));
      }
      const used = gate.experts.filter((e) => output(e) !== undefined);
      const chosenWeight = gate.weights.reduce((sum, w) => sum + w, 0);
      const usedWeight = used.reduce((sum, e) => sum + gate.weights[gate.experts.indexOf(e)]!, 0);
      const weights = used.map((e) => (gate.weights[gate.experts.indexOf(e)]! * chosenWeight) / usedWeight);
      const routed = used.map((e) => tensorAt(output(e)!, model.scales.expertOut[l]!));
      x.set(combineUnit(model, l, pass.h[i]!, shared, routed, weights).data, i * config.dim);
      token.experts[i * layers + l] = used;
    });
    const next = l + 1 < layers ? plan.pipelines[deps.pipelineOf(message.slot)]![l + 1]! : deps.entryNode();
    send(node, next, { kind: 'forward', request: message.request, slot: message.slot, position: message.position, layer: l + 1, attempt: message.attempt, positions: message.positions, x }, token, acc);
  }

  return {
    attention,
    reply,
    runStep(step) {
      switch (step.type) {
        case 'attended':
          return attended(step.node, step.message, step.token, step.acc);
        case 'callTimeout':
          return callTimeout(step.pass, step.call, step.ids, step.sentAtMs, step.atCall);
        case 'retryCalls': {
          const { pass, after, retries, backoffMs } = step;
          if (pass.done || !host.alive(pass.node)) return;
          after.timeoutMs += backoffMs;
          for (let r = retries.length - 1; r >= 0; r--) pass.queue.unshift(retries[r]!);
          return advance(pass, after);
        }
        case 'combined':
          return combined(step.pass, step.acc);
      }
    },
    checkpoint: () => ({ caches, passes, latest, calls }),
    restore(state) {
      replaceMap(caches, state.caches);
      replaceMap(passes, state.passes);
      replaceMap(latest, state.latest);
      calls = state.calls;
    },
  };
}
