/**
 * One node's radio stack as an object (send messages, take delivered frames): a view of the
 * radio stacks of every node (links.ts), for the applications and tests.
 */
import type { Delivery } from '../radio/transmission.ts';
import type { Message } from './links.ts';

export type { Message, ReceivedMessage } from './links.ts';

export interface LoraNode {
  readonly index: number;
  /** Hands an application message to the radio stack; returns its message id. */
  send(message: Message): number;
  /** Called by the transport with each frame the ether delivered to this node. */
  receive(delivery: Delivery): void;
  /** Messages with some but not all fragments received. */
  readonly incompleteMessages: number;
}
