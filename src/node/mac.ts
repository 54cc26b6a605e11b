/**
 * One node's MAC as an object: a view of the MAC table (macs.ts), where the behaviour and the
 * state live, for a single node (tests, and callers that run one node).
 */
import type { RandomGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { AirtimeParams } from '../radio/airtime.ts';
import type { Region } from '../radio/regions.ts';
import type { Transmission } from '../radio/transmission.ts';
import { eventObjects, type EmitEvent } from './events.ts';
import { createMacs, type MacNode, type OutgoingFrame } from './macs.ts';

export type { OutgoingFrame } from './macs.ts';

export interface MacConfig {
  readonly node: number;
  readonly scheduler: Scheduler;
  readonly region: Region;
  readonly channelsHz: readonly number[];
  /** Generator of the channel choices (`streamGenerator(seed, name)`). */
  readonly rng: RandomGenerator;
  /** Messages the queue holds at most (all fragments of a message count as one). */
  readonly queueCapacity: number;
  readonly airtime: Omit<AirtimeParams, 'payloadBytes'>;
  readonly txPowerDbm: number;
  readonly txCurrentMa: number;
  readonly supplyV: number;
  /** Hands a frame to the radio at its start time; false when the node cannot transmit it, which stops the MAC. */
  readonly transmit: (tx: Transmission) => boolean;
  readonly emit: EmitEvent;
  /** Earliest time at or after `atMs` at which `destination` can catch a frame. */
  readonly receiverReadyAtMs?: (destination: number, atMs: number) => number;
  /** Preamble symbols for frames to `destination`. */
  readonly preambleSymbolsFor?: (destination: number) => number;
}

export interface Mac {
  /** Queues a frame (or blocks it at once when the queue is full). */
  submit(frame: OutgoingFrame): void;
  /** The node died: every queued frame is reported unsent and nothing more is sent. */
  kill(): void;
  readonly queueLength: number;
  /** Frames sent so far: the next frame's seq. */
  readonly framesSent: number;
  /** Whether frames are queued or one is on the air. */
  readonly busy: boolean;
}

/**
 * @example
 * const mac = createMac({ node: 0, scheduler, region: regions.eu868, channelsHz: [868.1e6], rng: streamGenerator(1, 'mac'), queueCapacity: 8,
 *   airtime: { sf: 7, bandwidthHz: 125e3, codingRate: 1 }, txPowerDbm: 14, txCurrentMa: 44, supplyV: 3.3, transmit: () => true, emit: () => undefined });
 */
export function createMac(config: MacConfig): Mac {
  const i = config.node;
  const nodes: (MacNode | undefined)[] = [];
  nodes[i] = { index: i, channelsHz: config.channelsHz, rng: config.rng, queueCapacity: config.queueCapacity, airtime: config.airtime, txPowerDbm: config.txPowerDbm, txCurrentMa: config.txCurrentMa, supplyV: config.supplyV };
  const preamble = config.preambleSymbolsFor;
  const macs = createMacs({
    scheduler: config.scheduler,
    region: config.region,
    nodes,
    transmit: config.transmit,
    events: eventObjects(config.emit),
    ...(config.receiverReadyAtMs && { receiverReadyAtMs: config.receiverReadyAtMs }),
    ...(preamble && { preambleSymbolsFor: (_node: number, destination: number) => preamble(destination) }),
  });
  return {
    submit: (frame) => macs.submit(i, frame.bytes, frame.destination, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.messageCreatedAtMs, frame.deadlineMs),
    kill: () => macs.kill(i),
    get queueLength() {
      return macs.queueLength(i);
    },
    get framesSent() {
      return macs.framesSent(i);
    },
    get busy() {
      return macs.busy(i);
    },
  };
}
