/**
 * A worker process's side of a run (`loraswarm worker`): it says hello to the run's
 * coordinator through the broker, receives the resolved scenario and its partition, connects
 * one MQTT client per node of the partition, and then runs its nodes window by window as the
 * coordinator's `op` messages say, reporting after each (worker-protocol.ts). Its nodes'
 * frames travel on their own tx/rx topics exactly as in one process, so the results are the
 * same bytes.
 */
import { createSimulation } from './simulate.ts';
import type { WorkerCredentials } from '../transport/mosquitto-setup.ts';
import { workerProtocolVersion } from '../transport/worker-protocol.ts';
import { createWorkerControl, openControl, sendTo } from './worker-control.ts';
import { hostPartition, joinRun } from './worker-join.ts';
import { connectNodeLinks, workerTransport } from './worker-node-links.ts';
import { runOps } from './worker-ops.ts';
import { RunAbortedError } from './worker-errors.ts';

export { RunAbortedError, WorkerRefusedError } from './worker-errors.ts';

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
  /** A federated run: threads that train this worker's clients while its simulation goes on (0 or absent: none). */
  readonly trainingThreads?: number;
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

export async function runWorkerSession(options: WorkerSessionOptions): Promise<WorkerResult> {
  const worker = createWorkerControl(options);
  const { log, workerId, clients, reconnection } = worker;
  let simulation: ReturnType<typeof createSimulation> | undefined;
  try {
    await openControl(worker);
    const assigned = await joinRun(worker);
    const partition = hostPartition(worker, assigned);
    const { scenario, swarm, nodeCount, hosted, inference, federated } = partition;
    const links = await connectNodeLinks(worker, assigned, partition);
    simulation = createSimulation(scenario, swarm, {
      hosted,
      ...(inference && { inference }),
      ...(federated && { federated, trainingThreads: options.trainingThreads ?? 0 }),
      reportsToCoordinator: true,
      keepRecords: false,
      transport: (scheduler, endpoints) => workerTransport(worker, links, scheduler, endpoints),
    });
    sendTo(worker, links.topics.ctl(`workers/${workerId}/join`), { protocol: workerProtocolVersion }, links.chunkBytes, true);
    log(`worker ${workerId} joined run ${options.runId}: nodes ${assigned.nodes} (${hosted.length} of ${nodeCount})`);
    const { totals, windows } = await runOps(worker, links, simulation.partition);
    log(`worker ${workerId} finished run ${options.runId}: ${totals.events} events in ${windows} windows`);
    return { runId: options.runId, workerId, nodes: assigned.nodes, nodeCount: hosted.length, events: totals.events, windows, resumptions: reconnection.resumptions };
  } catch (error) {
    // A node's lost connection (its client id taken over, say) is told too, while the control connection can carry it.
    if (!(error instanceof RunAbortedError) && clients[0]?.connected === true) worker.reportFailure?.((error as Error).message);
    throw error;
  } finally {
    // A federated worker's training threads end with it, however it ends (closing twice is harmless).
    simulation?.federated?.close();
    reconnection.stop();
    clearTimeout(worker.coordinatorGone);
    // A graceful end flushes the last report before the sockets close (a client still
    // reconnecting has no connection to say goodbye on).
    await Promise.all(clients.map((client) => client.endAsync(!client.connected).catch(() => undefined)));
  }
}
