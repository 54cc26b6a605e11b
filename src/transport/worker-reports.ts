/**
 * The coordinator's windows with the workers (remote-partitions.ts): an op starts each worker
 * that has work before the window's end, its report is awaited at the barrier, and the close
 * collects every worker's last report and totals.
 */
import type { CoordinatorContext } from './coordinator-context.ts';
import { rosterWorkers, type Worker, type WorkerRoster } from './partition-assignment.ts';
import type { PartitionTotals, ReportSink } from './partition-report.ts';
import { reportProblem, type OpMessage, type OpNews, type ReportMessage } from './worker-protocol.ts';
import { WorkerError } from './worker-error.ts';
import type { Barrier } from './barrier.ts';
import type { SimEvent } from '../node/events.ts';
import { eventNode } from '../node/events.ts';

/** Starts every worker with an event before `untilMs` or a delivery waiting on the window up to `untilMs`, or every worker when there is news; the others sit it out. */
export function startWindow(ctx: CoordinatorContext, untilMs: number, news?: OpNews): void {
  const seq = ++ctx.state.seq;
  for (const worker of rosterWorkers(ctx.roster)) {
    const hasDeliveries = worker.deliveries > worker.deliveriesAtOp;
    // News goes to every worker, with its clock at the news's exchange.
    if (!hasDeliveries && news === undefined && (worker.peekMs === undefined || worker.peekMs > untilMs)) continue;
    worker.awaiting = seq;
    worker.report = undefined;
    worker.deliveriesAtOp = worker.deliveries;
    worker.firstPendingDeliveryMs = Number.POSITIVE_INFINITY;
    ctx.control.send(`run/${worker.id}/op`, { seq, untilMs, deliveries: worker.deliveries, close: false, ...deathsFor(worker), ...(news && { news }) } satisfies OpMessage, true);
  }
}

/** Takes a worker's report, if it answers the op awaited; a malformed one, or one that speaks for another's nodes, stops the run. */
export function takeReport(roster: WorkerRoster, barrier: Barrier, worker: Worker, value: unknown): void {
  const problem = reportProblem(value);
  if (problem) return barrier.fail(new WorkerError(`worker ${worker.id} (nodes ${worker.label}) sent a malformed report: ${problem}`));
  const report = value as ReportMessage;
  if (report.seq !== worker.awaiting) return;
  // A worker speaks only for its own nodes.
  const foreign = report.report.events.find((event) => roster.owner[nodeOf(event)] !== worker.part);
  if (foreign !== undefined) return barrier.fail(new WorkerError(`worker ${worker.id} (nodes ${worker.label}) reported an event of a node it does not run`));
  worker.report = report;
}

/** The deaths a worker has not been told of, for its op (taken: told once). */
function deathsFor(worker: Worker): Pick<OpMessage, 'deaths'> {
  if (worker.deaths.length === 0) return {};
  const deaths = worker.deaths;
  worker.deaths = [];
  return { deaths };
}

/** Hands a worker's window report on; a report that speaks for another's nodes, or is malformed, stops the run. */
function handOn(roster: WorkerRoster, worker: Worker, report: ReportSink, message: ReportMessage): void {
  const problem = report(message.report, (node) => roster.owner[node] === worker.part);
  if (problem !== undefined) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) sent a malformed report: ${problem}`);
}

/** Waits for the reports of the window just run and hands each to `report`. */
export async function collectReports(ctx: CoordinatorContext, report: ReportSink): Promise<void> {
  const { roster, barrier } = ctx;
  await barrier.wait(() => rosterWorkers(roster).every((worker) => worker.awaiting === undefined || worker.report !== undefined), 'worker report');
  for (const worker of rosterWorkers(roster)) {
    if (worker.awaiting === undefined) continue;
    const message = worker.report!;
    worker.awaiting = undefined;
    worker.report = undefined;
    if (message.failure !== null) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) failed: ${message.failure}`);
    worker.sentTx = message.sentTx;
    worker.peekMs = message.peekMs ?? undefined;
    worker.busy = message.busy;
    worker.lastEventMs = message.lastEventMs;
    handOn(roster, worker, report, message);
  }
}

/** Runs every worker to `untilMs`, has it take its last sample, and collects its last report and totals. */
export async function finishWorkers(ctx: CoordinatorContext, untilMs: number, report: ReportSink, news?: OpNews): Promise<PartitionTotals[]> {
  const { roster, barrier, control, state } = ctx;
  // Reports still owed (none, when the run loop collected after its last window).
  if (rosterWorkers(roster).some((worker) => worker.awaiting !== undefined)) await collectReports(ctx, report);
  const seq = ++state.seq;
  for (const worker of rosterWorkers(roster)) {
    worker.awaiting = seq;
    worker.report = undefined;
    control.send(`run/${worker.id}/op`, { seq, untilMs, deliveries: worker.deliveries, close: true, ...deathsFor(worker), ...(news && { news }) } satisfies OpMessage, true);
  }
  const totals: PartitionTotals[] = [];
  await barrier.wait(() => rosterWorkers(roster).every((worker) => worker.report !== undefined), 'worker final report');
  for (const worker of rosterWorkers(roster)) {
    const message = worker.report!;
    worker.awaiting = undefined;
    if (message.failure !== null) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) failed: ${message.failure}`);
    if (message.totals === undefined) throw new WorkerError(`worker ${worker.id} (nodes ${worker.label}) sent no totals at the close`);
    handOn(roster, worker, report, message);
    totals.push(message.totals);
  }
  state.finished = true;
  control.stop();
  return totals;
}

function nodeOf(event: SimEvent): number {
  try {
    return eventNode(event);
  } catch {
    return -1;
  }
}
