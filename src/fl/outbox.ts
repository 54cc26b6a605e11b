/**
 * How federated learning's messages reach the MAC: an outbox per node, at most four messages in
 * the MAC at once (its queue holds eight), each tagged with its round, so that each frame's
 * airtime, bytes and ledger joules are its round's. A message's MAC deadline is its round's end:
 * what a closed round left queued is never sent; what it left in the outbox is purged.
 */
import type { SimEvent } from '../node/events.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Transmission } from '../radio/transmission.ts';
import { encodeFl, type FlMessage } from './wire.ts';
import { decodeFrameRound, encodeFrameRound } from './frame-round.ts';

/** Messages waiting per node, what each has in its MAC, and the rounds of messages sent (a checkpoint: checkpoint-state.ts). */
export interface OutboxState {
  readonly queues: Map<number, { destination: number; payload: Uint8Array; round: number; slotted?: boolean }[]>;
  readonly inMac: Map<number, number>;
  readonly rounds: Map<number, number>;
  /** Slotted uplinks: per node, the time before which its next slotted frame may not go (absent without slots). */
  readonly slotFreeMs?: Map<number, number>;
}

export interface Outbox extends Checkpointable<OutboxState> {
  post(node: number, destination: number, message: FlMessage, round: number): void;
  /** Drops the round's messages not handed to a MAC yet, of the nodes `which` names. */
  purge(round: number, which: (node: number) => boolean): void;
  /** Node events: binds messages to rounds, and frees the window as frames leave. */
  onEvent(event: SimEvent): void;
  /** A frame of `node`'s message goes on the air: its metadata, the message's round (frame-round.ts). */
  frameMeta(node: number, messageId: number): Uint8Array | undefined;
  /** The round a frame belongs to, from its metadata. */
  causeOf(tx: Transmission): number | undefined;
}

export interface OutboxConfig {
  readonly scheduler: Scheduler;
  send(node: number, destination: number, payload: Uint8Array, deadlineMs: number): void;
  alive(node: number): boolean;
  /** When a round closes (its frames' deadline). */
  roundEndMs(round: number): number;
  /** A frame of `round` went on the air. */
  onFrame(round: number, tx: Transmission): void;
  /** A frame went on the air and its node has nothing more to send (scheduled rounds: it listens for a reply). */
  onDrained?(node: number, tx: Transmission): void;
  /**
   * Slotted uplinks (scheduled rounds): whether a message goes in its node's slots, and the
   * start of the node's first slot at or after `notBeforeMs`. One frame per slot, each slot a
   * whole frame period after the last.
   */
  readonly slots?: { slotted(node: number, message: FlMessage): boolean; nextSlotMs(node: number, notBeforeMs: number): number; periodMs: number };
}

const window = 4;

export function createOutbox(config: OutboxConfig): Outbox {
  const { scheduler } = config;
  const queues = new Map<number, { destination: number; payload: Uint8Array; round: number; slotted?: boolean }[]>();
  const slotFreeMs = new Map<number, number>();
  const inMac = new Map<number, number>();
  const rounds = new Map<number, number>();
  /** Messages whose last fragment has left the MAC (a node's message ids wrap: a new message clears its id). */
  const leftMac = new Set<number>();
  let staged: number | undefined;
  const key = (sender: number, messageId: number): number => sender * 0x10000 + messageId;
  // An integer event (not a callback): a checkpoint can hold it.
  const pumpKind = scheduler.kind((node) => pump(node));

  function pump(node: number): void {
    const queue = queues.get(node);
    while (queue && queue.length > 0 && (inMac.get(node) ?? 0) < window && config.alive(node)) {
      if (queue[0]!.slotted && config.slots) {
        // One frame per slot: wait for the node's next one, with nothing of its own in the MAC.
        if ((inMac.get(node) ?? 0) > 0) return;
        const atMs = config.slots.nextSlotMs(node, Math.max(scheduler.nowMs, slotFreeMs.get(node) ?? Number.NEGATIVE_INFINITY));
        if (atMs > scheduler.nowMs) {
          scheduler.atKind(atMs, pumpKind, node);
          return;
        }
        slotFreeMs.set(node, atMs + config.slots.periodMs / 2);
      }
      const next = queue.shift()!;
      inMac.set(node, (inMac.get(node) ?? 0) + 1);
      staged = next.round;
      config.send(node, next.destination, next.payload, Math.max(0, config.roundEndMs(next.round) - scheduler.nowMs));
      staged = undefined;
    }
  }

  return {
    checkpoint: () => ({ queues, inMac, rounds, ...(config.slots && { slotFreeMs }) }),
    restore(state) {
      replaceMap(queues, state.queues);
      replaceMap(inMac, state.inMac);
      replaceMap(rounds, state.rounds);
      replaceMap(slotFreeMs, state.slotFreeMs ?? new Map());
    },
    post(node, destination, message, round) {
      let queue = queues.get(node);
      if (!queue) queues.set(node, (queue = []));
      const slotted = config.slots?.slotted(node, message) ?? false;
      queue.push({ destination, payload: encodeFl(message), round, ...(slotted && { slotted }) });
      pump(node);
    },
    purge(round, which) {
      for (const [node, queue] of queues) if (which(node)) for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.round === round) queue.splice(i, 1);
    },
    onEvent(event) {
      if (event.type === 'messageSent') {
        leftMac.delete(key(event.sender, event.messageId));
        if (staged !== undefined) rounds.set(key(event.sender, event.messageId), staged);
        return;
      }
      if (event.type !== 'txStarted' && event.type !== 'txBlocked' && event.type !== 'txUnsent') return;
      const started = event.type === 'txStarted';
      const sender = started ? event.tx.sender : event.sender;
      const round = rounds.get(key(sender, started ? event.tx.messageId : event.messageId));
      if (round === undefined) return;
      // A message leaves the MAC's queue with its last fragment (once: a link-layer retransmission of it does not count again).
      const messageKey = key(sender, started ? event.tx.messageId : event.messageId);
      if ((started ? event.tx.fragmentIndex : event.fragmentIndex) === (started ? event.tx.fragmentCount : event.fragmentCount) - 1 && !leftMac.has(messageKey)) {
        leftMac.add(messageKey);
        inMac.set(sender, Math.max(0, (inMac.get(sender) ?? 0) - 1));
      }
      if (started) config.onFrame(round, event.tx);
      if (started && (inMac.get(sender) ?? 0) === 0 && (queues.get(sender)?.length ?? 0) === 0) config.onDrained?.(sender, event.tx);
      scheduler.atKind(scheduler.nowMs, pumpKind, sender);
    },
    frameMeta(node, messageId) {
      const round = rounds.get(key(node, messageId));
      return round === undefined ? undefined : encodeFrameRound(round);
    },
    causeOf: (tx) => decodeFrameRound(tx.meta),
  };
}
