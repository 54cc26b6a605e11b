/**
 * A worker's op/report loop: each op of the coordinator's names a window's end and the
 * deliveries announced for it; the worker waits for them, runs its partition to that end (or
 * closes it) and reports, until the last op closes the run or the partition fails.
 */
import { corked } from '../transport/broker-client.ts';
import type { PartitionTotals } from '../transport/partition-report.ts';
import type { OpMessage, ReportMessage } from '../transport/worker-protocol.ts';
import type { PartitionDriver } from './simulation-types.ts';
import { nextOp, sendTo, type WorkerControl } from './worker-control.ts';
import type { NodeLinks } from './worker-node-links.ts';
import { RunAbortedError } from './worker-errors.ts';
import { sourceMappedStack } from '../metrics/stack-sources.ts';

/** What the loop ends with: the partition's totals and how many windows it ran. */
export interface OpsDone {
  readonly totals: PartitionTotals;
  readonly windows: number;
}

export async function runOps(worker: WorkerControl, links: NodeLinks, partition: PartitionDriver): Promise<OpsDone> {
  const { barrier } = worker;
  let windows = 0;
  for (;;) {
    const op = await nextOp(worker);
    worker.lastSeq = op.seq;
    // A new op: the coordinator took everything this worker published before it.
    worker.outbox.advance();
    await barrier.wait(() => links.received >= op.deliveries, 'delivery');
    if (links.received > op.deliveries) throw new RunAbortedError(`protocol error: ${links.received} deliveries arrived, the coordinator announced ${op.deliveries}`);
    // The run's deaths first, as the coordinator learns them at its exchange, before its deliveries.
    for (const [node, atMs, knownAtMs] of op.deaths ?? []) {
      if (node >= links.topics.nodes) throw new RunAbortedError(`protocol error: the coordinator told of the death of node ${node}, of a run of ${links.topics.nodes} nodes`);
      partition.deathKnown(node, atMs, knownAtMs);
    }
    // The application's news of that exchange, with the clock there and after its deliveries, as the coordinator's process takes it.
    const clockProblem = op.news ? partition.moveClockTo(op.news.atMs) : undefined;
    // Told to the coordinator (a failure, not an abort): the run stops at once.
    if (clockProblem) throw new Error(`protocol error: ${clockProblem}`);
    links.exchange!.applyDeliveries();
    const newsProblem = op.news ? partition.takeNews(op.news.app) : undefined;
    if (newsProblem) throw new Error(`protocol error: ${newsProblem}`);
    links.seen.floor(op.untilMs);
    // The window's frames and its report leave in one write per connection, not one per message.
    const { totals, failure } = corked(worker.clients, () => runWindow(worker, links, partition, op));
    windows++;
    if (failure) throw failure;
    if (totals) return { totals, windows };
  }
}

/** Runs the op's window (or closes the partition) and publishes the report. */
function runWindow(worker: WorkerControl, links: NodeLinks, partition: PartitionDriver, op: OpMessage): { totals: PartitionTotals | undefined; failure: Error | undefined } {
  const totals = op.close ? partition.close(op.untilMs) : (partition.run(op.untilMs), undefined);
  const peekMs = partition.peekTimeMs();
  const failure = partition.failure;
  const message: ReportMessage = {
    seq: op.seq,
    sentTx: links.sentTx,
    peekMs: peekMs ?? null,
    busy: partition.busy(),
    lastEventMs: partition.lastEventMs,
    failure: failure ? (typeof failure.stack === 'string' ? sourceMappedStack(failure.stack) : failure.message) : null,
    report: partition.takeReport(),
    ...(totals && { totals }),
  };
  sendTo(worker, links.topics.ctl(`workers/${worker.workerId}/report`), message, links.chunkBytes, true);
  return { totals, failure };
}
