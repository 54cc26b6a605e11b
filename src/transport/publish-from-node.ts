import type { BrokerClient } from './broker-client.ts';
import { encodeEnvelope, type Envelope } from './envelope.ts';
import type { ReplayOutbox } from './replay-outbox.ts';
import type { RunTopics } from './topics.ts';

/** Publishes a node's own envelope (a transmission, or its death) on its tx topic, from its client, kept for a replay. */
export function publishFromNode(clients: readonly (BrokerClient | undefined)[], topics: RunTopics, node: number, envelope: Envelope, outbox: ReplayOutbox): void {
  outbox.publish(clients[node]!, topics.tx(node), encodeEnvelope(envelope));
}
