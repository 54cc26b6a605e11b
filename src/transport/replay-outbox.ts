/**
 * What a process published that a peer may not have received yet, to publish again after the
 * broker came back (reconnection.ts). MQTT at QoS 0 loses what was on its way when a broker
 * restarts or drops a connection; the receivers count each message once (seen-messages.ts), so
 * publishing a window's messages again is always safe.
 *
 * Messages are kept in generations: the sender opens a new one where its peers have
 * acknowledged everything older (the coordinator at each barrier: what it sent in a window is
 * confirmed by the end of the next; a worker at each op: the next op means the coordinator
 * took its report and frames), and forgets the generation before the previous one.
 */
import type { BrokerClient } from './broker-client.ts';

interface Entry {
  readonly client: BrokerClient;
  readonly topic: string;
  readonly payload: Buffer;
}

export interface ReplayOutbox {
  /** Publishes at QoS 0 and keeps the message for a replay. */
  publish(client: BrokerClient, topic: string, payload: Buffer): void;
  /** Keeps a message already published elsewhere. */
  keep(client: BrokerClient, topic: string, payload: Buffer): void;
  /** Starts a new generation; `keep` generations (1 or 2) stay. */
  advance(): void;
  /** Publishes every kept message again, oldest first; returns how many. */
  replay(): number;
  /** Messages kept. */
  readonly size: number;
}

/** With `generations` 0 nothing is kept: a process whose messages cannot be lost (direct clients only, no workers). */
export function createReplayOutbox(generations: 0 | 1 | 2): ReplayOutbox {
  let previous: Entry[] = [];
  let current: Entry[] = [];
  return {
    publish(client, topic, payload) {
      client.publish(topic, payload, { qos: 0 });
      if (generations > 0) current.push({ client, topic, payload });
    },
    keep(client, topic, payload) {
      if (generations > 0) current.push({ client, topic, payload });
    },
    advance() {
      if (current.length === 0 && previous.length === 0) return;
      previous = generations === 2 ? current : [];
      current = [];
    },
    replay() {
      for (const { client, topic, payload } of previous) client.publish(topic, payload, { qos: 0 });
      for (const { client, topic, payload } of current) client.publish(topic, payload, { qos: 0 });
      return previous.length + current.length;
    },
    get size() {
      return previous.length + current.length;
    },
  };
}
