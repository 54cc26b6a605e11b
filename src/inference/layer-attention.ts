/**
 * A token's residual at a layer's attention node (layer-pass.ts): stale messages are dropped,
 * attention and the gate run on the node's MCU, and the chosen experts are called, remote ones
 * one node at a time (expert-calls.ts), local ones in place.
 */
import { attentionUnit, createInt8LatentCache, gateDecision, gateScores, type GateDecision } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import { copyComponents, type Components } from './components.ts';
import { advance, callExperts, countDrop, idOf } from './expert-calls.ts';
import { nodeLimitedCandidates, servingNodes } from './expert-routing.ts';
import { expertsToSkip } from './expert-skipping.ts';
import type { LayerPass, LayerPassesRun } from './layer-pass.ts';
import type { TokenRecord } from './records.ts';
import { EXPERTS_SKIPPED } from './token-books.ts';
import { sharedFlag, type ModelMessage } from './wire.ts';
import { mapValues } from '../model/map-values.ts';

/** A token's residual reached layer `message.layer`'s attention node: attention and the gate are computed, unless the message is stale. */
export function attention(run: LayerPassesRun, node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components): void {
  const { counters, compute, work } = run.deps;
  const slotKey = `${node}/${message.slot}/${message.layer}`;
  const last = run.latest.get(slotKey);
  // A slot serves one request at a time, requests in arrival order: an earlier request, or an
  // older position or attempt of the same one, is stale.
  if (last && (message.request < last.request || (last.request === message.request && (message.position < last.position || (message.position === last.position && message.attempt < last.attempt))))) {
    counters.staleMessages++;
    return;
  }
  run.latest.set(slotKey, { request: message.request, position: message.position, attempt: message.attempt });
  const old = run.passes.get(slotKey);
  if (old) old.done = true;
  compute(node, work.attention(node, message.layer, message.position, message.positions), token, acc, { type: 'attended', node, message, token, acc });
}

/** Attention and the gate have run on `node`: the experts are called, local ones run in place. */
export function attended(run: LayerPassesRun, node: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components): void {
  const { context, counters, cost, alive, tensorAt } = run.deps;
  const { model, settings } = context;
  const config = model.config;
  const slotKey = `${node}/${message.slot}/${message.layer}`;
  const l = message.layer;
  let cache = run.caches.get(slotKey);
  if (!cache) run.caches.set(slotKey, (cache = createInt8LatentCache(model)));
  if (cache.length < message.position) {
    counters.staleMessages++;
    return;
  }
  cache.length = message.position;
  const pipeline = run.multiple ? run.deps.pipelineOf(message.slot) : undefined;
  const serving = servingNodes(run.routedHolders[l]!, node, cost, alive, pipeline);
  const sharedServing = servingNodes(run.sharedHolders[l]!, node, cost, alive, pipeline);
  const bias = model.layers[l]!.bias;
  const h: Int8Tensor[] = [];
  const gates: GateDecision[] = [];
  const keys: number[] = [];
  for (let i = 0; i < message.positions; i++) {
    const x = message.x.subarray(i * config.dim, (i + 1) * config.dim);
    const hi = attentionUnit(model, l, tensorAt(x, model.scales.residual[l]!), cache);
    const scores = gateScores(model, l, hi);
    const biased = mapValues(scores.affinity, (a, e) => a + bias[e]!);
    const candidates = settings.maxNodesPerToken === undefined ? undefined : nodeLimitedCandidates(biased, serving, config.topK, settings.maxNodesPerToken);
    run.deps.books.allowed({ serial: token.serial, node, position: i, layer: l, attempt: message.attempt, atMs: run.deps.host.scheduler.nowMs }, candidates);
    const gate = gateDecision(model, l, scores, candidates);
    h.push(hi);
    gates.push(gate);
    // Link-aware choice: far experts of small weight are not called (the combine renormalises).
    const skipped = settings.skipExperts ? expertsToSkip(settings.skipExperts, gate.experts, gate.weights, serving, node, cost) : [];
    run.deps.books.add(token.serial, node, EXPERTS_SKIPPED, skipped.length);
    for (const id of [...sharedServing.map((_, s) => sharedFlag | s), ...gate.experts.filter((_, k) => !skipped.includes(k))]) keys.push((i << 8) | id);
  }
  const pass: LayerPass = { token, message, node, h, gate: gates, outputs: new Map(), outstanding: new Map(), queue: [], current: undefined, done: false };
  run.passes.set(slotKey, pass);
  const byNode = expertsByNode(run, node, keys, serving, sharedServing, token);
  // Remote calls go one at a time (the next when the previous is answered or given up): the
  // node's radio is half duplex, and a reply arriving while it sends the next call is lost.
  for (const [at, list] of [...byNode].sort((a, b) => a[0] - b[0])) {
    if (at === node) continue;
    for (const id of list) pass.outstanding.set(id, { call: 0, node: at, tries: 0, tried: [] });
    pass.queue.push({ node: at, ids: list, tries: 0, tried: [] });
  }
  const local = byNode.get(node);
  if (local) callExperts(run, pass, node, local, copyComponents(acc), 0, []);
  advance(run, pass, acc);
}

/** The keys grouped by the node serving them, in the keys' order; one with no live holder is dropped (counted on the token). */
function expertsByNode(run: LayerPassesRun, node: number, keys: readonly number[], serving: readonly number[], sharedServing: readonly number[], token: TokenRecord): Map<number, number[]> {
  const byNode = new Map<number, number[]>();
  for (const key of keys) {
    const id = idOf(key);
    const at = id & sharedFlag ? sharedServing[id & ~sharedFlag]! : serving[id]!;
    if (at < 0) {
      countDrop(run, node, token, key);
      continue;
    }
    const list = byNode.get(at);
    if (list) list.push(key);
    else byNode.set(at, [key]);
  }
  return byNode;
}
