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
 * Where an mqtt.js client over an in-memory stream takes ~20 µs for a message to reach a
 * subscriber in the same process (encode, the stream, parse, aedes' `setImmediate` per
 * forwarded packet, encode, parse), this takes ~1.7 µs (`bench/mqtt.ts`, ping-pong).
 *
 * Delivery is synchronous while aedes' router has fewer than 100 messages in flight (each
 * socket subscriber holds one until its own `setImmediate`): a subscriber's listener then runs
 * inside the publisher's call. The transport does not depend on it (its barriers count
 * arrivals). A direct client cannot lose its connection: it has none. A refused publish closes
 * it, as aedes closes a socket client's connection for one [MQTT-3.3.5-2], and it says so with
 * an `error` event.
 *
 * Where it differs from a socket client, none of which the run's own clients need: no retained
 * message is sent on a new subscription, and the retain flag of a live message is not cleared;
 * it has no last will (the broker lives and dies with the run's process); a second direct
 * client with the id of a live one is refused instead of taking it over; its filters are the
 * run's own, checked by the ACLs but not for MQTT syntax.
 */
import { EventEmitter } from 'node:events';
import type { Aedes, AedesPublishPacket } from 'aedes';
import type { BrokerClient, MessageListener } from './broker-client.ts';
import { BrokerRefusal, connectProblem, countPublished, publishRefusal, refuse, refuseConnect, type BrokerPeer, type Enforcement } from './broker-enforcement.ts';
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
    refuseConnect(enforcement, credentials.username, clientId, problem.detail);
    throw new BrokerRefusal(problem.detail, problem.returnCode);
  }
  const role = enforcement.users.get(peer)!.role;
  const events = new EventEmitter();
  const subscriptions = new Set<string>();
  let connected = true;
  // A message that matches several of the client's filters reaches it once, as aedes
  // de-duplicates for a socket client: its router numbers every message it routes, in order.
  let lastCounter = -1;

  const deliver = (packet: AedesPublishPacket, done: () => void): void => {
    try {
      if (!connected || packet.brokerCounter <= lastCounter) return;
      lastCounter = packet.brokerCounter;
      events.emit('message', packet.topic, packet.payload as Buffer, packet);
    } finally {
      // Whatever a listener does, the router's slot is given back.
      done();
    }
  };
  const end = (): void => {
    if (!connected) return;
    connected = false;
    for (const topic of subscriptions) aedes.unsubscribe(topic, deliver, () => undefined);
    subscriptions.clear();
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
      countPublished(enforcement, topic);
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
          // A filter subscribed again replaces the first, as a SUBSCRIBE does [MQTT-3.8.4-3].
          if (subscriptions.has(topic)) return { topic, qos: 0 };
          subscriptions.add(topic);
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
