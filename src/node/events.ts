/**
 * Typed events emitted by nodes and the ether. Models never count: trackers subscribe to these.
 */
import type { ReceptionEvent } from '../radio/ether.ts';
import type { Transmission } from '../radio/transmission.ts';

/** A frame left the MAC and went on the air. */
export interface TxStartedEvent {
  readonly type: 'txStarted';
  readonly atMs: number;
  readonly tx: Transmission;
  readonly queuedAtMs: number;
  /** Time the frame waited behind other frames of the same node. */
  readonly queueWaitMs: number;
  /** Time the frame waited, first in line, for its sub-band's duty-cycle budget. */
  readonly dutyCycleWaitMs: number;
  /** Time the frame waited, first in line, for its receiver's rendezvous window. */
  readonly wakeWaitMs: number;
  /** Energy drawn from the supply while transmitting. */
  readonly energyUj: number;
}

export type BlockReason = 'deadline' | 'queueFull';

/** A frame the MAC never sent (the `dutyCycleBlocked` outcome). */
export interface TxBlockedEvent {
  readonly type: 'txBlocked';
  readonly atMs: number;
  readonly sender: number;
  readonly destination: number;
  readonly reason: BlockReason;
  readonly phyBytes: number;
  readonly sf: number;
  readonly messageId: number;
  readonly fragmentIndex: number;
  readonly fragmentCount: number;
  readonly queuedAtMs: number;
}

/** A queued frame that never got an outcome because its node died (not an attempt). */
export interface TxUnsentEvent {
  readonly type: 'txUnsent';
  readonly atMs: number;
  readonly sender: number;
  readonly destination: number;
  readonly messageId: number;
  readonly fragmentIndex: number;
  readonly fragmentCount: number;
  readonly queuedAtMs: number;
}

/** A node died: brown-out at a current peak, or its battery reached the cut-off. */
export interface NodeDiedEvent {
  readonly type: 'nodeDied';
  readonly atMs: number;
  readonly node: number;
  /** `failure`: a fault the scenario injected (its `faults` list). */
  readonly reason: 'brownOut' | 'batteryEmpty' | 'failure';
  readonly stateOfCharge: number;
}

/** A runtime memory allocation that did not fit: the node refuses the work, it does not overrun. */
export interface NodeFaultEvent {
  readonly type: 'nodeFault';
  readonly atMs: number;
  readonly node: number;
  readonly reason: string;
}

/** An application message handed to a node's radio stack. */
export interface MessageSentEvent {
  readonly type: 'messageSent';
  readonly atMs: number;
  readonly sender: number;
  readonly destination: number;
  readonly messageId: number;
  readonly appBytes: number;
  readonly fragments: number;
}

/** An application message complete at a receiver (every fragment arrived). */
export interface MessageDeliveredEvent {
  readonly type: 'messageDelivered';
  readonly atMs: number;
  readonly sender: number;
  readonly receiver: number;
  /** The message's addressee (the receiver for unicast), or −1 for a broadcast. */
  readonly destination: number;
  readonly messageId: number;
  readonly createdAtMs: number;
  readonly appBytes: number;
}

export type SimEvent =
  | ReceptionEvent
  | TxStartedEvent
  | TxBlockedEvent
  | TxUnsentEvent
  | MessageSentEvent
  | MessageDeliveredEvent
  | NodeDiedEvent
  | NodeFaultEvent;

export type EmitEvent = (event: SimEvent) => void;

/** The node that emitted a node event; the ether's receptions have none. */
export function eventNode(event: SimEvent): number {
  switch (event.type) {
    case 'txStarted':
      return event.tx.sender;
    case 'txBlocked':
    case 'txUnsent':
    case 'messageSent':
      return event.sender;
    case 'messageDelivered':
      return event.receiver;
    case 'nodeDied':
    case 'nodeFault':
      return event.node;
    case 'reception':
      return -1;
  }
}

/**
 * The node events as calls with their fields, for the hot path: the radio tracker and the
 * series sampler take them without an object per event. `eventObjects` makes the objects for
 * those who want them (applications, listeners, a worker's report); `dispatchEvent` turns an
 * object back into its call.
 */
export interface EventSink {
  txStarted(tx: Transmission, queuedAtMs: number, queueWaitMs: number, dutyCycleWaitMs: number, wakeWaitMs: number, energyUj: number): void;
  txBlocked(atMs: number, sender: number, destination: number, reason: BlockReason, phyBytes: number, sf: number, messageId: number, fragmentIndex: number, fragmentCount: number, queuedAtMs: number): void;
  txUnsent(atMs: number, sender: number, destination: number, messageId: number, fragmentIndex: number, fragmentCount: number, queuedAtMs: number): void;
  messageSent(atMs: number, sender: number, destination: number, messageId: number, appBytes: number, fragments: number): void;
  messageDelivered(atMs: number, sender: number, receiver: number, destination: number, messageId: number, createdAtMs: number, appBytes: number): void;
  nodeDied(atMs: number, node: number, reason: NodeDiedEvent['reason'], stateOfCharge: number): void;
  nodeFault(atMs: number, node: number, reason: string): void;
}

/** An event sink that hands each event to `emit` as an object. */
export function eventObjects(emit: EmitEvent): EventSink {
  return {
    txStarted: (tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj) => emit({ type: 'txStarted', atMs: tx.startMs, tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj }),
    txBlocked: (atMs, sender, destination, reason, phyBytes, sf, messageId, fragmentIndex, fragmentCount, queuedAtMs) =>
      emit({ type: 'txBlocked', atMs, sender, destination, reason, phyBytes, sf, messageId, fragmentIndex, fragmentCount, queuedAtMs }),
    txUnsent: (atMs, sender, destination, messageId, fragmentIndex, fragmentCount, queuedAtMs) => emit({ type: 'txUnsent', atMs, sender, destination, messageId, fragmentIndex, fragmentCount, queuedAtMs }),
    messageSent: (atMs, sender, destination, messageId, appBytes, fragments) => emit({ type: 'messageSent', atMs, sender, destination, messageId, appBytes, fragments }),
    messageDelivered: (atMs, sender, receiver, destination, messageId, createdAtMs, appBytes) => emit({ type: 'messageDelivered', atMs, sender, receiver, destination, messageId, createdAtMs, appBytes }),
    nodeDied: (atMs, node, reason, stateOfCharge) => emit({ type: 'nodeDied', atMs, node, reason, stateOfCharge }),
    nodeFault: (atMs, node, reason) => emit({ type: 'nodeFault', atMs, node, reason }),
  };
}

/** Calls the sink's method for a node event object (receptions are the ether's: not here). */
export function dispatchEvent(sink: EventSink, event: SimEvent): void {
  switch (event.type) {
    case 'txStarted':
      return sink.txStarted(event.tx, event.queuedAtMs, event.queueWaitMs, event.dutyCycleWaitMs, event.wakeWaitMs, event.energyUj);
    case 'txBlocked':
      return sink.txBlocked(event.atMs, event.sender, event.destination, event.reason, event.phyBytes, event.sf, event.messageId, event.fragmentIndex, event.fragmentCount, event.queuedAtMs);
    case 'txUnsent':
      return sink.txUnsent(event.atMs, event.sender, event.destination, event.messageId, event.fragmentIndex, event.fragmentCount, event.queuedAtMs);
    case 'messageSent':
      return sink.messageSent(event.atMs, event.sender, event.destination, event.messageId, event.appBytes, event.fragments);
    case 'messageDelivered':
      return sink.messageDelivered(event.atMs, event.sender, event.receiver, event.destination, event.messageId, event.createdAtMs, event.appBytes);
    case 'nodeDied':
      return sink.nodeDied(event.atMs, event.node, event.reason, event.stateOfCharge);
    case 'nodeFault':
      return sink.nodeFault(event.atMs, event.node, event.reason);
    case 'reception':
      throw new RangeError('receptions are the ether\u2019s, not a node\u2019s: give them to the tracker');
  }
}
