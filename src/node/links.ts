/**
 * The radio stack above the MAC, for every node: it turns application messages into frames
 * (real bytes, fragmented when larger than one frame may carry) and reassembles what a node
 * receives. Per node it keeps a message counter; reassembly state is made only for nodes that
 * receive fragments.
 */
import { replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import { checkpointRows, restoreRows, type KeptColumn } from '../sim/row-checkpoint.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { createReassembler, fragmentPayload, parseFragment, type Reassembler, type ReassemblerState } from '../radio/fragmentation.ts';
import { encodeFrame, framePayload, framePayloadBytes, framePort, portFragment, portMessage, type FramingId } from '../radio/framing.ts';
import { broadcastDestination, gatewaysDestination, type Delivery } from '../radio/transmission.ts';
import type { EventSink } from './events.ts';
import type { Macs } from './macs.ts';

export interface LinksConfig {
  readonly scheduler: Scheduler;
  readonly macs: Macs;
  readonly framing: FramingId;
  /** Largest application payload per frame, by node (from the framing, region and modulation). */
  readonly maxAppBytes: readonly number[];
  readonly events: EventSink;
  /**
   * SRAM for reassembling a fragmented message, taken when its first fragment arrives and given
   * back when it completes or is abandoned; `allocate` returns false (and reports the fault)
   * when the node has no room, and the message is then dropped.
   */
  readonly reassemblyMemory?: { allocate(node: number, bytes: number): boolean; free(node: number, bytes: number): void };
  /**
   * With gateway diversity: the node whose reassembly stands for the network server, which
   * merges what every gateway received of an uplink (its fragments from any of them) and
   * counts each message once.
   */
  readonly networkServer?: number;
  /**
   * Senders whose uplinks to a sink go through the network server even when addressed to one
   * gateway (LoRaWAN devices: the server takes a retransmitted uplink, same FCnt, once).
   */
  readonly viaNetworkServer?: (sender: number) => boolean;
  /** The application: each complete message addressed to a node (or broadcast), with its bytes. */
  readonly onMessage?: (node: number, message: ReceivedMessage) => void;
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

/** Message counters and partial messages (a checkpoint: checkpoint-state.ts). */
export interface LinksState {
  readonly nextMessageId: Int32Array;
  readonly reassembly: ({ held: Map<number, number>; reassembler: ReassemblerState } | undefined)[];
}

export interface Links extends Checkpointable<LinksState> {
  /** Hands an application message of `node` to its radio stack; returns its message id. */
  send(node: number, destination: number, payload: Uint8Array, deadlineMs: number): number;
  /** A frame the ether delivered to `node`. */
  receive(node: number, delivery: Delivery): void;
  /** Messages with some but not all fragments received at `node`. */
  incompleteMessages(node: number): number;
}

const messageIdSpace = 0x10000;

/** A checkpoint's column of the next message ids (field 0 of each node's pair). */
const idColumns: readonly KeptColumn[] = [{ field: 0, type: Int32Array }];

/** A node's partial messages: bytes held per source × 2^16 + id (−1 when refused), and its reassembler. */
interface Reassembly {
  readonly held: Map<number, number>;
  readonly reassembler: Reassembler;
}

export function createLinks(config: LinksConfig): Links {
  const { scheduler, macs, framing } = config;
  const nodeCount = config.maxAppBytes.length;
  // Per node, side by side (one cache line where two columns were two): its next message id at
  // 2i, its largest payload per frame at 2i + 1.
  const perNode = new Float64Array(2 * nodeCount);
  config.maxAppBytes.forEach((bytes, node) => (perNode[2 * node + 1] = bytes));
  const reassembly: (Reassembly | undefined)[] = [];

  function reassemblyOf(node: number): Reassembly {
    let state = reassembly[node];
    if (!state) {
      const held = new Map<number, number>();
      const reassembler = createReassembler({ onAbandon: (source, messageId) => release(node, held, source * 0x10000 + messageId) });
      reassembly[node] = state = { held, reassembler };
    }
    return state;
  }

  function release(node: number, held: Map<number, number>, key: number): void {
    const bytes = held.get(key);
    held.delete(key);
    if (bytes !== undefined && bytes > 0) config.reassemblyMemory?.free(node, bytes);
  }


  /**
   * An uplink a gateway received, for the network server: fragments from any gateway go into
   * one reassembly (no node's memory: the server is not an MCU), a whole message is taken once
   * (the reassembler remembers completed ids per source, so a copy from another gateway is
   * ignored), and the gateway that completed it is its receiver.
   */
  function receiveUplink(gateway: number, delivery: Delivery, server: number): void {
    const { tx } = delivery;
    const fragmented = framePort(framing, tx.bytes) === portFragment;
    const fragment = fragmented ? parseFragment(framePayload(framing, tx.bytes)) : { messageId: tx.messageId, index: 0, count: 1, data: framePayload(framing, tx.bytes) };
    const complete = reassemblyOf(server).reassembler.add(tx.sender, fragment);
    if (!complete) return;
    config.events.messageDelivered(delivery.atMs, tx.sender, gateway, tx.destination, tx.messageId, tx.messageCreatedAtMs, complete.length);
    if (config.onMessage) config.onMessage(gateway, { sender: tx.sender, messageId: tx.messageId, payload: complete, lastFrame: delivery });
  }

  return {
    // The state is copied when serialised: the live maps can be handed over as they are.
    checkpoint: () => ({ nextMessageId: checkpointRows(perNode, 2, nodeCount, idColumns)[0] as Int32Array, reassembly: reassembly.map((r) => r && { held: r.held, reassembler: r.reassembler.checkpoint() }) }),
    restore(state) {
      restoreRows(perNode, 2, nodeCount, idColumns, [state.nextMessageId], 'message counters');
      reassembly.length = 0;
      state.reassembly.forEach((saved, node) => {
        if (!saved) return;
        const { held, reassembler } = reassemblyOf(node);
        replaceMap(held, saved.held);
        reassembler.restore(saved.reassembler);
      });
    },
    send(node, destination, payload, deadlineMs) {
      const messageId = perNode[2 * node]!;
      perNode[2 * node] = (messageId + 1) % messageIdSpace;
      const maxAppBytes = perNode[2 * node + 1]!;
      const nowMs = scheduler.nowMs;
      // A LoRaWAN uplink is addressed to no node: the network (0xfffe in the raw header).
      const address = destination === broadcastDestination ? 0xffff : destination === gatewaysDestination ? 0xfffe : destination;
      if (payload.length <= maxAppBytes) {
        config.events.messageSent(nowMs, node, destination, messageId, payload.length, 1);
        // The frame counter is the MAC's; the header carries the next one (a later frame's
        // header may repeat a number if an earlier frame is blocked, as on a real node).
        const bytes = encodeFrame(framing, { source: node, destination: address, seq: macs.framesSent(node), port: portMessage }, payload);
        macs.submit(node, bytes, destination, messageId, 0, 1, nowMs, nowMs + deadlineMs);
        return messageId;
      }
      const parts = fragmentPayload(payload, messageId, maxAppBytes);
      config.events.messageSent(nowMs, node, destination, messageId, payload.length, parts.length);
      parts.forEach((part, fragmentIndex) => {
        const bytes = encodeFrame(framing, { source: node, destination: address, seq: macs.framesSent(node), port: portFragment }, part);
        macs.submit(node, bytes, destination, messageId, fragmentIndex, parts.length, nowMs, nowMs + deadlineMs);
      });
      return messageId;
    },
    receive(node, delivery) {
      const { tx } = delivery;
      if (config.networkServer !== undefined && (tx.destination === gatewaysDestination || (config.viaNetworkServer?.(tx.sender) ?? false))) return receiveUplink(node, delivery, config.networkServer);
      let complete: Uint8Array | undefined;
      if (framePort(framing, tx.bytes) === portFragment) {
        const fragment = parseFragment(framePayload(framing, tx.bytes));
        const key = tx.sender * 0x10000 + fragment.messageId;
        const { held, reassembler } = reassemblyOf(node);
        if (config.reassemblyMemory && !held.has(key)) {
          // Room for the whole message, sized from this fragment (the last one may be shorter).
          const bytes = fragment.count * fragment.data.length;
          held.set(key, config.reassemblyMemory.allocate(node, bytes) ? bytes : -1);
        }
        if (held.get(key) === -1) return;
        complete = reassembler.add(tx.sender, fragment);
        if (!complete) return;
        release(node, held, key);
      }
      // A whole message's payload is a view of its frame, made only for an application to read.
      const appBytes = complete ? complete.length : framePayloadBytes(framing, tx.bytes);
      config.events.messageDelivered(delivery.atMs, tx.sender, node, tx.destination, tx.messageId, tx.messageCreatedAtMs, appBytes);
      if (config.onMessage) config.onMessage(node, { sender: tx.sender, messageId: tx.messageId, payload: complete ?? framePayload(framing, tx.bytes), lastFrame: delivery });
    },
    incompleteMessages: (node) => reassembly[node]?.reassembler.incomplete ?? 0,
  };
}
