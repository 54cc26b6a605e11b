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
