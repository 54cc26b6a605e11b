/**
 * One simulation's parts and what it changes as it runs, as explicit records: what the pieces
 * of `createSimulation` (samples, the window driving, closing the books, the partition driver,
 * checkpoints) share.
 */
import type { Ether } from '../radio/ether.ts';
import type { SimEvent } from '../node/events.ts';
import type { NodeApplication } from '../node/application.ts';
import type { RadioTracker } from '../metrics/radio-tracker.ts';
import type { SeriesSampler } from '../metrics/series.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { RemotePartitions, SamplePartial } from '../transport/partition-report.ts';
import type { Transport } from '../transport/transport.ts';
import type { InferenceEngine } from '../inference/engine.ts';
import type { FlEngine } from '../fl/swarm.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { LiveSamples } from './live-samples.ts';
import type { SwarmNodes } from './swarm-nodes.ts';

export interface SimulationParts {
  readonly specs: readonly NodeSpec[];
  readonly durationMs: number;
  readonly scheduler: Scheduler;
  readonly tracker: RadioTracker;
  readonly series: SeriesSampler;
  readonly transport: Transport;
  /** The worker processes' partitions (`transport.remote`), on a coordinator. */
  readonly remote: RemotePartitions | undefined;
  readonly ether: Ether;
  readonly swarmNodes: SwarmNodes;
  readonly app: NodeApplication | undefined;
  readonly engine: InferenceEngine | undefined;
  readonly federation: FlEngine | undefined;
  readonly live: LiveSamples;
  readonly state: SimulationRunState;
}

/** What a simulation changes as it runs, besides its parts' own state. */
export interface SimulationRunState {
  /** A worker's failure: kept for its window's report (partition-driver.ts). */
  failure: Error | undefined;
  /** A worker's node events since its last report. */
  reportedEvents: SimEvent[];
  /** Series rows already in a report. */
  reportedSeriesRows: number;
  /** Sample events run: bookkeeping, not simulation events. */
  sampleEvents: number;
  /** This process's shares of the samples since the last report. */
  readonly samplePartials: SamplePartial[];
}

export function newRunState(): SimulationRunState {
  return { failure: undefined, reportedEvents: [], reportedSeriesRows: 0, sampleEvents: 0, samplePartials: [] };
}

/** Throws a worker's kept failure. */
export function rethrow(state: SimulationRunState): void {
  if (state.failure) throw state.failure;
}
