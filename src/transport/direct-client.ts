/**
 * A client of the embedded broker inside the broker's own process (issue 22): it publishes
 * into aedes and subscribes to it through aedes' own API, with no MQTT packet encoded or
 * parsed and no stream between them. Everything else is the broker's as for any client: the
 * same credentials checked at connection, the same ACLs and packet-size limit for every
 * PUBLISH and SUBSCRIBE (broker-enforcement.ts), refusals counted and logged by reason, and
 * every message matched by aedes' router and forwarded to every subscriber, whether it is
 * another in-process client, a worker on TCP or a viewer on WebSocket. Accepted publishes are
 * counted by topic kind, as the broker counts its socket clients'.
 *
 * Where an mqtt.js client over an in-memory stream costs ~15 µs for a message to reach a
 * subscriber in the same process (encode, the stream, parse, aedes' `setImmediate` per
 * forwarded packet, encode, parse), this costs ~1.3 µs (`bench/mqtt-ratio.ts`; performance.md).
 *
 * Delivery is synchronous, as aedes' router is: a subscriber's listener runs inside the
 * publisher's call. The transport does not depend on it (its barriers count arrivals).
 * A direct client cannot lose its connection: it has none. A refused publish closes it, as
 * aedes closes a socket client's connection for one [MQTT-3.3.5-2], and it says so with an
 * `error` event.
 */
import { EventEmitter } from 'node:events';
import type { Aedes, AedesPublishPacket } from 'aedes';
import type { BrokerClient, MessageListener } from './broker-client.ts';
import { BrokerRefusal, connectProblem, publishRefusal, refuse, type BrokerPeer, type Enforcement } from './broker-enforcement.ts';
import type { Credentials } from './broker.ts';

export interface DirectClient extends BrokerClient {
  readonly id: string;
  /** The broker is closing: the client ends and says so with an `error` event. */
  brokerClosed(): void;
}

const directClients = new WeakSet<BrokerClient>();

/** Whether `client` is a direct client (it has no connection to lose or take up again). */
export function isDirectClient(client: BrokerClient): client is DirectClient {
  return directClients.has(client);
}

/**
 * Connects an in-process client with `credentials` as `clientId`; throws a BrokerRefusal (counted
 * and logged) when the broker refuses them, as it refuses a CONNECT.
 */
export function connectDirectClient(aedes: Aedes, enforcement: Enforcement, credentials: Credentials, clientId: string, onEnd: (client: DirectClient) => void): DirectClient {
  const peer: BrokerPeer = { id: clientId };
  const problem = connectProblem(enforcement, peer, credentials.username, Buffer.from(credentials.password));
  if (problem !== undefined) {
    enforcement.refused.connect += 1;
    enforcement.log({ type: 'refused', reason: 'connect', username: credentials.username, clientId, topic: undefined, detail: problem.detail });
    throw new BrokerRefusal(problem.detail, problem.returnCode);
  }
  const role = enforcement.users.get(peer)!.role;
  const events = new EventEmitter();
  const subscriptions: string[] = [];
  let connected = true;

  const deliver = (packet: AedesPublishPacket, done: () => void): void => {
    if (connected) events.emit('message', packet.topic, packet.payload as Buffer, packet);
    done();
  };
  const end = (): void => {
    if (!connected) return;
    connected = false;
    for (const topic of subscriptions.splice(0)) aedes.unsubscribe(topic, deliver, () => undefined);
    onEnd(client);
  };

  const endWith = (error: Error): void => {
    if (!connected) return;
    end();
    // Told to whoever listens (the transport does: it fails the run's barrier); unheard, it
    // does not throw, unlike an EventEmitter's unheard 'error'.
    process.nextTick(() => events.listenerCount('error') > 0 && events.emit('error', error));
  };

  const client: DirectClient = {
    id: clientId,
    get connected() {
      return connected;
    },
    publish(topic, payload, options) {
      if (!connected) return;
      const packet = { cmd: 'publish' as const, topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: 0 as const, retain: options.retain ?? false, dup: false };
      const refusal = publishRefusal(enforcement, peer, packet);
      if (refusal !== undefined) {
        refuse(enforcement, refusal[0], peer, topic, refusal[1]);
        return endWith(new BrokerRefusal(`the broker refused a publish on ${topic} by ${clientId} and closed its connection: ${refusal[1]}`));
      }
      const kind = enforcement.topics.parse(topic)?.kind;
      if (kind !== undefined) enforcement.published[kind] += 1;
      aedes.publish(packet, () => undefined);
    },
    async subscribeAsync(topics) {
      if (!connected) throw new Error(`${clientId} is not connected`);
      const granted = await Promise.all(
        (typeof topics === 'string' ? [topics] : topics).map((topic) => {
          if (!enforcement.topics.maySubscribe(role, topic)) {
            refuse(enforcement, 'subscribe', peer, topic, `${credentials.username} may not subscribe here`);
            return { topic, qos: 0x80 };
          }
          subscriptions.push(topic);
          return new Promise<{ topic: string; qos: number }>((resolve) => aedes.subscribe(topic, deliver, () => resolve({ topic, qos: 0 })));
        }),
      );
      return granted;
    },
    endAsync() {
      end();
      return Promise.resolve();
    },
    brokerClosed() {
      endWith(new Error(`the connection of ${clientId} to the embedded broker closed mid-run: the broker closed`));
    },
    on(event: 'message' | 'error', listener: MessageListener | ((error: Error) => void)) {
      events.on(event, listener);
      return client;
    },
  };
  directClients.add(client);
  return client;
}
