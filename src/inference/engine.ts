/**
 * Swarm inference (issue 6): the firmware application that serves TinySeek across the nodes.
 *
 * A request arrives at the entry node (embedding and head). Each token pass: the entry embeds
 * the token and sends the int8 residual to layer 0's attention node; that node runs attention
 * and the gate, calls the chosen experts' nearest live replicas (one message per serving node
 * with the normed input; local experts run in place), combines the replies, and sends the
 * residual on to the next layer's node; the last layer sends it back to the entry, which runs
 * the head and samples. Every message is real bytes (wire.ts) in LoRa frames through the MAC,
 * the ether and the transport, forwarded hop by hop on the routing tables.
 *
 * Faults: an expert call unanswered within `timeout` is retried (to another live replica when
 * there is one) up to `retries` times, then the expert is dropped and the gate renormalised; a
 * holder over its `expertQueueLimit` refuses (dropped too). A token that does not come back to
 * the entry within its budget is re-run from the entry up to `retries` times, then its request
 * fails. Routes are recomputed at once when a node dies (the routing layer is idealised: it
 * learns of a death without delay; the model layer finds lost frames by timeouts only).
 */
import { computeCost } from '../hw/compute-cost.ts';
import { attentionUnit, combineUnit, createInt8LatentCache, embeddingUnit, gateDecision, gateScores, headUnit, type GateDecision, type Int8LatentCache } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { ReceivedMessage } from '../node/lora-node.ts';
import { computeRoutes, type Routes } from '../placement/links.ts';
import { addMessage, copyComponents, zeroComponents, type Components, type FrameTiming } from './components.ts';
import { createEntry, type Entry, type EntryState, type EntryStep } from './entry.ts';
import { createExpertRole, type ExpertStep } from './expert-node.ts';
import { replaceArray, replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import type { NodeApplication } from '../node/application.ts';
import { nodeLimitedCandidates, servingNodes } from './expert-routing.ts';
import { addEnergy, type RequestRecord, type TokenRecord } from './records.ts';
import { decodeMessage, decodeNetworkHeader, encodeMessage, sharedFlag, type ModelMessage } from './wire.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import type { RandomStreamState, SavableStream } from '../sim/rng.ts';

export interface InferenceEngine extends NodeApplication, Checkpointable<InferenceEngineState> {
  readonly tokens: readonly TokenRecord[];
  readonly requests: readonly RequestRecord[];
  /** Routed expert calls served, [layer][expert]. */
  readonly expertLoad: readonly number[][];
  /** Energy attributed to tokens, per node (µJ). */
  readonly attributedUj: readonly number[];
  readonly counters: Readonly<Record<'staleMessages' | 'unroutable' | 'refusedCalls' | 'timeouts' | 'retries' | 'unknownMessages', number>>;
}

/**
 * What the engine does next, as data (a checkpoint holds it): a computation's end (its wait
 * and run added to the token's account, then the next step), attention done, an expert call
 * timed out, calls retried after a backoff, the combine done, a death learnt by the routing
 * layer; and the entry's and the expert holders' steps.
 */
type EngineStep =
  | { readonly type: 'computed'; readonly ms: number; readonly queuedAtMs: number; readonly acc: Components; readonly then: InferenceStep }
  | { readonly type: 'attended'; readonly node: number; readonly message: Extract<ModelMessage, { kind: 'forward' }>; readonly token: TokenRecord; readonly acc: Components }
  | { readonly type: 'callTimeout'; readonly pass: LayerPass; readonly call: number; readonly ids: readonly number[]; readonly sentAtMs: number; readonly atCall: Components }
  | { readonly type: 'retryCalls'; readonly pass: LayerPass; readonly after: Components; readonly retries: { node: number; ids: number[]; tries: number; tried: number[] }[]; readonly backoffMs: number }
  | { readonly type: 'combined'; readonly pass: LayerPass; readonly acc: Components }
  | { readonly type: 'learnDeath'; readonly node: number };
type InferenceStep = EngineStep | EntryStep | ExpertStep;

/** The engine's whole state (a checkpoint: checkpoint-state.ts). */
export interface InferenceEngineState {
  readonly dead: boolean[];
  readonly inflight: Map<number, unknown>;
  readonly tokensBySerial: TokenRecord[];
  readonly expertLoad: number[][];
  readonly attributedUj: number[];
  readonly counters: Record<string, number>;
  readonly caches: Map<string, Int8LatentCache>;
  readonly passes: Map<string, unknown>;
  readonly latest: Map<string, { request: number; position: number; attempt: number }>;
  readonly numbers: readonly number[];
  readonly steps: Map<number, unknown>;
  readonly backoff: Map<number, RandomStreamState>;
  readonly entry: EntryState;
  readonly jobs: Map<number, number>;
}

interface InFlight {
  readonly token: TokenRecord;
  readonly acc: Components;
  readonly frames: FrameTiming[];
}

/** A token's visit to one layer's attention node while its experts are out. */
interface LayerPass {
  readonly token: TokenRecord;
  readonly message: Extract<ModelMessage, { kind: 'forward' }>;
  readonly node: number;
  readonly h: Int8Tensor;
  readonly gate: GateDecision;
  readonly outputs: Map<number, Int8Array>;
  /** Expert id → the call it waits on (0: queued, not sent yet). */
  readonly outstanding: Map<number, { call: number; node: number; tries: number; tried: number[] }>;
  /** Remote calls not sent yet, in order. */
  readonly queue: { node: number; ids: number[]; tries: number; tried: number[] }[];
  /** The remote call out now. */
  current: number | undefined;
  done: boolean;
}

export function createInferenceEngine(context: InferenceContext, host: InferenceHost): InferenceEngine {
  const { model, plan, settings, specs } = context;
  const { scheduler } = host;
  const config = model.config;
  const layers = config.layers;
  const n = specs.length;
  const dead = new Array<boolean>(n).fill(false);
  let routes: Routes = computeRoutes(context.graph, dead);
  const cost = (a: number, b: number): number => (a === b ? 0 : routes.costMs[a]![b]!);
  // What the swarm knows: a node is dead once the routing layer has learned of it (deathDetectionMs).
  const alive = (node: number): boolean => !dead[node];
  const routedHolders = Array.from({ length: layers }, (_, l) => Array.from({ length: config.experts }, (_, e) => plan.holders[plan.units.findIndex((u) => u.id === `L${l}.expert${e}`)]!));
  const sharedHolders = Array.from({ length: layers }, (_, l) => Array.from({ length: config.sharedExperts }, (_, s) => plan.holders[plan.units.findIndex((u) => u.id === `L${l}.shared${s}`)]!));
  const unitMacs = Object.fromEntries(context.costs.map((c) => [c.unit, c])) as Record<string, (typeof context.costs)[number]>;
  const msOf = (node: number, macs: number, op: 'matmul' | 'elementwise' = 'matmul'): number => computeCost(specs[node]!.mcu, { op, macs }).latencyMs;

  const inflight = new Map<number, InFlight>();
  let staged: InFlight | undefined;
  const tokensBySerial: TokenRecord[] = [];
  const expertLoad = Array.from({ length: layers }, () => new Array<number>(config.experts).fill(0));
  const attributedUj = new Array<number>(n).fill(0);
  const counters = { staleMessages: 0, unroutable: 0, refusedCalls: 0, timeouts: 0, retries: 0, unknownMessages: 0 };
  const caches = new Map<string, Int8LatentCache>();
  const passes = new Map<string, LayerPass>();
  const latest = new Map<string, { request: number; position: number; attempt: number }>();
  let calls = 0;
  const key = (sender: number, messageId: number): number => sender * 0x10000 + messageId;
  const backoffStreams = new Map<number, SavableStream>();
  /** Steps to come, by id: each runs as an integer event, or as a computation's continuation. */
  const steps = new Map<number, InferenceStep>();
  let nextStep = 0;
  const stepKind = scheduler.kind((id) => {
    const step = steps.get(id)!;
    steps.delete(id);
    runStep(step);
  });
  function later(step: InferenceStep, atMs?: number): Continuation {
    const id = nextStep++;
    steps.set(id, step);
    if (atMs !== undefined) scheduler.atKind(atMs, stepKind, id);
    return { kind: stepKind, arg: id };
  }
  function runStep(step: InferenceStep): void {
    switch (step.type) {
      case 'computed': {
        const startMs = scheduler.nowMs - step.ms;
        step.acc.queueingMs += startMs - step.queuedAtMs;
        step.acc.computeMs += step.ms;
        return runStep(step.then);
      }
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
      case 'learnDeath':
        return learnDeath(step.node);
      case 'expertRan':
        return expertRole.runStep(step);
      default:
        return entry.runStep(step);
    }
  }
  /**
   * A retry waits a random backoff, uniform up to half the timeout, from the node's own stream:
   * two nodes paced by the same duty cycle otherwise collide again and again at the same phase.
   */
  function backoffOf(node: number): number {
    let stream = backoffStreams.get(node);
    if (!stream) backoffStreams.set(node, (stream = context.rng.stream(`inference/backoff/${node}`)));
    return stream.next() * (settings.timeout / 2);
  }

  /** Runs `ms` of work on `node` for `token`, adding the wait for the MCU and the run to `acc`, then `then`. */
  function compute(node: number, ms: number, token: TokenRecord, acc: Components, then: InferenceStep): void {
    host.compute(node, ms, later({ type: 'computed', ms, queuedAtMs: scheduler.nowMs, acc, then }), token.serial);
  }

  /** Sends a model message from `from` to `to` (over the routes; at once when local). False when unroutable. */
  function send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean {
    if (from === to) {
      deliver(to, from, message, token, acc);
      return true;
    }
    const bytes = encodeMessage({ destination: to, origin: from, hops: 0 }, message);
    return sendBytes(from, to, bytes, token, acc);
  }

  function sendBytes(from: number, to: number, bytes: Uint8Array, token: TokenRecord, acc: Components): boolean {
    const next = routes.next[from]![to]!;
    if (next < 0 || !alive(from)) {
      counters.unroutable++;
      return false;
    }
    token.hops++;
    staged = { token, acc, frames: [] };
    host.send(from, next, bytes, settings.deadline);
    staged = undefined;
    return true;
  }

  function onMessage(node: number, received: ReceivedMessage): void {
    const k = key(received.sender, received.messageId);
    const flight = inflight.get(k);
    inflight.delete(k);
    if (!flight) {
      counters.unknownMessages++;
      return;
    }
    addMessage(flight.acc, flight.frames, scheduler.nowMs);
    const network = decodeNetworkHeader(received.payload);
    if (network.destination !== node) {
      // A relay: on towards the destination, one hop more.
      const bytes = received.payload.slice();
      bytes[4] = Math.min(255, network.hops + 1);
      sendBytes(node, network.destination, bytes, flight.token, flight.acc);
      return;
    }
    const { message } = decodeMessage(received.payload, config.dim);
    deliver(node, network.origin, message, flight.token, flight.acc);
  }

  const tensorAt = (data: Int8Array, scale: number | Float64Array): Int8Tensor => (typeof scale === 'number' ? { data, scale } : { data, scale: 1, channelScales: scale });

  function deliver(node: number, origin: number, message: ModelMessage, token: TokenRecord, acc: Components): void {
    if (message.kind === 'forward') {
      if (message.layer === layers) entry.onResult(node, message, token, acc, tensorAt(message.x, model.scales.residual[layers]!));
      else attention(node, message, token, acc);
    } else if (message.kind === 'call') expertCall(node, origin, message, token, acc);
    else reply(node, origin, message, acc);
  }

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
    const macs = unitMacs.attention!.macsPerToken + (message.position + 1) * unitMacs.attention!.macsPerCachedPosition + unitMacs.gate!.macsPerToken;
    compute(node, msOf(node, macs), token, acc, { type: 'attended', node, message, token, acc });
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
    const h = attentionUnit(model, l, tensorAt(message.x, model.scales.residual[l]!), cache);
    const scores = gateScores(model, l, h);
    const bias = model.layers[l]!.bias;
    const biased = Float64Array.from(scores.affinity, (a, e) => a + bias[e]!);
    const serving = servingNodes(routedHolders[l]!, node, cost, alive);
    const candidates = settings.maxNodesPerToken === undefined ? undefined : nodeLimitedCandidates(biased, serving, config.topK, settings.maxNodesPerToken);
    token.candidates[l] = candidates;
    const gate = gateDecision(model, l, scores, candidates);
    const pass: LayerPass = { token, message, node, h, gate, outputs: new Map(), outstanding: new Map(), queue: [], current: undefined, done: false };
    passes.set(passKey, pass);
    const sharedServing = servingNodes(sharedHolders[l]!, node, cost, alive);
    const ids = [...sharedServing.map((_, s) => sharedFlag | s), ...gate.experts];
    const byNode = new Map<number, number[]>();
    for (const id of ids) {
      const at = id & sharedFlag ? sharedServing[id & ~sharedFlag]! : serving[id]!;
      if (at < 0) {
        countDrop(token, id);
        continue;
      }
      const list = byNode.get(at);
      if (list) list.push(id);
      else byNode.set(at, [id]);
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

  function countDrop(token: TokenRecord, id: number): void {
    if (id & sharedFlag) token.sharedExpertsDropped++;
    else token.expertsDropped++;
  }

  function callExperts(pass: LayerPass, at: number, ids: readonly number[], acc: Components, tries: number, tried: readonly number[]): void {
    const call = ++calls;
    for (const id of ids) pass.outstanding.set(id, { call, node: at, tries, tried: [...tried, at] });
    const remote = at !== pass.node;
    if (remote) pass.current = call;
    const { message } = pass;
    const out: ModelMessage = { kind: 'call', request: message.request, slot: message.slot, position: message.position, layer: message.layer, attempt: message.attempt, call: call & 0xff, experts: ids, x: pass.gate.input.data };
    const sentAtMs = scheduler.nowMs;
    // The path up to the call: `acc` travels with the message and grows; a timeout starts from here.
    const atCall = copyComponents(acc);
    if (!send(pass.node, at, out, pass.token, acc)) {
      for (const id of ids) resolve(pass, id, call, undefined, atCall);
      return;
    }
    if (!remote) return;
    later({ type: 'callTimeout', pass, call, ids, sentAtMs, atCall }, sentAtMs + settings.timeout);
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
    for (const id of waiting) {
      const entry = pass.outstanding.get(id)!;
      const holders = id & sharedFlag ? sharedHolders[pass.message.layer]![id & ~sharedFlag]! : routedHolders[pass.message.layer]![id]!;
      const fresh = holders.filter((h) => !entry.tried.includes(h));
      const serving = entry.tries >= settings.retries ? -1 : servingNodes([fresh.length > 0 ? fresh : holders], pass.node, cost, alive)[0]!;
      if (serving < 0) {
        pass.outstanding.delete(id);
        countDrop(pass.token, id);
        continue;
      }
      entry.call = 0;
      const retry = retryTo.get(serving);
      if (retry) retry.ids.push(id);
      else retryTo.set(serving, { ids: [id], tries: entry.tries + 1, tried: entry.tried });
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
    if (!pass || pass.done || pass.node !== node || pass.message.position !== message.position || pass.message.attempt !== message.attempt || pass.message.request !== message.request) {
      counters.staleMessages++;
      return;
    }
    let accepted = false;
    for (const output of message.outputs) {
      if (pass.done) return;
      accepted = resolve(pass, output.id, message.call, output.data, copyComponents(acc)) || accepted;
    }
    // A late reply to a call given up (its retry is out or queued) is not the retry's answer.
    if (!accepted) counters.staleMessages++;
    void origin;
  }

  function finish(pass: LayerPass, acc: Components): void {
    if (pass.done) return;
    pass.done = true;
    const { token, node } = pass;
    const macs = unitMacs.combine!.macsPerToken;
    compute(node, msOf(node, macs, 'elementwise'), token, acc, { type: 'combined', pass, acc });
  }

  /** The combine has run: the residual goes on to the next layer's attention node, or back to the entry. */
  function combined(pass: LayerPass, acc: Components): void {
    const { message, token, node, gate } = pass;
    const l = message.layer;
    const shared: Int8Tensor[] = [];
    for (let s = 0; s < config.sharedExperts; s++) {
      const data = pass.outputs.get(sharedFlag | s);
      if (data) shared.push(tensorAt(data, model.scales.expertOut[l]!));
    }
    const used = gate.experts.filter((e) => pass.outputs.has(e));
    const chosenWeight = gate.weights.reduce((sum, w) => sum + w, 0);
    const usedWeight = used.reduce((sum, e) => sum + gate.weights[gate.experts.indexOf(e)]!, 0);
    const weights = used.map((e) => (gate.weights[gate.experts.indexOf(e)]! * chosenWeight) / usedWeight);
    const routed = used.map((e) => tensorAt(pass.outputs.get(e)!, model.scales.expertOut[l]!));
    const x = combineUnit(model, l, pass.h, shared, routed, weights);
    token.experts[l] = used;
    const next = l + 1 < layers ? plan.attention[l + 1]! : entry.node;
    send(node, next, { kind: 'forward', request: message.request, slot: message.slot, position: message.position, layer: l + 1, attempt: message.attempt, x: x.data }, token, acc);
  }

  function learnDeath(node: number): void {
    dead[node] = true;
    routes = computeRoutes(context.graph, dead);
  }

  const expertRole = createExpertRole({ model, settings, compute, send, expertLoad, counters, serviceMs: (node) => msOf(node, unitMacs.routedExpert!.macsPerToken) });
  const expertCall = expertRole.call;

  const entry: Entry = createEntry(context, host, {
    compute,
    send,
    embed: (id, position) => embeddingUnit(model, id, position).data,
    head: (x) => headUnit(model, x),
    headMs: (node) => msOf(node, unitMacs.head!.macsPerToken),
    embedMs: (node) => msOf(node, config.dim, 'elementwise'),
    backoffMs: backoffOf,
    later: (step, atMs) => void later(step, atMs),
    register: (token) => {
      tokensBySerial[token.serial] = token;
    },
  });

  return {
    onMessage,
    onEvent(event) {
      if (event.type === 'messageSent') {
        if (staged) inflight.set(key(event.sender, event.messageId), staged);
      } else if (event.type === 'txStarted') {
        const flight = inflight.get(key(event.tx.sender, event.tx.messageId));
        if (!flight) return;
        const { tx } = event;
        flight.frames.push({ queuedAtMs: event.queuedAtMs, queueWaitMs: event.queueWaitMs, dutyCycleWaitMs: event.dutyCycleWaitMs, wakeWaitMs: event.wakeWaitMs, startMs: tx.startMs, airtimeMs: tx.airtimeMs, endMs: tx.endMs });
        flight.token.frames++;
        flight.token.phyBytes += tx.bytes.length;
        flight.token.framesAirtimeMs += tx.airtimeMs;
      } else if (event.type === 'nodeDied') {
        entry.nodeDied(event.node);
        // The routing layer learns of a death after deathDetection (0: at once); until then, calls to the node time out.
        if (settings.deathDetection > 0) later({ type: 'learnDeath', node: event.node }, scheduler.nowMs + settings.deathDetection);
        else learnDeath(event.node);
      }
    },
    causeOf(tx) {
      return inflight.get(key(tx.sender, tx.messageId))?.token.serial;
    },
    attribute(node, cause, state, energyUj) {
      const token = tokensBySerial[cause];
      if (!token) return;
      addEnergy(token, state, energyUj);
      attributedUj[node]! += energyUj;
    },
    start: () => entry.start(),
    checkpoint: () => ({
      dead,
      inflight,
      tokensBySerial,
      expertLoad,
      attributedUj,
      counters,
      caches,
      passes,
      latest,
      numbers: [calls, nextStep],
      steps,
      backoff: new Map([...backoffStreams].map(([node, stream]) => [node, stream.checkpoint()])),
      entry: entry.checkpoint(),
      jobs: expertRole.checkpoint(),
    }),
    restore(state) {
      replaceArray(dead, state.dead);
      routes = computeRoutes(context.graph, dead);
      replaceMap(inflight, state.inflight as Map<number, InFlight>);
      replaceArray(tokensBySerial, state.tokensBySerial);
      state.expertLoad.forEach((loads, l) => replaceArray(expertLoad[l]!, loads));
      replaceArray(attributedUj, state.attributedUj);
      Object.assign(counters, state.counters);
      replaceMap(caches, state.caches);
      replaceMap(passes, state.passes as Map<string, LayerPass>);
      replaceMap(latest, state.latest);
      [calls, nextStep] = state.numbers as [number, number];
      replaceMap(steps, state.steps as Map<number, InferenceStep>);
      backoffStreams.clear();
      for (const [node, saved] of state.backoff) {
        const stream = context.rng.stream(`inference/backoff/${node}`);
        stream.restore(saved);
        backoffStreams.set(node, stream);
      }
      entry.restore(state.entry);
      expertRole.restore(state.jobs);
    },
    get busy() {
      return entry.busy;
    },
    get tokens() {
      return entry.tokens;
    },
    get requests() {
      return entry.requests;
    },
    expertLoad,
    attributedUj,
    counters,
  };
}

export { zeroComponents };
