/**
 * What the nodes of one partition tell the coordinator when they run in another process (a
 * `loraswarm worker`): after each window, the node events it emitted, the series rows and the
 * live-metrics partials of the samples it took; at the close, its totals per node.
 */
import type { EnergyTotals } from '../hw/energy-ledger.ts';
import type { MemoryUsage } from '../hw/memory-ledger.ts';
import type { SeriesRow } from '../metrics/series.ts';
import type { SimEvent } from '../node/events.ts';
import type { OpNews } from './worker-protocol.ts';

/** One sample's share of the live snapshot. */
export interface SamplePartial {
  readonly atMs: number;
  readonly nodesAlive: number;
  readonly energyUj: number;
}

export interface WindowReport {
  readonly events: readonly SimEvent[];
  readonly series: readonly SeriesRow[];
  readonly samples: readonly SamplePartial[];
  /** What the node application's part here did (swarm inference: node/application.ts `report`). */
  readonly app?: unknown;
}

/**
 * Takes a worker's report in; `owns` says whether a node is the worker's. Returns what is wrong
 * with the report when it speaks for another's nodes or is malformed.
 */
export type ReportSink = (report: WindowReport, owns: (node: number) => boolean) => string | undefined;

export interface NodeTotals {
  readonly node: number;
  readonly energy: EnergyTotals;
  readonly memory: MemoryUsage;
}

export interface PartitionTotals {
  /** Simulation events the partition executed (not plumbing, not samples). */
  readonly events: number;
  readonly nodes: readonly NodeTotals[];
}

/** The parts of a run's swarm that run in other processes, as the coordinator sees them. */
export interface RemotePartitions {
  /** How many worker processes run remote partitions. */
  readonly parts: number;
  /** Starts every remote partition on the window up to `untilMs` (every one, with `news` to tell); called before the local part runs it. */
  runUntil(untilMs: number, news?: OpNews): void;
  /** Waits for the reports of the window just run and hands each to `report`. */
  collect(report: ReportSink): Promise<void>;
  /** Transmission envelopes the remote nodes have published so far. */
  readonly sentTx: number;
  /** Every process learns of a death at the exchange after it: each worker is told with its next op. */
  nodeDied(node: number, atMs: number, knownAtMs: number): void;
  /** Counts a delivery published to a remote node (applied there before its next window). */
  delivered(receiver: number, atMs: number): void;
  /** Whether `node` runs remotely. */
  hosts(node: number): boolean;
  /** The earliest pending event among the remote partitions, deliveries included. */
  peekTimeMs(): number | undefined;
  /** Work a remote partition must finish before the books close. */
  readonly busy: boolean;
  readonly lastEventMs: number;
  /** Runs every remote partition to `untilMs`, has it take its last sample, and collects its totals. */
  finish(untilMs: number, report: ReportSink, news?: OpNews): Promise<PartitionTotals[]>;
}
