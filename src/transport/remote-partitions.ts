/**
 * The coordinator's side of the workers (worker-protocol.ts): it assigns partitions to the
 * workers that say hello, waits until each has joined, starts them on every window they have
 * work in, and collects their reports at the window's barrier. A worker with no event before
 * the window's end and no delivery waiting sits the window out: its report would say nothing.
 */
import type { MqttClient } from 'mqtt';
import type { SimEvent } from '../node/events.ts';
import { eventNode } from '../node/events.ts';
import { formatPartition, parsePartition } from './partition.ts';
import type { Barrier } from './barrier.ts';
import { chunkControl, controlChunkBytes, createControlAssembler, decodeControlValue, encodeControlValue, MalformedControlError, type ControlAssembler } from './control-codec.ts';
import type { PartitionTotals, RemotePartitions, WindowReport } from './partition-report.ts';
import type { ReplayOutbox } from './replay-outbox.ts';
import { defaultReconnectWindowMs } from './reconnection.ts';
import type { RunTopics } from './topics.ts';
import { helloProblem, reportProblem, workerIdPattern, workerProtocolVersion, type AssignMessage, type OpMessage, type ReportMessage } from './worker-protocol.ts';

/** Thrown when a worker disconnects, fails or breaks the protocol mid-run. */
export class WorkerError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'WorkerError';
  }
}

export interface RemoteSetup {
  /** The partitions workers will run, each a set of node indices. */
  readonly partitions: readonly (readonly number[])[];
  /** The resolved scenario, as the run directory's scenario.yaml holds it. */
  readonly scenarioYaml: string;
  /** How long to wait for every partition's worker to join (default 120 s). */
  readonly joinTimeoutMs?: number;
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

interface Worker {
  readonly id: string;
  readonly part: number;
  readonly label: string;
  joined: boolean;
  sentTx: number;
  peekMs: number | undefined;
  busy: boolean;
  lastEventMs: number;
  deliveries: number;
  deliveriesAtOp: number;
  firstPendingDeliveryMs: number;
  /** The op whose report is awaited, and the report once it came. */
  awaiting: number | undefined;
  report: ReportMessage | undefined;
  /** Set while its connection is lost (its last will came) and it has not come back. */
  grace: NodeJS.Timeout | undefined;
}

/**
 * `outbox` keeps the ops for a replay after a broker blip; `brokerInRun`: the broker lives in
 * this process (workers are told, so that they stop at once when it is gone);
 * `partitionCredentials`: the embedded broker's credentials for one connection per partition,
 * handed to each worker with its assignment.
 */
export function createCoordinatorRemote(client: MqttClient, topics: RunTopics, setup: RemoteSetup, barrier: Barrier, maxPacketBytes: number, outbox: ReplayOutbox, brokerInRun: boolean, reconnectWindowMs = defaultReconnectWindowMs, partitionCredentials?: (nodes: readonly number[]) => { username: string; password: string } | undefined): CoordinatorRemote {
  const partitions = setup.partitions.map((nodes) => [...nodes].sort((a, b) => a - b));
  const owner = new Int32Array(topics.nodes).fill(-1);
  partitions.forEach((nodes, part) => nodes.forEach((node) => (owner[node] = part)));
  const labels = partitions.map((nodes) => formatPartition(nodes));
  const byPart: (Worker | undefined)[] = partitions.map(() => undefined);
  const byId = new Map<string, Worker>();
  const assemblers = new Map<string, ControlAssembler>();
  const singleChunk = createControlAssembler(0, 1);
  let malformed = 0;
  let finished = false;
  let stream = 0;
  let seq = 0;
  const chunkBytes = controlChunkBytes(maxPacketBytes, topics.ctl(`run/${'x'.repeat(16)}/assign`));
  /** `keep`: an op, published again after a broker blip until the worker's report acknowledges it. */
  const send = (path: string, value: unknown, keep = false): void => {
    const topic = topics.ctl(path);
    for (const chunk of chunkControl(stream++, encodeControlValue(value), chunkBytes)) {
      if (keep) outbox.publish(client, topic, Buffer.from(chunk));
      else client.publish(topic, Buffer.from(chunk), { qos: 0 });
    }
  };
  // Replays asked for by workers are coalesced: a worker credential cannot make the
  // coordinator publish its outbox more than four times a second.
  let replayTimer: NodeJS.Timeout | undefined;
  let lastReplayMs = 0;
  const replaySoon = (): void => {
    if (replayTimer !== undefined) return;
    replayTimer = setTimeout(() => {
      replayTimer = undefined;
      lastReplayMs = Date.now();
      outbox.replay();
    }, Math.max(0, lastReplayMs + 250 - Date.now()));
    replayTimer.unref();
  };
  /** A worker whose last will came is heard from again: it is back. */
  const heard = (worker: Worker): void => {
    if (worker.grace === undefined) return;
    clearTimeout(worker.grace);
    worker.grace = undefined;
    barrier.resume();
  };
  const workers = (): Worker[] => byPart.filter((worker): worker is Worker => worker !== undefined);

  const assign = (id: string, nodesText: string): void => {
    const existing = byId.get(id);
    if (existing) {
      send(`run/${id}/assign`, assignment(existing));
      return;
    }
    let part: number;
    if (nodesText === 'auto') {
      part = byPart.findIndex((worker) => worker === undefined);
      if (part < 0) return refuse(id, `every partition (${labels.join(' ')}) already has a worker`);
    } else {
      let nodes: number[];
      try {
        nodes = parsePartition(nodesText, topics.nodes);
      } catch (error) {
        return refuse(id, `--nodes: ${(error as Error).message}`);
      }
      const label = formatPartition(nodes);
      part = labels.indexOf(label);
      if (part < 0) return refuse(id, `--nodes: expected one of the partitions the run gives to workers (${labels.join(' ')}, or auto), found ${label}`);
      if (byPart[part] !== undefined) return refuse(id, `--nodes: partition ${label} already has a worker`);
    }
    const worker: Worker = {
      id,
      part,
      label: labels[part]!,
      joined: false,
      sentTx: 0,
      peekMs: 0,
      busy: false,
      lastEventMs: 0,
      deliveries: 0,
      deliveriesAtOp: 0,
      firstPendingDeliveryMs: Number.POSITIVE_INFINITY,
      awaiting: undefined,
      report: undefined,
      grace: undefined,
    };
    byPart[part] = worker;
    byId.set(id, worker);
    send(`run/${id}/assign`, assignment(worker));
  };
  const assignment = (worker: Worker): AssignMessage => {
    const partition = partitionCredentials?.(partitions[worker.part]!);
    return { protocol: workerProtocolVersion, scenario: setup.scenarioYaml, nodes: worker.label, brokerInRun, ...(partition && { partition }) };
  };
  const refuse = (id: string, reason: string): void => send(`run/${id}/assign`, { protocol: workerProtocolVersion, refused: reason } satisfies AssignMessage);

  /**
   * A worker went away. Before it joined, its partition is offered again (the worker reports
   * its own problem); after, the run cannot go on without it.
   */
  /** Per partition, why the last worker that took it and left before joining left: said if none joins in time. */
  const lastLoss: (string | undefined)[] = partitions.map(() => undefined);
  const lose = (worker: Worker, detail: string): void => {
    if (!worker.joined) {
      byPart[worker.part] = undefined;
      byId.delete(worker.id);
      lastLoss[worker.part] = detail;
      return;
    }
    barrier.fail(new WorkerError(detail));
  };

  const takeReport = (worker: Worker, value: unknown): void => {
    const problem = reportProblem(value);
    if (problem) return barrier.fail(new WorkerError(`worker ${worker.id} (nodes ${worker.label}) sent a malformed report: ${problem}`));
    const report = value as ReportMessage;
    if (report.seq !== worker.awaiting) return;
    // A worker speaks only for its own nodes.
    const foreign = report.report.events.find((event) => owner[nodeOf(event)] !== worker.part);
    if (foreign !== undefined) return barrier.fail(new WorkerError(`worker ${worker.id} (nodes ${worker.label}) reported an event of a node it does not run`));
    worker.report = report;
  };

  const collect = async (report: (report: WindowReport) => void): Promise<void> => {
    await barrier.wait(() => workers().every((worker) => worker.awaiting === undefined || worker.report !== undefined), 'worker report');
    for (const worker of workers()) {
      if (worker.awaiting === undefined) continue;
      const message = worker.report!;
      worker.awaiting = undefined;
      worker.report = undefined;
      if (message.failure !== null) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) failed: ${message.failure}`);
      worker.sentTx = message.sentTx;
      worker.peekMs = message.peekMs ?? undefined;
      worker.busy = message.busy;
      worker.lastEventMs = message.lastEventMs;
      report(message.report);
    }
  };

  return {
    parts: partitions.length,
    get malformed() {
      return malformed;
    },
    get finished() {
      return finished;
    },
    handle(path, payload) {
      const [head, id, kind, ...rest] = path.split('/');
      if (head !== 'workers' || id === undefined || !workerIdPattern.test(id) || kind === undefined || rest.length > 0) {
        malformed++;
        return;
      }
      if (kind === 'gone') {
        const worker = byId.get(id);
        if (!worker) return;
        if (!worker.joined) return lose(worker, `worker ${id} (nodes ${worker.label}) disconnected from the broker mid-run`);
        // The broker may have dropped it (a restart, a blip): it has a while to come back (and a worker
        // that never left answers the probe), then the run cannot go on without it.
        if (worker.grace !== undefined) return;
        barrier.suspend();
        worker.grace = setTimeout(() => {
          worker.grace = undefined;
          barrier.resume();
          lose(worker, `worker ${id} (nodes ${worker.label}) disconnected from the broker mid-run and did not come back within ${reconnectWindowMs / 1000} s`);
        }, reconnectWindowMs);
        worker.grace.unref();
        send('run/all/resync', {});
        return;
      }
      let value: unknown;
      try {
        // Only a worker the run knows may send messages in chunks (an assembler each): a hello
        // from a new id is one chunk, so ids a sender makes up cost no memory.
        let assembler = byId.has(id) ? assemblers.get(id) : singleChunk;
        if (!assembler) assemblers.set(id, (assembler = createControlAssembler(4)));
        const whole = assembler.add(payload);
        if (whole === undefined) return;
        value = decodeControlValue(whole);
      } catch (error) {
        if (!(error instanceof MalformedControlError)) throw error;
        malformed++;
        return;
      }
      const known = byId.get(id);
      if (known) heard(known);
      if (kind === 'resync' || kind === 'here') {
        // A worker back from a broker blip asks for what it may have missed; `here` answers a probe.
        if (!known) malformed++;
        else if (kind === 'resync') replaySoon();
        return;
      }
      if (kind === 'hello') {
        if (helloProblem(value) !== undefined) {
          malformed++;
          return refuse(id, `expected worker protocol ${workerProtocolVersion}: update loraswarm on the worker's machine`);
        }
        assign(id, (value as { nodes: string }).nodes);
      } else if (kind === 'join') {
        const worker = byId.get(id);
        if (worker) worker.joined = true;
      } else if (kind === 'failed') {
        const worker = byId.get(id);
        const reason = (value as { reason?: unknown } | null)?.reason;
        if (worker) lose(worker, `worker ${id} (nodes ${worker.label}) failed: ${typeof reason === 'string' ? reason : 'no reason given'}`);
      } else if (kind === 'report') {
        const worker = byId.get(id);
        if (worker) takeReport(worker, value);
        else malformed++;
      } else malformed++;
      barrier.poke();
    },
    async ready() {
      const timeoutMs = setup.joinTimeoutMs ?? 120_000;
      const waiting = barrier.wait(() => byPart.every((worker) => worker?.joined === true), 'worker join', timeoutMs);
      try {
        await waiting;
      } catch (error) {
        if (error instanceof Error && error.name === 'BrokerTimeoutError') {
          const missingParts = labels.map((_, part) => part).filter((part) => byPart[part]?.joined !== true);
          const losses = missingParts.flatMap((part) => lastLoss[part] ?? []);
          const why = losses.length > 0 ? `; the last to try: ${losses.join('; ')}` : '';
          throw new WorkerError(`no worker joined for nodes ${missingParts.map((part) => labels[part]).join(' ')} within ${timeoutMs / 1000} s (start: loraswarm worker --run ${topics.runId} --nodes <partition or auto> …)${why}`);
        }
        throw error;
      }
    },
    runUntil(untilMs) {
      seq++;
      for (const worker of workers()) {
        const hasDeliveries = worker.deliveries > worker.deliveriesAtOp;
        if (!hasDeliveries && (worker.peekMs === undefined || worker.peekMs > untilMs)) continue;
        worker.awaiting = seq;
        worker.report = undefined;
        worker.deliveriesAtOp = worker.deliveries;
        worker.firstPendingDeliveryMs = Number.POSITIVE_INFINITY;
        send(`run/${worker.id}/op`, { seq, untilMs, deliveries: worker.deliveries, close: false } satisfies OpMessage, true);
      }
    },
    collect,
    get sentTx() {
      return workers().reduce((sum, worker) => sum + worker.sentTx, 0);
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
    async finish(untilMs, report) {
      // Reports still owed (none, when the run loop collected after its last window).
      if (workers().some((worker) => worker.awaiting !== undefined)) await collect(report);
      seq++;
      for (const worker of workers()) {
        worker.awaiting = seq;
        worker.report = undefined;
        send(`run/${worker.id}/op`, { seq, untilMs, deliveries: worker.deliveries, close: true } satisfies OpMessage, true);
      }
      const totals: PartitionTotals[] = [];
      await barrier.wait(() => workers().every((worker) => worker.report !== undefined), 'worker final report');
      for (const worker of workers()) {
        const message = worker.report!;
        worker.awaiting = undefined;
        if (message.failure !== null) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) failed: ${message.failure}`);
        if (message.totals === undefined) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) sent no totals at the close`);
        report(message.report);
        totals.push(message.totals);
      }
      finished = true;
      clearTimeout(replayTimer);
      return totals;
    },
    abort(reason) {
      clearTimeout(replayTimer);
      for (const worker of workers()) clearTimeout(worker.grace);
      send('run/all/abort', { reason });
    },
    alive() {
      send('run/all/alive', {});
    },
    resync() {
      send('run/all/resync', {});
    },
  };
}

function nodeOf(event: SimEvent): number {
  try {
    return eventNode(event);
  } catch {
    return -1;
  }
}

export type { WindowReport };
