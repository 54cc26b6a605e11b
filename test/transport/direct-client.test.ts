/**
 * The embedded broker's in-process clients through aedes' API (direct-client.ts): the same
 * credentials, ACLs, packet limit and counts as a socket client's, and messages that cross to
 * and from socket clients.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmbeddedBroker, type BrokerLogEntry, type EmbeddedBroker } from '../../src/transport/broker.ts';
import { runTopics } from '../../src/transport/topics.ts';

const runId = 'direct';
const topics = runTopics(runId, 6);
let broker: EmbeddedBroker | undefined;
const sockets: MqttClient[] = [];
const log: BrokerLogEntry[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((client) => client.endAsync(true)));
  await broker?.close();
  broker = undefined;
  log.length = 0;
});

async function start(): Promise<EmbeddedBroker> {
  broker = await createEmbeddedBroker({ runId, nodes: 6, maxPacketBytes: 256, log: (entry) => log.push(entry) });
  return broker;
}

/** Messages received by a listener, as topic and text. */
function inbox(client: { on(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown }): string[] {
  const seen: string[] = [];
  client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
  return seen;
}

/** A pause for what must not arrive (a message refused or sent by a closed client). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
/** Waits, however loaded the machine, until `check` holds: messages that cross a socket take turns of the event loop. */
const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 10_000, interval: 5 });

describe('a direct client of the embedded broker', () => {
  it('publishes to and receives from socket clients, counted by topic kind as theirs are', async () => {
    const b = await start();
    const partition = b.connectDirect(b.credentials.partition([0, 2]), 'part');
    const coordinator = b.connectDirect(b.credentials.coordinator, 'coord');
    const node1 = await mqtt.connectAsync(b.url, { ...b.credentials.node(1), clientId: 'n1', reconnectPeriod: 0 });
    sockets.push(node1);
    const [atCoordinator, atPartition, atNode1] = [inbox(coordinator), inbox(partition), inbox(node1)];
    await coordinator.subscribeAsync(topics.allTx, { qos: 0 });
    await partition.subscribeAsync([topics.rx(0), topics.rx(2)], { qos: 0 });
    await node1.subscribeAsync(topics.rx(1), { qos: 0 });
    partition.publish(topics.tx(0), Buffer.from('a'), { qos: 0 });
    // A direct subscriber hears a direct publisher at once, inside the call.
    expect(atCoordinator).toEqual([`${topics.tx(0)} a`]);
    node1.publish(topics.tx(1), 'b', { qos: 0 });
    coordinator.publish(topics.rx(1), Buffer.from('c'), { qos: 0 });
    coordinator.publish(topics.rx(2), Buffer.from('d'), { qos: 0 });
    // aedes counts a socket client's publish a little after delivering it.
    await until(() => {
      expect(atCoordinator).toHaveLength(2);
      expect(atNode1).toHaveLength(1);
      expect(b.stats.published.tx).toBe(2);
    });
    expect(atCoordinator).toEqual([`${topics.tx(0)} a`, `${topics.tx(1)} b`]);
    expect(atPartition).toEqual([`${topics.rx(2)} d`]);
    expect(atNode1).toEqual([`${topics.rx(1)} c`]);
    expect(b.stats.published).toEqual({ tx: 2, rx: 2, ctl: 0, metrics: 0 });
    expect(b.stats.clients).toBe(3);
    expect(b.stats.refused).toEqual({ connect: 0, publish: 0, subscribe: 0, oversize: 0, forward: 0 });
  });

  it('cannot publish for a node its partition does not hold: refused, counted, logged, and the client closed with an error', async () => {
    const b = await start();
    const partition = b.connectDirect(b.credentials.partition([0, 2]), 'part');
    const coordinator = b.connectDirect(b.credentials.coordinator, 'coord');
    const atCoordinator = inbox(coordinator);
    await coordinator.subscribeAsync(topics.allTx, { qos: 0 });
    const errors: Error[] = [];
    partition.on('error', (error) => errors.push(error));
    partition.publish(topics.tx(1), Buffer.from('forged'), { qos: 0 });
    expect(partition.connected).toBe(false);
    // Closed: what it publishes next goes nowhere.
    partition.publish(topics.tx(0), Buffer.from('late'), { qos: 0 });
    await settle();
    expect(atCoordinator).toEqual([]);
    expect(errors.map((error) => error.message)).toEqual([`the broker refused a publish on ${topics.tx(1)} by part and closed its connection: partition:0,2 may not publish here`]);
    expect(b.stats.refused).toEqual({ connect: 0, publish: 1, subscribe: 0, oversize: 0, forward: 0 });
    expect(b.stats.published.tx).toBe(0);
    expect(b.stats.clients).toBe(1);
    expect(log).toEqual([{ type: 'refused', reason: 'publish', username: 'partition:0,2', clientId: 'part', topic: topics.tx(1), detail: 'partition:0,2 may not publish here' }]);
  });

  it('refuses a packet over the run\u2019s limit, a retained frame, a subscription to another node\u2019s deliveries and bad credentials, counting each', async () => {
    const b = await start();
    const node0 = b.connectDirect(b.credentials.node(0), 'n0');
    await node0.subscribeAsync([topics.rx(0), topics.rx(3), `${topics.prefix}/#`], { qos: 0 });
    expect(b.stats.refused.subscribe).toBe(2);
    node0.publish(topics.tx(0), Buffer.alloc(256), { qos: 0 });
    expect(b.stats.refused.oversize).toBe(1);
    const again = b.connectDirect(b.credentials.node(0), 'n0');
    again.publish(topics.tx(0), Buffer.from('x'), { qos: 0, retain: true });
    expect(b.stats.refused.publish).toBe(1);
    expect(() => b.connectDirect({ username: 'node:1', password: b.credentials.node(0).password }, 'n1')).toThrow('bad user name or password');
    // A client id belongs to the first user that connected with it.
    expect(() => b.connectDirect(b.credentials.node(1), 'n0')).toThrow('client id n0 belongs to node:0');
    expect(b.stats.refused).toEqual({ connect: 2, publish: 1, subscribe: 2, oversize: 1, forward: 0 });
    expect(b.stats.published.tx).toBe(0);
  });

  it('takes a message once however many of its filters match it, and nothing on a filter the broker refused', async () => {
    const b = await start();
    const coordinator = b.connectDirect(b.credentials.coordinator, 'coord');
    const viewer = b.connectDirect(b.credentials.viewer, 'view');
    const atViewer = inbox(viewer);
    await viewer.subscribeAsync([`${topics.prefix}/metrics/#`, `${topics.prefix}/metrics/live`, topics.allTx], { qos: 0 });
    await viewer.subscribeAsync(`${topics.prefix}/metrics/live`, { qos: 0 });
    expect(b.stats.refused.subscribe).toBe(1);
    coordinator.publish(`${topics.prefix}/metrics/live`, 'm', { qos: 0 });
    const node2 = await mqtt.connectAsync(b.url, { ...b.credentials.node(2), clientId: 'n2', reconnectPeriod: 0 });
    sockets.push(node2);
    node2.publish(topics.tx(2), 'frame', { qos: 0 });
    coordinator.publish(`${topics.prefix}/metrics/live`, 'n', { qos: 0 });
    // The socket client's frame has crossed the broker (the viewer's allTx filter was refused, so it must not have it).
    await until(() => expect(b.stats.published.tx).toBe(1));
    expect(atViewer).toEqual([`${topics.prefix}/metrics/live m`, `${topics.prefix}/metrics/live n`]);
    // A second live client with the same id is refused: no takeover between direct clients.
    expect(() => b.connectDirect(b.credentials.viewer, 'view')).toThrow('client id view is in use');
    expect(b.stats.refused.connect).toBe(1);
  });

  it('ends with an error when the broker closes under it, and none can connect after', async () => {
    const b = await start();
    const coordinator = b.connectDirect(b.credentials.coordinator, 'coord');
    const errors: string[] = [];
    coordinator.on('error', (error) => errors.push(error.message));
    await b.close();
    await settle();
    expect(coordinator.connected).toBe(false);
    expect(errors).toEqual(['the connection of coord to the embedded broker closed mid-run: the broker closed']);
    expect(() => b.connectDirect(b.credentials.coordinator, 'coord2')).toThrow('the embedded broker is closed');
  });
});
