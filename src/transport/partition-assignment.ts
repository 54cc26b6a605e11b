/**
 * Which worker runs which remote partition, as the coordinator sees it (remote-partitions.ts):
 * a worker that says hello is given a partition (the one it asks for, or the first free one
 * with `auto`) or refused; one that goes away before it joined leaves its partition to the
 * next, and the run remembers why, to say it if none joins in time.
 */
import type { Barrier } from './barrier.ts';
import { formatPartition, parsePartition } from './partition.ts';
import type { ReportMessage } from './worker-protocol.ts';
import { WorkerError } from './worker-error.ts';

export interface Worker {
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
  /** Deaths to tell it with its next op: [node, atMs, knownAtMs]. */
  deaths: [number, number, number][];
}

/** The remote partitions and their workers. */
export interface WorkerRoster {
  /** Each partition's nodes, sorted. */
  readonly partitions: readonly (readonly number[])[];
  /** Per node, the partition that runs it (-1: a local node). */
  readonly owner: Int32Array;
  readonly labels: readonly string[];
  readonly byPart: (Worker | undefined)[];
  readonly byId: Map<string, Worker>;
  /** Per partition, why the last worker that took it and left before joining left: said if none joins in time. */
  readonly lastLoss: (string | undefined)[];
}

export function createWorkerRoster(setupPartitions: readonly (readonly number[])[], nodes: number): WorkerRoster {
  const partitions = setupPartitions.map((nodes) => [...nodes].sort((a, b) => a - b));
  const owner = new Int32Array(nodes).fill(-1);
  partitions.forEach((nodes, part) => nodes.forEach((node) => (owner[node] = part)));
  return {
    partitions,
    owner,
    labels: partitions.map((nodes) => formatPartition(nodes)),
    byPart: partitions.map(() => undefined),
    byId: new Map(),
    lastLoss: partitions.map(() => undefined),
  };
}

/** The workers that hold a partition, in partition order. */
export function rosterWorkers(roster: WorkerRoster): Worker[] {
  return roster.byPart.filter((worker): worker is Worker => worker !== undefined);
}

/** How the roster answers a hello: `assign` sends a worker its assignment, `refuse` a refusal. */
export interface AssignmentReplies {
  assign(worker: Worker): void;
  refuse(id: string, reason: string): void;
}

/** Gives worker `id` the partition `nodesText` names (or `auto`), again if it already has one, or refuses it. */
export function assignWorker(roster: WorkerRoster, nodes: number, id: string, nodesText: string, replies: AssignmentReplies): void {
  const { labels, byPart, byId } = roster;
  const existing = byId.get(id);
  if (existing) return replies.assign(existing);
  let part: number;
  if (nodesText === 'auto') {
    part = byPart.findIndex((worker) => worker === undefined);
    if (part < 0) return replies.refuse(id, `every partition (${labels.join(' ')}) already has a worker`);
  } else {
    let partition: number[];
    try {
      partition = parsePartition(nodesText, nodes);
    } catch (error) {
      return replies.refuse(id, `--nodes: ${(error as Error).message}`);
    }
    const label = formatPartition(partition);
    part = labels.indexOf(label);
    if (part < 0) return replies.refuse(id, `--nodes: expected one of the partitions the run gives to workers (${labels.join(' ')}, or auto), found ${label}`);
    if (byPart[part] !== undefined) return replies.refuse(id, `--nodes: partition ${label} already has a worker`);
  }
  const worker = newWorker(id, part, labels[part]!);
  byPart[part] = worker;
  byId.set(id, worker);
  replies.assign(worker);
}

function newWorker(id: string, part: number, label: string): Worker {
  return {
    id,
    part,
    label,
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
    deaths: [],
  };
}

/**
 * A worker went away. Before it joined, its partition is offered again (the worker reports
 * its own problem); after, the run cannot go on without it.
 */
export function loseWorker(roster: WorkerRoster, barrier: Barrier, worker: Worker, detail: string): void {
  if (!worker.joined) {
    roster.byPart[worker.part] = undefined;
    roster.byId.delete(worker.id);
    roster.lastLoss[worker.part] = detail;
    return;
  }
  barrier.fail(new WorkerError(detail));
}

/** The error when no worker joined for some partitions within `timeoutMs`: which, how to start one, and why the last to try left. */
export function noWorkerJoinedError(roster: WorkerRoster, timeoutMs: number, runId: string): WorkerError {
  const { labels, byPart, lastLoss } = roster;
  const missingParts = labels.map((_, part) => part).filter((part) => byPart[part]?.joined !== true);
  const losses = missingParts.flatMap((part) => lastLoss[part] ?? []);
  const why = losses.length > 0 ? `; the last to try: ${losses.join('; ')}` : '';
  return new WorkerError(`no worker joined for nodes ${missingParts.map((part) => labels[part]).join(' ')} within ${timeoutMs / 1000} s (start: loraswarm worker --run ${runId} --nodes <partition or auto> …)${why}`);
}
