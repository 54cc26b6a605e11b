/**
 * Model messages on their way (engine.ts): each is encoded (wire.ts) and handed to the sending
 * node's radio stack for the next hop on the routes. Each of its frames carries, as simulation
 * metadata (frame-meta.ts), the token it serves and the token's account with the message's
 * frames so far; the receiver takes the account from the frame that completed the message, adds
 * its processing, and delivers it, or, as a relay, sends it on one hop more. Nothing a receiver
 * needs is kept at the sender, so sender and receiver may run in different processes.
 */
import type { MessageSentEvent, TxStartedEvent } from '../node/events.ts';
import type { ReceivedMessage } from '../node/lora-node.ts';
import type { Transmission } from '../radio/transmission.ts';
import { replaceArray, replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import { addFrame, addProcessing, copyComponents, type Components } from './components.ts';
import type { FrameTiming } from '../node/mac-types.ts';
import { decodeFrameMeta, encodeFrameMeta, serialOf, type FrameMeta } from './frame-meta.ts';
import type { InferenceHost } from './context.ts';
import type { KnownRoutes } from './known-routes.ts';
import type { TokenRecord } from './records.ts';
import { FRAMES, FRAMES_AIRTIME_MS, HOPS, PHY_BYTES, type TokenBooks } from './token-books.ts';
import { decodeMessage, decodeNetworkHeader, encodeMessage, type ModelMessage } from './wire.ts';

/**
 * A message out, by its (sender, message id) key, at its sender (a checkpoint holds these): its
 * token, its flight number, and its account so far, a copy of the token's account when it was
 * sent with each of its frames added as it goes on the air. The sender keeps it for frames it may
 * send again (a retransmission) until its message id comes round again (2^16 messages later):
 * nothing a receiver does touches it.
 */
interface InFlight {
  readonly token: TokenRecord;
  readonly flight: number;
  readonly acc: Components;
  lastEndMs: number;
}

/** The flights' state (a checkpoint: checkpoint-state.ts). */
export interface MessageFlightsState {
  readonly inflight: Map<number, InFlight>;
  readonly flights: number[];
  readonly delivered: (Map<number, number> | undefined)[];
}

export interface MessageFlightsDeps {
  readonly host: InferenceHost;
  readonly routes: KnownRoutes;
  readonly counters: { unroutable: number; unknownMessages: number };
  /** What the nodes add to the tokens' records. */
  readonly books: TokenBooks;
  /** How long a frame may wait in a MAC (inference.deadline). */
  readonly deadlineMs: number;
  /** The model's width, to decode residuals. */
  readonly dim: number;
  /** The token of a serial, where its record is kept. */
  tokenOf(serial: number): TokenRecord | undefined;
  /** A message reached its destination (or was local). */
  deliver(node: number, origin: number, message: ModelMessage, token: TokenRecord, acc: Components): void;
}

export interface MessageFlights extends Checkpointable<MessageFlightsState> {
  /** Sends a model message from `from` to `to` (over the routes; at once when local). False when unroutable. */
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  onMessage(node: number, received: ReceivedMessage): void;
  messageSent(event: MessageSentEvent): void;
  txStarted(event: TxStartedEvent): void;
  /** A frame of `node`'s message goes on the air: its metadata (frame-meta.ts), its part added to the message's account. */
  frameMeta(node: number, messageId: number, timing: FrameTiming): Uint8Array | undefined;
  /** The token a frame serves (its serial). */
  causeOf(tx: Transmission): number | undefined;
}

const keyOf = (sender: number, messageId: number): number => sender * 0x10000 + messageId;

export function createMessageFlights(deps: MessageFlightsDeps): MessageFlights {
  const { host, routes, counters, books } = deps;
  const inflight = new Map<number, InFlight>();
  /** Per sender, the messages it has sent (the next one's flight number). */
  const flights: number[] = [];
  /** Per receiver, the flight number of the last message delivered under each (sender, message id) key. */
  const delivered: (Map<number, number> | undefined)[] = [];
  /** The message being handed to a MAC now: its `messageSent` event files it under its key. */
  let staged: InFlight | undefined;

  function sendBytes(from: number, to: number, bytes: Uint8Array, token: TokenRecord, acc: Components): boolean {
    const next = routes.nextHop(from, to);
    if (next < 0 || !routes.alive(from)) {
      counters.unroutable++;
      return false;
    }
    books.add(token.serial, from, HOPS, 1);
    const flight = flights[from] ?? 0;
    flights[from] = flight + 1;
    staged = { token, flight, acc: copyComponents(acc), lastEndMs: Number.NEGATIVE_INFINITY };
    host.send(from, next, bytes, deps.deadlineMs);
    staged = undefined;
    return true;
  }

  /** The message's metadata, unless it is a copy of one this node was given already (counted unknown, as one without). */
  function firstCopy(node: number, received: ReceivedMessage): FrameMeta | undefined {
    const meta = decodeFrameMeta(received.lastFrame.tx.meta);
    if (!meta) return undefined;
    const k = keyOf(received.sender, received.messageId);
    const seen = (delivered[node] ??= new Map());
    if (seen.get(k) === meta.flight) return undefined;
    seen.set(k, meta.flight);
    return meta;
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
      const meta = firstCopy(node, received);
      const token = meta && deps.tokenOf(meta.serial);
      if (!meta || !token) {
        counters.unknownMessages++;
        return;
      }
      const acc = meta.acc;
      addProcessing(acc, received.lastFrame.tx.endMs, host.scheduler.nowMs);
      const network = decodeNetworkHeader(received.payload);
      if (network.destination !== node) {
        // A relay: on towards the destination, one hop more.
        const bytes = received.payload.slice();
        bytes[4] = Math.min(255, network.hops + 1);
        sendBytes(node, network.destination, bytes, token, acc);
        return;
      }
      const { message } = decodeMessage(received.payload, deps.dim);
      deps.deliver(node, network.origin, message, token, acc);
    },
    messageSent(event) {
      if (staged) inflight.set(keyOf(event.sender, event.messageId), staged);
    },
    frameMeta(node, messageId, timing) {
      const flight = inflight.get(keyOf(node, messageId));
      if (!flight) return undefined;
      flight.lastEndMs = addFrame(flight.acc, timing, flight.lastEndMs);
      return encodeFrameMeta({ serial: flight.token.serial, flight: flight.flight, acc: flight.acc });
    },
    txStarted(event) {
      const flight = inflight.get(keyOf(event.tx.sender, event.tx.messageId));
      if (!flight) return;
      const { tx } = event;
      const serial = flight.token.serial;
      books.add(serial, tx.sender, FRAMES, 1);
      books.add(serial, tx.sender, PHY_BYTES, tx.bytes.length);
      books.add(serial, tx.sender, FRAMES_AIRTIME_MS, tx.airtimeMs);
    },
    causeOf: (tx) => serialOf(tx.meta),
    checkpoint: () => ({ inflight, flights, delivered }),
    restore(state) {
      replaceMap(inflight, state.inflight);
      replaceArray(flights, state.flights);
      delivered.length = 0;
      state.delivered.forEach((seen, node) => seen && (delivered[node] = new Map(seen)));
    },
  };
}
