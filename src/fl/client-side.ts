/**
 * A federated client's side of a round (swarm.ts): it keeps the model chunks it hears (even
 * before its announce), asks for missing ones after a quiet while (`missing`, up to
 * `retransmissions` times), trains what the deadline leaves time for once it has the model, and
 * uploads its compressed update after a random jitter. What comes next is a step (data).
 */
import { computeCost } from '../hw/compute-cost.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { RandomStreams } from '../sim/rng.ts';
import type { Continuation } from '../sim/scheduler.ts';
import { createCompressor, decodeUpdate, type Compressor } from './compression.ts';
import { redundancyCount } from './fec.ts';
import { fullSteps } from './federation.ts';
import type { ClientSide, FlHost, FlSetup, RoundState, RoundStats } from './round-types.ts';
import { chunk, flHeaderBytes, parityHeaderBytes, type FlMessage } from './wire.ts';
import type { ClientSessions } from './sessions.ts';

/** What a client does next (a checkpoint holds it). */
export type ClientStep =
  | { readonly type: 'clientTimer'; readonly node: number; readonly side: ClientSide; readonly timer: number }
  | { readonly type: 'trained'; readonly node: number; readonly side: ClientSide; readonly state: RoundState; readonly start: Float64Array; readonly budget: number }
  | { readonly type: 'upload'; readonly node: number; readonly side: ClientSide; readonly update: Uint8Array[]; readonly state: RoundState };

export interface FlClientsDeps {
  readonly setup: FlSetup;
  readonly specs: readonly NodeSpec[];
  readonly host: FlHost;
  readonly clientSide: Map<number, ClientSide>;
  readonly compressors: Map<number, Compressor>;
  readonly streams: RandomStreams;
  readonly clientIndex: ReadonlyMap<number, number>;
  /** Application bytes per message, and per chunk. */
  readonly payloadBytes: number;
  readonly chunkBytes: number;
  /** How long after its start a round closes. */
  readonly deadlineMs: number;
  /** Scheduled rounds: the clients' radio sessions. */
  readonly sessions: ClientSessions | undefined;
  jitterOf(node: number): number;
  later(step: ClientStep, atMs?: number): Continuation;
  post(node: number, destination: number, message: FlMessage, round: number): void;
  postParity(node: number, destination: number, round: number, chunks: readonly Uint8Array[]): void;
  rebuild(chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], lastLength: number, stats: RoundStats): void;
  checkDone(state: RoundState): void;
  current(): RoundState | undefined;
  global(): Float64Array;
}

export interface FlClients {
  onClient(node: number, message: FlMessage): void;
  runStep(step: ClientStep): void;
}

export function createFlClients(deps: FlClientsDeps): FlClients {
  const { setup, specs, host, clientSide, compressors, streams, clientIndex, payloadBytes, chunkBytes, deadlineMs, sessions, jitterOf, later, post, postParity, rebuild, checkDone } = deps;
  const { settings, task, coordinator } = setup;
  const { scheduler } = host;
  const mu = settings.strategy.kind === 'fedprox' ? settings.strategy.mu : 0;
  const fec = settings.fec;

  function onClient(node: number, message: FlMessage): void {
    const state = deps.current();
    if (!state || state.closed || message.round !== state.stats.round) return;
    const round = message.round;
    if (message.kind === 'announce') {
      const known = clientSide.get(node);
      // A scheduled client listens on for the model if named and still without it, else sleeps.
      const named = message.clients.includes(node);
      if (sessions && (!named || !(known?.round === round && known.selected))) sessions.announced(node, named);
      if (!message.clients.includes(node) || (known?.round === round && known.selected)) return;
      // Chunks heard before the announce were kept.
      const side: ClientSide = known?.round === round ? { ...known, selected: true } : { round, chunks: new Array<Uint8Array | undefined>(message.chunks).fill(undefined), parities: [], lastLength: -1, attempts: 0, timer: 0, update: undefined, done: false, selected: true };
      clientSide.set(node, side);
      if (side.chunks.length === message.chunks && side.chunks.every((c) => c !== undefined)) train(node, side, state);
      else armClient(node, side);
      return;
    }
    let side = clientSide.get(node);
    if (message.kind === 'parity' && side && side.round === round && side.update === undefined) {
      side.parities[message.group] = message.bytes;
      side.lastLength = message.lastLength;
    }
    if (message.kind === 'model' && (!side || side.round !== round)) {
      // Not announced (yet): keep the chunks in case the announce comes late.
      side = { round, chunks: new Array<Uint8Array | undefined>(message.chunks).fill(undefined), parities: [], lastLength: -1, attempts: 0, timer: 0, update: undefined, done: false, selected: false };
      clientSide.set(node, side);
    }
    if (!side || side.round !== round || side.done) return;
    if (!side.selected) {
      if (message.kind === 'model') side.chunks[message.chunk] = message.bytes;
      return;
    }
    if ((message.kind === 'model' || message.kind === 'parity') && side.update === undefined) {
      if (message.kind === 'model') side.chunks[message.chunk] = message.bytes;
      rebuild(side.chunks, side.parities, side.lastLength, state.stats);
      armClient(node, side);
      if (side.chunks.every((c) => c !== undefined)) train(node, side, state);
    } else if (message.kind === 'missing' && side.update) {
      state.stats.resentChunks += message.chunks.filter((i) => side.update![i]).length;
      for (const i of message.chunks) if (side.update[i]) post(node, coordinator, { kind: 'update', round, chunk: i, chunks: side.update.length, bytes: side.update[i] }, round);
    }
  }

  function armClient(node: number, side: ClientSide): void {
    const timer = ++side.timer;
    later({ type: 'clientTimer', node, side, timer }, scheduler.nowMs + settings.idleTimeout + jitterOf(node));
  }

  /** A client heard nothing for a while: it asks for the chunks it misses, or gives up. */
  function clientTimer(node: number, side: ClientSide, timer: number): void {
    if (side.timer !== timer || side.update !== undefined || side.done || !host.alive(node) || deps.current()?.stats.round !== side.round || deps.current()!.closed) return;
    if (side.attempts >= settings.retransmissions) {
      side.done = true;
      sessions?.downloaded(node);
      return;
    }
    side.attempts++;
    const missing = side.chunks.map((c, i) => (c === undefined ? i : -1)).filter((i) => i >= 0).slice(0, Math.floor((payloadBytes + flHeaderBytes - 5) / 2));
    post(node, coordinator, { kind: 'missing', round: side.round, chunks: missing }, side.round);
    armClient(node, side);
  }

  function train(node: number, side: ClientSide, state: RoundState): void {
    side.timer++;
    sessions?.downloaded(node);
    const c = clientIndex.get(node)!;
    const indices = setup.partitions[c]!;
    const start = decodeUpdate(concat(side.chunks as Uint8Array[]), deps.global().length);
    const local = settings.local;
    const steps = fullSteps(indices.length, local);
    const batch = local.batchSize === 'full' ? indices.length : local.batchSize;
    const stepMs = computeCost(specs[node]!.mcu, { op: 'matmul', macs: settings.computeFactor * task.forwardMacsPerSample * batch }).latencyMs;
    // Time left for training: to the deadline, less the upload at least takes (its chunks paced
    // by the duty cycle, after the jitter) with one round of asking again.
    const updateBytes = estimatedUpdateBytes(deps.global().length);
    const dataChunks = Math.ceil(updateBytes / chunkBytes);
    const uploadChunks = dataChunks + (fec ? redundancyCount(fec, dataChunks) : 0);
    const uploadMs = settings.uplinkJitter + uploadChunks * host.frameGapMs(node, Math.min(updateBytes, chunkBytes) + (fec ? parityHeaderBytes : flHeaderBytes)) + settings.idleTimeout;
    const leftMs = state.stats.startMs + deadlineMs - uploadMs - scheduler.nowMs;
    const affordable = Math.floor(leftMs / stepMs);
    const straggler = affordable < steps;
    if (straggler) state.stats.stragglers++;
    if (straggler && (settings.stragglers === 'drop' || affordable < 1)) {
      side.done = true;
      state.server.get(node)!.status = 'out';
      checkDone(state);
      return;
    }
    const budget = straggler ? affordable : steps;
    host.compute(node, budget * stepMs, later({ type: 'trained', node, side, state, start, budget }), state.stats.round);
  }

  /** A client's MCU has run its training time: the training itself, its compressed update, and the upload after the jitter. */
  function trained(node: number, side: ClientSide, state: RoundState, start: Float64Array, budget: number): void {
    if (state.closed) return;
    const c = clientIndex.get(node)!;
    const params = task.params;
    const keep = setup.trainable[c] ?? params.length;
    params.forEach((p, k) => (p.trainable = k >= params.length - keep));
    const result = task.trainLocal(setup.partitions[c]!, start, { ...settings.local, mu, maxSteps: budget }, streams.stream(`fl/client/${node}/round/${state.stats.round}`));
    for (const p of params) p.trainable = true;
    let compressor = compressors.get(node);
    if (!compressor) compressors.set(node, (compressor = createCompressor(settings.compression)));
    const { bytes } = compressor.compress(result.delta);
    if (Number.isFinite(result.loss)) state.losses.push(result.loss);
    const update = chunk(bytes, chunkBytes).map((b) => b.slice());
    side.update = update;
    later({ type: 'upload', node, side, update, state }, scheduler.nowMs + jitterOf(node));
  }

  function upload(node: number, side: ClientSide, update: Uint8Array[], state: RoundState): void {
    if (state.closed) return;
    update.forEach((b, i) => post(node, coordinator, { kind: 'update', round: side.round, chunk: i, chunks: update.length, bytes: b }, side.round));
    postParity(node, coordinator, side.round, update);
  }

  /** An update's size at most: dense values, or top-k with 3-byte gaps. */
  function estimatedUpdateBytes(n: number): number {
    const { bits, topK } = settings.compression;
    const perValue = bits / 8;
    const scale = bits === 8 ? 4 : 0;
    return topK >= 1 ? 5 + scale + n * perValue : 5 + 3 + scale + Math.ceil(topK * n) * (3 + perValue);
  }

  return {
    onClient,
    runStep(step) {
      switch (step.type) {
        case 'clientTimer':
          return clientTimer(step.node, step.side, step.timer);
        case 'trained':
          return trained(step.node, step.side, step.state, step.start, step.budget);
        case 'upload':
          return upload(step.node, step.side, step.update, step.state);
      }
    },
  };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
