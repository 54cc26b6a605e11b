/**
 * Model messages on their way (engine.ts): each is encoded (wire.ts) and handed to the sending
 * node's radio stack for the next hop on the routes; while its frames are out, the message
 * knows its token, the token's account and the frames' timings, so that the receiver adds the
 * frames to the account and a relay sends it on, one hop more.
 */
import type { MessageSentEvent, TxStartedEvent } from '../node/events.ts';
import type { ReceivedMessage } from '../node/lora-node.ts';
import type { Transmission } from '../radio/transmission.ts';
import { replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import { addMessage, type Components, type FrameTiming } from './components.ts';
import type { InferenceHost } from './context.ts';
import type { KnownRoutes } from './known-routes.ts';
import type { TokenRecord } from './records.ts';
import { decodeMessage, decodeNetworkHeader, encodeMessage, type ModelMessage } from './wire.ts';

/** A message out, by its (sender, message id) key (a checkpoint holds these). */
interface InFlight {
  readonly token: TokenRecord;
  readonly acc: Components;
  readonly frames: FrameTiming[];
}

export interface MessageFlightsDeps {
  readonly host: InferenceHost;
  readonly routes: KnownRoutes;
  readonly counters: { unroutable: number; unknownMessages: number };
  /** How long a frame may wait in a MAC (inference.deadline). */
  readonly deadlineMs: number;
  /** The model's width, to decode residuals. */
  readonly dim: number;
  /** A message reached its destination (or was local). */
  deliver(node: number, origin: number, message: ModelMessage, token: TokenRecord, acc: Components): void;
}

export interface MessageFlights extends Checkpointable<Map<number, unknown>> {
  /** Sends a model message from `from` to `to` (over the routes; at once when local). False when unroutable. */
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  onMessage(node: number, received: ReceivedMessage): void;
  messageSent(event: MessageSentEvent): void;
  txStarted(event: TxStartedEvent): void;
  /** The token a frame serves (its serial). */
  causeOf(tx: Transmission): number | undefined;
}

const keyOf = (sender: number, messageId: number): number => sender * 0x10000 + messageId;

export function createMessageFlights(deps: MessageFlightsDeps): MessageFlights {
  const { host, routes, counters } = deps;
  const inflight = new Map<number, InFlight>();
  /** The message being handed to a MAC now: its `messageSent` event files it under its key. */
  let staged: InFlight | undefined;

  function sendBytes(from: number, to: number, bytes: Uint8Array, token: TokenRecord, acc: Components): boolean {
    const next = routes.nextHop(from, to);
    if (next < 0 || !routes.alive(from)) {
      counters.unroutable++;
      return false;
    }
    token.hops++;
    staged = { token, acc, frames: [] };
    host.send(from, next, bytes, deps.deadlineMs);
    staged = undefined;
    return true;
  }

  return {
    send(from, to, message, token, acc) {
      if (from === to) {
        deps.deliver(to, from, message, token, acc);
        return true;
      }
      const bytes = encodeMessage({ destination: to, origin: from, hops: 0 }, message);
      return sendBytes(from, to, bytes, token, acc);
    },
    onMessage(node, received) {
      const k = keyOf(received.sender, received.messageId);
      const flight = inflight.get(k);
      inflight.delete(k);
      if (!flight) {
        counters.unknownMessages++;
        return;
      }
      addMessage(flight.acc, flight.frames, host.scheduler.nowMs);
      const network = decodeNetworkHeader(received.payload);
      if (network.destination !== node) {
        // A relay: on towards the destination, one hop more.
        const bytes = received.payload.slice();
        bytes[4] = Math.min(255, network.hops + 1);
        sendBytes(node, network.destination, bytes, flight.token, flight.acc);
        return;
      }
      const { message } = decodeMessage(received.payload, deps.dim);
      deps.deliver(node, network.origin, message, flight.token, flight.acc);
    },
    messageSent(event) {
      if (staged) inflight.set(keyOf(event.sender, event.messageId), staged);
    },
    txStarted(event) {
      const flight = inflight.get(keyOf(event.tx.sender, event.tx.messageId));
      if (!flight) return;
      const { tx } = event;
      flight.frames.push({ queuedAtMs: event.queuedAtMs, queueWaitMs: event.queueWaitMs, dutyCycleWaitMs: event.dutyCycleWaitMs, wakeWaitMs: event.wakeWaitMs, startMs: tx.startMs, airtimeMs: tx.airtimeMs, endMs: tx.endMs });
      flight.token.frames++;
      flight.token.phyBytes += tx.bytes.length;
      flight.token.framesAirtimeMs += tx.airtimeMs;
    },
    causeOf: (tx) => inflight.get(keyOf(tx.sender, tx.messageId))?.token.serial,
    checkpoint: () => inflight,
    restore: (state) => replaceMap(inflight, state as Map<number, InFlight>),
  };
}
