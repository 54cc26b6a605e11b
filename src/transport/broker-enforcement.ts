/**
 * What the embedded broker enforces, and what it counts: per-run credentials, the topic ACLs of
 * topics.ts and the packet size limit, as aedes hooks over one explicit record of state
 * (broker.ts wires them). The hooks answer through their callbacks and never throw; whatever
 * they refuse is logged and counted by reason.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Aedes, AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes';
import { publishPacketBytes } from './packet-size-guard.ts';
import { parseRole, roleName, runTopics, type Role, type RunTopics, type TopicKind } from './topics.ts';
import type { BrokerLogEntry, BrokerStats, Credentials, RefusalReason } from './broker.ts';

/** A refusal decided by our hooks, told apart from protocol errors in aedes' error events. */
export class BrokerRefusal extends Error {
  readonly returnCode: number;
  constructor(detail: string, returnCode = 5) {
    super(detail);
    this.name = 'BrokerRefusal';
    this.returnCode = returnCode;
  }
}

/** Who speaks to the broker: an aedes client, or an in-process client of its own (direct-client.ts). */
export interface BrokerPeer {
  readonly id: string;
}

/** The broker's enforcement state: its run's topics and secret, who is who, and the counts. */
export interface Enforcement {
  readonly topics: RunTopics;
  readonly nodes: number;
  /** Largest PUBLISH accepted, as a whole MQTT packet. */
  readonly maxPacketBytes: number;
  readonly log: (entry: BrokerLogEntry) => void;
  /** The password of a user name, derived from the run's secret. */
  readonly passwordOf: (username: string) => string;
  /** Each authenticated client's role: an aedes client, or an in-process client of the broker's own (direct-client.ts). */
  readonly users: WeakMap<BrokerPeer, { readonly role: Role; readonly username: string }>;
  /**
   * A client id belongs, for the whole run, to the first user that connected with it, so that
   * no role can take over another role's session [MQTT-3.1.4-2].
   */
  readonly clientIdOwners: Map<string, string>;
  readonly refused: Record<RefusalReason, number>;
  readonly published: Record<TopicKind, number>;
  clientErrors: number;
}

/**
 * The enforcement of one run, with a fresh secret.
 *
 * @example
 * const enforcement = createEnforcement('r1', 2, 512, console.log);
 */
export function createEnforcement(runId: string, nodes: number, maxPacketBytes: number, log: (entry: BrokerLogEntry) => void): Enforcement {
  // One random secret per run; each role's password is derived from it, so a thousand-node
  // run stores nothing per node and an external broker's password file can be generated.
  const secret = randomBytes(32);
  return {
    topics: runTopics(runId, nodes),
    nodes,
    maxPacketBytes,
    log,
    passwordOf: (username) => createHmac('sha256', secret).update(username).digest('base64url'),
    users: new WeakMap(),
    clientIdOwners: new Map(),
    refused: { connect: 0, publish: 0, subscribe: 0, oversize: 0, forward: 0 },
    published: { tx: 0, rx: 0, ctl: 0, metrics: 0 },
    clientErrors: 0,
  };
}

/** A role's user name and password. */
export function credentialsOf(enforcement: Enforcement, role: Role): Credentials {
  const username = roleName(role);
  return { username, password: enforcement.passwordOf(username) };
}

/** A snapshot of the counts, with the number of clients connected now. */
export function statsOf({ refused, published, clientErrors }: Enforcement, clients: number): BrokerStats {
  return { refused: { ...refused }, published: { ...published }, clientErrors, clients };
}

/** Counts and logs a refused CONNECT (the client has no user yet). */
export function refuseConnect(enforcement: Enforcement, username: string | undefined, clientId: string | undefined, detail: string): void {
  enforcement.refused.connect += 1;
  enforcement.log({ type: 'refused', reason: 'connect', username, clientId, topic: undefined, detail });
}

/** Counts an accepted publish by its topic's kind (not a topic of the run: not counted). */
export function countPublished(enforcement: Enforcement, topic: string): void {
  const kind = enforcement.topics.parse(topic)?.kind;
  if (kind !== undefined) enforcement.published[kind] += 1;
}

/** Counts and logs a refusal decided after CONNECT. */
export function refuse(enforcement: Enforcement, reason: RefusalReason, client: BrokerPeer | null, topic: string | undefined, detail: string): void {
  enforcement.refused[reason] += 1;
  const username = client === null ? undefined : enforcement.users.get(client)?.username;
  enforcement.log({ type: 'refused', reason, username, clientId: client?.id ?? undefined, topic, detail });
}

/** The aedes hooks that enforce the run's credentials and ACLs. */
export function enforcementHooks(enforcement: Enforcement): Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>> {
  const { users, topics } = enforcement;
  return {
    authenticate: (client, username, password, done) => {
      const problem = connectProblem(enforcement, client, username, password);
      if (problem === undefined) return done(null, true);
      refuseConnect(enforcement, username, client.id ?? undefined, problem.detail);
      done(new BrokerRefusal(problem.detail, problem.returnCode) as AuthenticateError, null);
    },

    authorizePublish: (client, packet, done) => {
      const refusal = publishRefusal(enforcement, client, packet);
      if (refusal === undefined) return done(null);
      refuse(enforcement, refusal[0], client, packet.topic, refusal[1]);
      done(new BrokerRefusal(refusal[1]));
    },

    authorizeSubscribe: (client, subscription, done) => {
      const user = users.get(client);
      if (user !== undefined && topics.maySubscribe(user.role, subscription.topic)) return done(null, subscription);
      refuse(enforcement, 'subscribe', client, subscription.topic, `${user?.username ?? 'unauthenticated client'} may not subscribe here`);
      // A null subscription is answered with return code 0x80 and keeps the connection [MQTT-3.9.3].
      done(null, null);
    },

    // Subscriptions are already checked; this also covers messages queued for a persistent
    // session and retained messages, which reach a client without a new SUBSCRIBE.
    authorizeForward: (client, packet) => {
      const user = users.get(client);
      if (user !== undefined && topics.maySubscribe(user.role, packet.topic)) return packet;
      refuse(enforcement, 'forward', client, packet.topic, `${user?.username ?? 'unauthenticated client'} may not read this topic`);
      return null;
    },
  };
}

/** Why a CONNECT is refused (with its CONNACK return code), or undefined after recording the client's user. */
export function connectProblem(enforcement: Enforcement, client: BrokerPeer, username: string | undefined, password: Readonly<Buffer | undefined>): { detail: string; returnCode: number } | undefined {
  if (username === undefined || password === undefined) return { detail: 'no credentials', returnCode: 4 };
  const role = parseRole(username, enforcement.nodes);
  const expected = Buffer.from(enforcement.passwordOf(username));
  if (role === undefined || password.length !== expected.length || !timingSafeEqual(password, expected)) {
    return { detail: 'bad user name or password', returnCode: 4 };
  }
  const owner = enforcement.clientIdOwners.get(client.id);
  if (owner !== undefined && owner !== username) return { detail: `client id ${client.id} belongs to ${owner}`, returnCode: 2 };
  enforcement.clientIdOwners.set(client.id, username);
  enforcement.users.set(client, { role, username });
  return undefined;
}

/** Why a PUBLISH is refused, or undefined. */
export function publishRefusal(enforcement: Enforcement, client: BrokerPeer | null, packet: Pick<PublishPacket, 'topic' | 'payload' | 'qos' | 'retain'>): [RefusalReason, string] | undefined {
  const { topics, maxPacketBytes } = enforcement;
  const user = client === null ? undefined : enforcement.users.get(client);
  const topic = packet.topic;
  const payloadBytes = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
  const packetBytes = publishPacketBytes(topic, payloadBytes, packet.qos);
  const kind = topics.parse(topic)?.kind;
  if (user === undefined) return ['publish', 'publish without an authenticated client (stale will)'];
  if (!topics.mayPublish(user.role, topic)) return ['publish', `${user.username} may not publish here`];
  if (packet.retain && (kind === 'tx' || kind === 'rx')) return ['publish', 'frames are events and may not be retained'];
  // Only the coordinator retains (the live metrics' start, for viewers that join late): a
  // worker's retained messages under made-up ids would grow the broker's store without bound.
  if (packet.retain && user.role.kind !== 'coordinator') return ['publish', `${user.username} may not retain messages`];
  // The guard already refused oversize packets on the wire; this catches wills, which
  // arrive inside CONNECT and are published later.
  if (packetBytes > maxPacketBytes) return ['oversize', `publish of ${packetBytes} bytes, limit ${maxPacketBytes}`];
  return undefined;
}

/** Counts accepted publishes by topic kind and logs the connections that end on an error. */
export function watchBroker(aedes: Aedes, enforcement: Enforcement): void {
  aedes.on('publish', (packet, client) => {
    if (client === null) return; // aedes' own $SYS messages, and direct clients' (counted as they publish)
    countPublished(enforcement, packet.topic);
  });
  const onClientError = (client: Client, error: Error): void => {
    if (error instanceof BrokerRefusal) return; // counted where it was decided
    enforcement.clientErrors += 1;
    enforcement.log({ type: 'clientError', username: enforcement.users.get(client)?.username, clientId: client.id ?? undefined, detail: error.message });
  };
  aedes.on('clientError', onClientError);
  aedes.on('connectionError', onClientError);
  // Persistence failures surface here; an unhandled 'error' event would crash the process.
  (aedes as EventEmitter).on('error', (error: Error) => enforcement.log({ type: 'clientError', username: undefined, clientId: undefined, detail: `broker: ${error.message}` }));
}
