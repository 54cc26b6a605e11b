/**
 * A federated client's download (client-side.ts): it keeps the model chunks it hears (even
 * before its announce), rebuilds what parity allows, asks for missing ones after a quiet while
 * (`missing`, up to `retransmissions` times, then gives up), trains once it has them all
 * (client-training.ts), and sends again the update chunks the coordinator asks for.
 */
import type { FlClientsDeps } from './client-side.ts';
import { train } from './client-training.ts';
import type { ClientSide, RoundView } from './round-types.ts';
import { flHeaderBytes, type FlMessage } from './wire.ts';

export function onClient(deps: FlClientsDeps, node: number, message: FlMessage): void {
  const view = deps.current();
  if (!view || view.closed || message.round !== view.round) return;
  if (message.kind === 'announce') return onAnnounce(deps, node, message, view);
  const { clientSide, post, rebuild } = deps;
  const round = message.round;
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
    rebuild(node, round, side.chunks, side.parities, side.lastLength);
    armClient(deps, node, side);
    if (side.chunks.every((c) => c !== undefined)) train(deps, node, side, view);
  } else if (message.kind === 'missing' && side.update) {
    deps.count(round, node, 'resentChunks', message.chunks.filter((i) => side.update![i]).length);
    for (const i of message.chunks) if (side.update[i]) post(node, deps.setup.coordinator, { kind: 'update', round, chunk: i, chunks: side.update.length, bytes: side.update[i] }, round);
  }
}

/** The round's announce: a client it names joins (with the chunks it kept), and trains at once if it has them all. */
function onAnnounce(deps: FlClientsDeps, node: number, message: Extract<FlMessage, { kind: 'announce' }>, view: RoundView): void {
  const { clientSide, sessions } = deps;
  const round = message.round;
  const known = clientSide.get(node);
  // A scheduled client listens on for the model if named and still without it, else sleeps.
  const named = message.clients.includes(node);
  if (sessions && (!named || !(known?.round === round && known.selected))) sessions.announced(node, named);
  if (!message.clients.includes(node) || (known?.round === round && known.selected)) return;
  // Chunks heard before the announce were kept.
  const side: ClientSide = known?.round === round ? { ...known, selected: true } : { round, chunks: new Array<Uint8Array | undefined>(message.chunks).fill(undefined), parities: [], lastLength: -1, attempts: 0, timer: 0, update: undefined, done: false, selected: true };
  clientSide.set(node, side);
  if (side.chunks.length === message.chunks && side.chunks.every((c) => c !== undefined)) train(deps, node, side, view);
  else armClient(deps, node, side);
}

function armClient(deps: FlClientsDeps, node: number, side: ClientSide): void {
  const timer = ++side.timer;
  deps.later({ type: 'clientTimer', node, side, timer }, deps.host.scheduler.nowMs + deps.setup.settings.idleTimeout + deps.jitterOf(node));
}

/** A client heard nothing for a while: it asks for the chunks it misses, or gives up. */
export function clientTimer(deps: FlClientsDeps, node: number, side: ClientSide, timer: number): void {
  const { host, sessions, payloadBytes, post } = deps;
  const { settings, coordinator } = deps.setup;
  const view = deps.current();
  if (side.timer !== timer || side.update !== undefined || side.done || !host.alive(node) || view?.round !== side.round || view.closed) return;
  if (side.attempts >= settings.retransmissions) {
    side.done = true;
    sessions?.downloaded(node);
    return;
  }
  side.attempts++;
  const missing = side.chunks.map((c, i) => (c === undefined ? i : -1)).filter((i) => i >= 0).slice(0, Math.floor((payloadBytes + flHeaderBytes - 5) / 2));
  post(node, coordinator, { kind: 'missing', round: side.round, chunks: missing }, side.round);
  armClient(deps, node, side);
}
