/**
 * A LoRa node's radio stack above the MAC: it turns application messages into frames (real
 * bytes, fragmented when larger than one frame may carry) and reassembles what it receives.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import { createReassembler, fragmentPayload, parseFragment } from '../radio/fragmentation.ts';
import { decodeFrame, encodeFrame, portFragment, portMessage, type FramingId } from '../radio/framing.ts';
import { broadcastDestination, type Delivery } from '../radio/transmission.ts';
import type { EmitEvent } from './events.ts';
import type { Mac } from './mac.ts';

export interface LoraNodeConfig {
  readonly index: number;
  readonly scheduler: Scheduler;
  readonly mac: Mac;
  readonly framing: FramingId;
  /** Largest application payload per frame (from the framing, region and modulation). */
  readonly maxAppBytes: number;
  readonly emit: EmitEvent;
  /**
   * SRAM for reassembling a fragmented message, taken when its first fragment arrives and given
   * back when it completes or is abandoned; `allocate` returns false (and reports the fault)
   * when the node has no room, and the message is then dropped.
   */
  readonly reassemblyMemory?: { allocate(bytes: number): boolean; free(bytes: number): void };
  /** The application: each complete message addressed to this node (or broadcast), with its bytes. */
  readonly onMessage?: (message: ReceivedMessage) => void;
}

export interface ReceivedMessage {
  readonly sender: number;
  readonly messageId: number;
  readonly payload: Uint8Array;
  /** The frame that completed it (its last fragment to arrive). */
  readonly lastFrame: Delivery;
}

export interface Message {
  readonly destination: number;
  readonly payload: Uint8Array;
  /** How long each frame may wait for the MAC before it is dropped; Infinity for ever. */
  readonly deadlineMs: number;
}

export interface LoraNode {
  readonly index: number;
  /** Hands an application message to the radio stack; returns its message id. */
  send(message: Message): number;
  /** Called by the transport with each frame the ether delivered to this node. */
  receive(delivery: Delivery): void;
  /** Messages with some but not all fragments received. */
  readonly incompleteMessages: number;
}

const messageIdSpace = 0x10000;

export function createLoraNode(config: LoraNodeConfig): LoraNode {
  const { scheduler, mac, framing } = config;
  /** Bytes held per partial message (source × 2^16 + id); -1 when the message was refused. */
  const held = new Map<number, number>();
  const release = (key: number): void => {
    const bytes = held.get(key);
    held.delete(key);
    if (bytes !== undefined && bytes > 0) config.reassemblyMemory?.free(bytes);
  };
  const reassembler = createReassembler({ onAbandon: (source, messageId) => release(source * 0x10000 + messageId) });
  let nextMessageId = 0;

  return {
    index: config.index,
    send({ destination, payload, deadlineMs }) {
      const messageId = nextMessageId;
      nextMessageId = (nextMessageId + 1) % messageIdSpace;
      const nowMs = scheduler.nowMs;
      const whole = payload.length <= config.maxAppBytes;
      const parts = whole ? [payload] : fragmentPayload(payload, messageId, config.maxAppBytes);
      const port = whole ? portMessage : portFragment;
      const address = destination === broadcastDestination ? 0xffff : destination;
      config.emit({ type: 'messageSent', atMs: nowMs, sender: config.index, destination, messageId, appBytes: payload.length, fragments: parts.length });
      parts.forEach((part, fragmentIndex) => {
        mac.submit({
          // The frame counter is the MAC's; the header carries the next one (a later frame's
          // header may repeat a number if an earlier frame is blocked, as on a real node).
          bytes: encodeFrame(framing, { source: config.index, destination: address, seq: mac.framesSent, port }, part),
          destination,
          messageId,
          fragmentIndex,
          fragmentCount: parts.length,
          messageCreatedAtMs: nowMs,
          deadlineMs: nowMs + deadlineMs,
        });
      });
      return messageId;
    },
    receive(delivery) {
      const { tx } = delivery;
      const { header, payload } = decodeFrame(framing, tx.bytes);
      let complete: Uint8Array | undefined = payload;
      if (header.port === portFragment) {
        const fragment = parseFragment(payload);
        const key = tx.sender * 0x10000 + fragment.messageId;
        if (config.reassemblyMemory && !held.has(key)) {
          // Room for the whole message, sized from this fragment (the last one may be shorter).
          const bytes = fragment.count * fragment.data.length;
          held.set(key, config.reassemblyMemory.allocate(bytes) ? bytes : -1);
        }
        if (held.get(key) === -1) return;
        complete = reassembler.add(tx.sender, fragment);
        if (complete) release(key);
      }
      if (complete) {
        config.emit({
          type: 'messageDelivered',
          atMs: delivery.atMs,
          sender: tx.sender,
          receiver: config.index,
          destination: tx.destination,
          messageId: tx.messageId,
          createdAtMs: tx.messageCreatedAtMs,
          appBytes: complete.length,
        });
        config.onMessage?.({ sender: tx.sender, messageId: tx.messageId, payload: complete, lastFrame: delivery });
      }
    },
    get incompleteMessages() {
      return reassembler.incomplete;
    },
  };
}
