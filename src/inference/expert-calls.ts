/**
 * A layer pass's expert calls (layer-pass.ts): one remote holder at a time (local experts in
 * place), timeouts with retries to other replicas after a seeded backoff, replies resolved
 * against their call, and, once nothing is left out, the combine.
 *
 * An expert asked for a position is named by a key, `offset << 8 | id` (LayerPass).
 */
import { copyComponents, type Components } from './components.ts';
import { servingNodes } from './expert-routing.ts';
import type { LayerPass, LayerPassesRun } from './layer-pass.ts';
import type { TokenRecord } from './records.ts';
import { EXPERTS_DROPPED, SHARED_EXPERTS_DROPPED } from './token-books.ts';
import { sharedFlag, type ModelMessage } from './wire.ts';

/** The wire's expert id of a key. */
export const idOf = (key: number): number => key & 0xff;
/** The position's index in the pass of a key. */
const offsetOf = (key: number): number => key >> 8;

/** An expert `node` asked for is dropped: counted on the token's part at that node. */
export function countDrop(run: LayerPassesRun, node: number, token: TokenRecord, key: number): void {
  run.deps.books.add(token.serial, node, idOf(key) & sharedFlag ? SHARED_EXPERTS_DROPPED : EXPERTS_DROPPED, 1);
}

/** Sends the next queued call when none is out; finishes the layer when nothing is left. */
export function advance(run: LayerPassesRun, pass: LayerPass, acc: Components): void {
  if (pass.done || pass.current !== undefined) return;
  const next = pass.queue.shift();
  if (next) callExperts(run, pass, next.node, next.ids, copyComponents(acc), next.tries, next.tried);
  else if (pass.outstanding.size === 0) finish(run, pass, acc);
}

export function callExperts(run: LayerPassesRun, pass: LayerPass, at: number, ids: readonly number[], acc: Components, tries: number, tried: readonly number[]): void {
  const { host, context, send, later } = run.deps;
  const call = (run.calls[pass.node] = (run.calls[pass.node] ?? 0) + 1);
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
  const sentAtMs = host.scheduler.nowMs;
  // The path up to the call: `acc` travels with the message and grows; a timeout starts from here.
  const atCall = copyComponents(acc);
  if (!send(pass.node, at, out, pass.token, acc)) {
    for (const id of ids) resolve(run, pass, id, call, undefined, atCall);
    return;
  }
  if (!remote) return;
  // A call carrying several positions (speculative decoding) is that many times the bytes, out and back.
  later({ type: 'callTimeout', pass, call, ids, sentAtMs, atCall }, sentAtMs + context.settings.timeout * entries.length);
}

/** A remote call was not answered in time: its experts go to another replica after a backoff, or are dropped. */
export function callTimeout(run: LayerPassesRun, pass: LayerPass, call: number, ids: readonly number[], sentAtMs: number, atCall: Components): void {
  const { host, context, counters, cost, alive, later, backoffOf } = run.deps;
  const { settings } = context;
  const { scheduler } = host;
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
    const holders = id & sharedFlag ? run.sharedHolders[pass.message.layer]![id & ~sharedFlag]! : run.routedHolders[pass.message.layer]![id]!;
    const fresh = holders.filter((h) => !entry.tried.includes(h));
    const serving = entry.tries >= settings.retries ? -1 : servingNodes([fresh.length > 0 ? fresh : holders], pass.node, cost, alive)[0]!;
    if (serving < 0) {
      pass.outstanding.delete(key);
      countDrop(run, pass.node, pass.token, key);
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
  if (retries.length === 0) return advance(run, pass, after);
  // Retries wait a random backoff (see backoffMs), counted as part of the timeout.
  const backoffMs = backoffOf(pass.node);
  later({ type: 'retryCalls', pass, after, retries, backoffMs }, scheduler.nowMs + backoffMs);
}

/** The backoff is over: the retries go to the front of the queue. */
export function retryCalls(run: LayerPassesRun, pass: LayerPass, after: Components, retries: readonly { node: number; ids: number[]; tries: number; tried: number[] }[], backoffMs: number): void {
  if (pass.done || !run.deps.host.alive(pass.node)) return;
  after.timeoutMs += backoffMs;
  for (let r = retries.length - 1; r >= 0; r--) pass.queue.unshift(retries[r]!);
  return advance(run, pass, after);
}

/** An expert's output arrived for `call` (or it was dropped: `data` undefined); a reply to another call is stale. */
function resolve(run: LayerPassesRun, pass: LayerPass, id: number, call: number, data: Int8Array | undefined, acc: Components): boolean {
  const entry = pass.outstanding.get(id);
  if (pass.done || !entry || entry.call === 0 || (entry.call & 0xff) !== (call & 0xff)) return false;
  pass.outstanding.delete(id);
  if (data) pass.outputs.set(id, data);
  else countDrop(run, pass.node, pass.token, id);
  if (pass.current === entry.call && ![...pass.outstanding.values()].some((e) => e.call === entry.call)) pass.current = undefined;
  advance(run, pass, acc);
  return true;
}

/** Experts' outputs came back to `node`: each resolves its call, unless the reply is stale. */
export function reply(run: LayerPassesRun, node: number, origin: number, message: Extract<ModelMessage, { kind: 'reply' }>, acc: Components): void {
  const { counters } = run.deps;
  const pass = run.passes.get(`${node}/${message.slot}/${message.layer}`);
  if (!pass || pass.done || pass.node !== node || pass.message.position !== message.position || pass.message.positions !== message.positions || pass.message.attempt !== message.attempt || pass.message.request !== message.request) {
    counters.staleMessages++;
    return;
  }
  let accepted = false;
  for (const entry of message.entries) {
    for (const output of entry.outputs) {
      if (pass.done) return;
      accepted = resolve(run, pass, (entry.offset << 8) | output.id, message.call, output.data, copyComponents(acc)) || accepted;
    }
  }
  // A late reply to a call given up (its retry is out or queued) is not the retry's answer.
  if (!accepted) counters.staleMessages++;
  void origin;
}

/** Every expert is answered or dropped: the combine runs on the node's MCU (layer-combine.ts). */
function finish(run: LayerPassesRun, pass: LayerPass, acc: Components): void {
  if (pass.done) return;
  pass.done = true;
  const { token, node } = pass;
  run.deps.compute(node, run.deps.work.combine(node, pass.message.positions), token, acc, { type: 'combined', pass, acc });
}
