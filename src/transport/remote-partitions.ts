/**
 * The coordinator's side of the workers (worker-protocol.ts): it assigns partitions to the
 * workers that say hello, waits until each has joined, starts them on every window they have
 * work in, and collects their reports at the window's barrier. A worker with no event before
 * the window's end and no delivery waiting sits the window out: its report would say nothing.
 */
import type { BrokerClient } from './broker-client.ts';
import type { Barrier } from './barrier.ts';
import type { CoordinatorContext } from './coordinator-context.ts';
import { createCoordinatorControl } from './coordinator-control.ts';
import { createWorkerRoster, noWorkerJoinedError, rosterWorkers, type Worker } from './partition-assignment.ts';
import type { PartitionTotals, RemotePartitions, WindowReport } from './partition-report.ts';
import type { ReplayOutbox } from './replay-outbox.ts';
import { defaultReconnectWindowMs } from './reconnection.ts';
import type { RunTopics } from './topics.ts';
import { createWorkerInbox, handleWorkerMessage } from './worker-messages.ts';
import { workerProtocolVersion } from './worker-protocol.ts';
import { collectReports, finishWorkers, startWindow } from './worker-reports.ts';

export { WorkerError } from './worker-error.ts';

export interface RemoteSetup {
  /** The partitions workers will run, each a set of node indices. */
  readonly partitions: readonly (readonly number[])[];
  /** The resolved scenario, as the run directory's scenario.yaml holds it. */
  readonly scenarioYaml: string;
  /** How long to wait for every partition's worker to join (default 120 s). */
  readonly joinTimeoutMs?: number;
  /** The digest of the model the run serves, which each worker checks its own against. */
  readonly modelDigest?: string;
  /** The digest of the federated task the run trains (fl/task-digest.ts), which each worker checks its own against. */
  readonly taskDigest?: string;
}

export interface CoordinatorRemote extends RemotePartitions {
  /** Takes a message published under `ctl/workers/`. */
  handle(path: string, payload: Uint8Array): void;
  /** Resolves once a worker has joined for every partition. */
  ready(): Promise<void>;
  /** Tells every worker the run stopped. */
  abort(reason: string): void;
  /** Tells every worker the coordinator is still there (heartbeat: worker-protocol.ts). */
  alive(): void;
  /** Asks every worker to publish again what the coordinator may have lost (it reconnected). */
  resync(): void;
  /** Control messages refused as malformed. */
  readonly malformed: number;
  /** Whether every worker has sent its final report. */
  readonly finished: boolean;
}

/**
 * `outbox` keeps the ops for a replay after a broker blip; `brokerInRun`: the broker lives in
 * this process (workers are told, so that they stop at once when it is gone);
 * `partitionCredentials`: the embedded broker's credentials for one connection per partition,
 * handed to each worker with its assignment.
 */
export function createCoordinatorRemote(client: BrokerClient, topics: RunTopics, setup: RemoteSetup, barrier: Barrier, maxPacketBytes: number, outbox: ReplayOutbox, brokerInRun: boolean, reconnectWindowMs = defaultReconnectWindowMs, partitionCredentials?: (nodes: readonly number[]) => { username: string; password: string } | undefined): CoordinatorRemote {
  const roster = createWorkerRoster(setup.partitions, topics.nodes);
  const { owner, byPart } = roster;
  const control = createCoordinatorControl(client, topics, maxPacketBytes, outbox);
  const ctx: CoordinatorContext = {
    roster,
    barrier,
    control,
    nodes: topics.nodes,
    reconnectWindowMs,
    assignment: (worker: Worker) => {
      const partition = partitionCredentials?.(roster.partitions[worker.part]!);
      return { protocol: workerProtocolVersion, scenario: setup.scenarioYaml, nodes: worker.label, brokerInRun, ...(partition && { partition }), ...(setup.modelDigest && { model: setup.modelDigest }), ...(setup.taskDigest && { task: setup.taskDigest }) };
    },
    state: { malformed: 0, finished: false, seq: 0 },
  };
  const inbox = createWorkerInbox();
  const workers = (): Worker[] => rosterWorkers(roster);
  return {
    parts: roster.partitions.length,
    get malformed() {
      return ctx.state.malformed;
    },
    get finished() {
      return ctx.state.finished;
    },
    handle: (path, payload) => handleWorkerMessage(ctx, inbox, path, payload),
    async ready() {
      const timeoutMs = setup.joinTimeoutMs ?? 120_000;
      const waiting = barrier.wait(() => byPart.every((worker) => worker?.joined === true), 'worker join', timeoutMs);
      try {
        await waiting;
      } catch (error) {
        if (error instanceof Error && error.name === 'BrokerTimeoutError') throw noWorkerJoinedError(roster, timeoutMs, topics.runId);
        throw error;
      }
    },
    runUntil: (untilMs, news) => startWindow(ctx, untilMs, news),
    collect: (report) => collectReports(ctx, report),
    get sentTx() {
      return workers().reduce((sum, worker) => sum + worker.sentTx, 0);
    },
    nodeDied(node, atMs, knownAtMs) {
      for (const worker of workers()) worker.deaths.push([node, atMs, knownAtMs]);
    },
    delivered(receiver, atMs) {
      const worker = byPart[owner[receiver]!]!;
      worker.deliveries++;
      worker.firstPendingDeliveryMs = Math.min(worker.firstPendingDeliveryMs, atMs);
    },
    hosts: (node) => owner[node] !== undefined && owner[node] >= 0,
    peekTimeMs() {
      let earliest = Number.POSITIVE_INFINITY;
      for (const worker of workers()) earliest = Math.min(earliest, worker.peekMs ?? Number.POSITIVE_INFINITY, worker.firstPendingDeliveryMs);
      return Number.isFinite(earliest) ? earliest : undefined;
    },
    get busy() {
      return workers().some((worker) => worker.busy || worker.deliveries > worker.deliveriesAtOp);
    },
    get lastEventMs() {
      return workers().reduce((latest, worker) => Math.max(latest, worker.lastEventMs), 0);
    },
    finish: (untilMs, report, news): Promise<PartitionTotals[]> => finishWorkers(ctx, untilMs, report, news),
    abort(reason) {
      control.stop();
      for (const worker of workers()) clearTimeout(worker.grace);
      control.send('run/all/abort', { reason });
    },
    alive() {
      control.send('run/all/alive', {});
    },
    resync() {
      control.send('run/all/resync', {});
    },
  };
}

export type { WindowReport };
