/**
 * The MQTT transport's state as one explicit record (mqtt-transport.ts): the clients, the
 * barrier and what counts towards it, the replay outbox and the copies already seen.
 */
import type { BrokerClient } from './broker-client.ts';
import type { Barrier } from './barrier.ts';
import type { Exchange } from './exchange.ts';
import type { CoordinatorRemote } from './remote-partitions.ts';
import type { ReplayOutbox } from './replay-outbox.ts';
import type { SeenMessages } from './seen-messages.ts';
import type { RunTopics } from './topics.ts';

export interface MqttRun {
  readonly topics: RunTopics;
  readonly coordinator: BrokerClient;
  /** Per node, the client that publishes its frames (undefined for a remote node). */
  readonly nodeClients: readonly (BrokerClient | undefined)[];
  readonly barrier: Barrier;
  /**
   * What this process published and a peer may have lost when the broker went away: the
   * window's frames and deliveries, and the workers' ops, until acknowledged (replay-outbox.ts).
   */
  readonly outbox: ReplayOutbox;
  /**
   * Whether a message may arrive twice: only once replayed after a lost connection, so never
   * when every client is a direct one (direct-client.ts) and no worker takes part; the copies
   * seen are then not tracked.
   */
  readonly copies: boolean;
  readonly seenTx: SeenMessages;
  readonly seenRx: SeenMessages;
  readonly remote: CoordinatorRemote | undefined;
  readonly counts: MqttCounts;
  /** The exchange of the bound transport, once bound. */
  bound: Exchange | undefined;
}

/** The envelopes published and received, which the barriers compare, and those refused. */
export interface MqttCounts {
  sentTx: number;
  receivedTx: number;
  sentRx: number;
  receivedRx: number;
  /** Envelopes refused as malformed (the workers' control messages are counted by `remote`). */
  malformed: number;
}
