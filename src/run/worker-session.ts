/**
 * A worker process's side of a run (`loraswarm worker`): it says hello to the run's
 * coordinator through the broker, receives the resolved scenario and its partition, connects
 * one MQTT client per node of the partition, and then runs its nodes window by window as the
 * coordinator's `op` messages say, reporting after each (worker-protocol.ts). Its nodes'
 * frames travel on their own tx/rx topics exactly as in one process, so the results are the
 * same bytes.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { loadScenarioText } from '../scenario/loader.ts';
import { parsePartition } from '../transport/partition.ts';
import { resolveSwarm } from '../scenario/resolve.ts';
import { createSimulation } from './simulate.ts';
import { createBarrier } from '../transport/barrier.ts';
import { chunkControl, controlChunkBytes, createControlAssembler, decodeControlValue, encodeControlValue, MalformedControlError, type ControlAssembler } from '../transport/control-codec.ts';
import { decodeEnvelope, MalformedEnvelopeError } from '../transport/envelope.ts';
import { createExchange } from '../transport/exchange.ts';
import type { WorkerCredentials } from '../transport/mosquitto-setup.ts';
import { connectClient, connectionsOf, connectNodeClients, subscribeInBatches } from '../transport/client-connection.ts';
import { publishFromNode } from '../transport/mqtt-transport.ts';
import { createReconnection, defaultReconnectWindowMs } from '../transport/reconnection.ts';
import { createReplayOutbox } from '../transport/replay-outbox.ts';
import { createSeenMessages, deliveryKey } from '../transport/seen-messages.ts';
import { maxRunPacketBytes } from '../transport/packet-size-guard.ts';
import { runTopics } from '../transport/topics.ts';
import type { Transport } from '../transport/transport.ts';
import { descriptorProblem } from '../transport/descriptor-limit.ts';
import { EnvironmentError } from '../transport/environment-error.ts';
import { assignProblem, opProblem, workerProtocolVersion, workerSilenceMs, type AssignMessage, type OpMessage, type ReportMessage } from '../transport/worker-protocol.ts';

export interface WorkerSessionOptions {
  readonly url: string;
  readonly runId: string;
  /** `auto`, or the partition this worker asks for (e.g. `200-399`). */
  readonly nodes: string;
  readonly credentials: WorkerCredentials;
  /** How long to wait for the coordinator's answer (default 120 s). */
  readonly joinTimeoutMs?: number;
  /** How long the broker, or the coordinator whose connection closed, may stay away (default 60 s). */
  readonly reconnectWindowMs?: number;
  /** How long to wait for deliveries the coordinator announced (default 30 s). */
  readonly barrierTimeoutMs?: number;
  /** Progress lines (joined, finished). */
  readonly log?: (line: string) => void;
}

export interface WorkerResult {
  readonly runId: string;
  readonly workerId: string;
  /** The partition the worker ran. */
  readonly nodes: string;
  readonly nodeCount: number;
  /** Simulation events this worker executed. */
  readonly events: number;
  /** Windows it ran. */
  readonly windows: number;
  /** How many times it lost the broker and came back. */
  readonly resumptions: number;
}

/** The coordinator refused this worker (wrong partition, partition taken, protocol). */
export class WorkerRefusedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'WorkerRefusedError';
  }
}

/** The coordinator stopped the run (its own failure, or it disconnected). */
export class RunAbortedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'RunAbortedError';
  }
}

export async function runWorkerSession(options: WorkerSessionOptions): Promise<WorkerResult> {
  const log = options.log ?? (() => undefined);
  const workerId = randomBytes(5).toString('hex');
  const preliminary = runTopics(options.runId, 0);
  const clients: MqttClient[] = [];
  const barrier = createBarrier(options.barrierTimeoutMs ?? 30_000);
  /** Once assigned, a worker that fails tells the run why (its graceful disconnect sends no last will). */
  let reportFailure: ((reason: string) => void) | undefined;
  // After a broker blip (worker-protocol.ts): what this worker published since its last op is
  // published again, and deliveries and ops that come twice count once.
  const outbox = createReplayOutbox(1);
  let brokerInRun = false;
  /** Set while the coordinator's last will is the last word from it. */
  let coordinatorGone: NodeJS.Timeout | undefined;
  let resumed = (): void => undefined;
  const reconnectWindowMs = options.reconnectWindowMs ?? defaultReconnectWindowMs;
  const reconnection = createReconnection({
    barrier,
    windowMs: reconnectWindowMs,
    get brokerInRun() {
      return brokerInRun;
    },
    onResumed: (awayMs) => {
      log(`worker ${workerId}: the broker was away for ${(awayMs / 1000).toFixed(1)} s; reconnected, resuming`);
      resumed();
    },
  });
  try {
    const control = await connectClient(options.url, options.credentials.worker, `${options.runId}-worker-${workerId}`, {
      will: { topic: preliminary.ctl(`workers/${workerId}/gone`), payload: Buffer.alloc(0), qos: 0, retain: false },
    }, 15_000);
    clients.push(control);
    const controlTopics = [`${preliminary.prefix}/ctl/run/${workerId}/#`, `${preliminary.prefix}/ctl/run/all/#`];

    let assignment: AssignMessage | undefined;
    const ops: OpMessage[] = [];
    /** The last op taken: one that comes again (a replay) is not run twice. */
    let lastSeq = -1;
    /** When the coordinator was last heard from (any message of the run's, its heartbeat included). */
    let lastHeardMs = Date.now();
    let answerResync = (): void => undefined;
    /** Waits for the next op while the coordinator keeps talking; a silent one is a gone one. */
    const nextOp = async (): Promise<void> => {
      while (ops.length === 0) {
        const leftMs = workerSilenceMs - (Date.now() - lastHeardMs);
        if (leftMs <= 0) throw new RunAbortedError(`no word from the coordinator of run ${options.runId} for ${workerSilenceMs / 1000} s: it is gone (stopped without a last will, or cut off from the broker)`);
        try {
          await barrier.wait(() => ops.length > 0, 'op from the coordinator', leftMs);
        } catch (error) {
          if (!(error instanceof Error && error.name === 'BrokerTimeoutError')) throw error;
        }
      }
    };
    const assemblers = new Map<string, ControlAssembler>();
    control.on('message', (topic, payload) => {
      let value: unknown;
      try {
        let assembler = assemblers.get(topic);
        if (!assembler) assemblers.set(topic, (assembler = createControlAssembler()));
        const whole = assembler.add(payload);
        if (whole === undefined) return;
        value = decodeControlValue(whole);
      } catch (error) {
        if (error instanceof MalformedControlError) return barrier.fail(new RunAbortedError(`the coordinator sent a ${error.message}`));
        throw error;
      }
      const kind = topic.slice(topic.lastIndexOf('/') + 1);
      lastHeardMs = Date.now();
      if (kind === 'gone') {
        // The coordinator's connection closed: it has a while to come back (a broker blip).
        if (coordinatorGone !== undefined) return;
        barrier.suspend();
        coordinatorGone = setTimeout(() => {
          const reason = (value as { reason?: unknown } | null)?.reason;
          barrier.fail(new RunAbortedError(`the coordinator stopped run ${options.runId}: ${typeof reason === 'string' ? reason : 'it disconnected'} and did not come back within ${reconnectWindowMs / 1000} s`));
        }, reconnectWindowMs);
        coordinatorGone.unref();
        return;
      }
      if (coordinatorGone !== undefined) {
        clearTimeout(coordinatorGone);
        coordinatorGone = undefined;
        barrier.resume();
      }
      if (kind === 'resync') return answerResync();
      if (kind === 'abort') {
        const reason = (value as { reason?: unknown } | null)?.reason;
        return barrier.fail(new RunAbortedError(`the coordinator stopped run ${options.runId}: ${typeof reason === 'string' ? reason : 'no reason given'}`));
      }
      if (kind === 'assign' && assignment === undefined) {
        const problem = assignProblem(value);
        assignment = problem ? { protocol: workerProtocolVersion, refused: `the coordinator's answer is not protocol ${workerProtocolVersion} (${problem}): run the same loraswarm version on both sides` } : (value as AssignMessage);
      } else if (kind === 'op') {
        const problem = opProblem(value);
        if (problem) return barrier.fail(new RunAbortedError(`the coordinator sent a malformed op: ${problem}`));
        const op = value as OpMessage;
        if (op.seq <= lastSeq || ops.some((queued) => queued.seq === op.seq)) return;
        ops.push(op);
      }
      barrier.poke();
    });
    await control.subscribeAsync(controlTopics, { qos: 0 });
    reconnection.watch(control, controlTopics);

    // Say hello until the coordinator answers (it may start after the worker).
    const helloChunkBytes = controlChunkBytes(maxRunPacketBytes(options.runId, 1), preliminary.ctl(`workers/${workerId}/hello`));
    let stream = 0;
    /** `keep`: published again after a broker blip, until the next op acknowledges it. */
    const sendTo = (topic: string, value: unknown, chunkBytes: number, keep = false): void => {
      for (const chunk of chunkControl(stream++, encodeControlValue(value), chunkBytes)) {
        if (keep) outbox.publish(control, topic, Buffer.from(chunk));
        else control.publish(topic, Buffer.from(chunk), { qos: 0 });
      }
    };
    const hello = (): void => sendTo(preliminary.ctl(`workers/${workerId}/hello`), { protocol: workerProtocolVersion, nodes: options.nodes }, helloChunkBytes);
    hello();
    const helloTimer = setInterval(hello, 1000);
    try {
      await barrier.wait(() => assignment !== undefined, 'answer from the coordinator', options.joinTimeoutMs ?? 120_000);
    } catch (error) {
      if (error instanceof Error && error.name === 'BrokerTimeoutError') {
        throw new RunAbortedError(`no coordinator of run ${options.runId} answered at ${options.url} within ${(options.joinTimeoutMs ?? 120_000) / 1000} s`);
      }
      throw error;
    } finally {
      clearInterval(helloTimer);
    }
    const assigned = assignment as AssignMessage;
    if ('refused' in assigned) throw new WorkerRefusedError(`the coordinator of run ${options.runId} refused this worker: ${assigned.refused}`);
    brokerInRun = assigned.brokerInRun;
    const failedTopic = preliminary.ctl(`workers/${workerId}/failed`);
    const failedChunkBytes = controlChunkBytes(maxRunPacketBytes(options.runId, 1), failedTopic);
    reportFailure = (reason) => sendTo(failedTopic, { reason }, failedChunkBytes);

    const { scenario, locate } = loadScenarioText(assigned.scenario, { file: `scenario of run ${options.runId}` });
    const swarm = resolveSwarm(scenario, locate);
    const nodeCount = swarm.nodes.length;
    if (options.credentials.nodes.length !== nodeCount) {
      throw new WorkerRefusedError(`--credentials: expected credentials for the run's ${nodeCount} nodes, found ${options.credentials.nodes.length}`);
    }
    const hosted = parsePartition(assigned.nodes, nodeCount);
    // A socket per hosted node (one for a partition connection): past the open-file limit they would fail one by one, naming the socket.
    const descriptors = descriptorProblem(assigned.partition ? 1 : hosted.length, false);
    if (descriptors) throw new EnvironmentError(`this worker cannot host nodes ${assigned.nodes}: ${descriptors}`);
    const topics = runTopics(options.runId, nodeCount);
    const chunkBytes = controlChunkBytes(maxRunPacketBytes(options.runId, nodeCount), topics.ctl(`workers/${workerId}/report`));

    let sentTx = 0;
    let received = 0;
    const seen = createSeenMessages();
    let exchange: ReturnType<typeof createExchange> | undefined;
    const nodeClients: (MqttClient | undefined)[] = new Array<MqttClient | undefined>(nodeCount).fill(undefined);
    // One connection for the partition when the run's broker gave its credentials; else one per node.
    if (assigned.partition) {
      const client = await connectClient(options.url, assigned.partition, `${options.runId}-partition-${workerId}`);
      clients.push(client);
      for (const i of hosted) nodeClients[i] = client;
    } else for (const [i, client] of await connectNodeClients(options.url, options.runId, hosted, (i) => options.credentials.nodes[i]!, clients)) nodeClients[i] = client;
    const nodeConnections = connectionsOf(nodeClients, hosted, topics);
    for (const client of nodeConnections.keys()) {
      client.on('message', (topic, payload) => {
        let envelope;
        try {
          envelope = decodeEnvelope(payload);
        } catch (error) {
          if (error instanceof MalformedEnvelopeError) return;
          throw error;
        }
        // Only a delivery to the node whose topic it came on.
        const to = topics.parse(topic);
        if (envelope.kind !== 'delivery' || to?.kind !== 'rx' || envelope.delivery.receiver !== to.node || nodeClients[to.node] !== client) return;
        const { delivery } = envelope;
        if (!seen.fresh(deliveryKey(to.node, delivery.tx.sender, delivery.tx.seq, delivery.kind), delivery.atMs)) return;
        received++;
        exchange!.addDelivery(envelope.delivery);
        barrier.poke();
      });
    }
    await Promise.all([...nodeConnections].map(([client, rx]) => subscribeInBatches(client, rx)));
    for (const [client, rx] of nodeConnections) reconnection.watch(client, rx);
    const resyncTopic = topics.ctl(`workers/${workerId}/resync`);
    // Back from a blip: ask the coordinator for what this worker missed, and publish again what it may have.
    resumed = () => {
      sendTo(resyncTopic, {}, chunkBytes);
      outbox.replay();
      barrier.poke();
    };
    answerResync = () => {
      outbox.replay();
      sendTo(topics.ctl(`workers/${workerId}/here`), {}, chunkBytes);
    };

    const simulation = createSimulation(scenario, swarm, {
      hosted,
      reportsToCoordinator: true,
      keepRecords: false,
      transport: (scheduler, endpoints): Transport => {
        exchange = createExchange(scheduler, endpoints);
        const ex = exchange;
        return {
          kind: 'mqtt',
          asynchronous: true,
          transmit(tx) {
            sentTx++;
            publishFromNode(nodeClients, topics, tx.sender, { kind: 'transmission', tx }, outbox);
          },
          nodeDied(node, atMs) {
            sentTx++;
            publishFromNode(nodeClients, topics, node, { kind: 'nodeDied', node, atMs }, outbox);
          },
          deliver() {
            throw new Error('internal error: a worker runs no ether');
          },
          exchange() {
            throw new Error('internal error: a worker exchanges through op messages');
          },
          get pending() {
            return ex.pending;
          },
          get plumbingEvents() {
            return ex.plumbingEvents;
          },
          async close() {
            ex.clear();
          },
        };
      },
    });
    sendTo(topics.ctl(`workers/${workerId}/join`), { protocol: workerProtocolVersion }, chunkBytes, true);
    log(`worker ${workerId} joined run ${options.runId}: nodes ${assigned.nodes} (${hosted.length} of ${nodeCount})`);

    const { partition } = simulation;
    let windows = 0;
    for (;;) {
      await nextOp();
      const op = ops.shift()!;
      lastSeq = op.seq;
      // A new op: the coordinator took everything this worker published before it.
      outbox.advance();
      await barrier.wait(() => received >= op.deliveries, 'delivery');
      if (received > op.deliveries) throw new RunAbortedError(`protocol error: ${received} deliveries arrived, the coordinator announced ${op.deliveries}`);
      exchange!.applyDeliveries();
      seen.floor(op.untilMs);
      const totals = op.close ? partition.close(op.untilMs) : (partition.run(op.untilMs), undefined);
      windows++;
      const peekMs = partition.peekTimeMs();
      const failure = partition.failure;
      const message: ReportMessage = {
        seq: op.seq,
        sentTx,
        peekMs: peekMs ?? null,
        busy: partition.busy(),
        lastEventMs: partition.lastEventMs,
        failure: failure ? (failure.stack ?? failure.message) : null,
        report: partition.takeReport(),
        ...(totals && { totals }),
      };
      sendTo(topics.ctl(`workers/${workerId}/report`), message, chunkBytes, true);
      if (failure) throw failure;
      if (totals) {
        log(`worker ${workerId} finished run ${options.runId}: ${totals.events} events in ${windows} windows`);
        return { runId: options.runId, workerId, nodes: assigned.nodes, nodeCount: hosted.length, events: totals.events, windows, resumptions: reconnection.resumptions };
      }
    }
  } catch (error) {
    // A node's lost connection (its client id taken over, say) is told too, while the control connection can carry it.
    if (!(error instanceof RunAbortedError) && clients[0]?.connected === true) reportFailure?.((error as Error).message);
    throw error;
  } finally {
    reconnection.stop();
    clearTimeout(coordinatorGone);
    // A graceful end flushes the last report before the sockets close (a client still
    // reconnecting has no connection to say goodbye on).
    await Promise.all(clients.map((client) => client.endAsync(!client.connected).catch(() => undefined)));
  }
}
