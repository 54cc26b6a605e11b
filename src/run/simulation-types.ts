/**
 * The simulation's public shapes: its options, the handle `createSimulation` returns, the
 * driver a worker process uses for its partition, live snapshots and the run's result.
 */
import type { WindowLength } from './window-length.ts';
import type { SimEvent } from '../node/events.ts';
import type { AdrChange } from '../node/lorawan-devices.ts';
import type { PeerCounts } from '../node/peer-links.ts';
import type { LorawanReport } from './lorawan-layer.ts';
import type { LoraNode } from '../node/lora-node.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { Ether } from '../radio/ether.ts';
import type { RadioTracker, RecordSink } from '../metrics/radio-tracker.ts';
import type { SeriesSampler, SeriesSink } from '../metrics/series.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { NodeTotals, PartitionTotals, WindowReport } from '../transport/partition-report.ts';
import type { Transport, TransportEndpoints } from '../transport/transport.ts';
import type { InferenceEngine } from '../inference/engine.ts';
import type { InferenceSetup } from '../inference/setup.ts';
import type { FlEngine, FlSetup } from '../fl/swarm.ts';

export interface SimulationOptions {
  /** Keep every frame and reception record in memory (`tracker.frames`, `tracker.receptions`); on by default, off for runs that stream their records. */
  readonly keepRecords?: boolean;
  /** Where the final records go as the run makes them (the result writers, a live dashboard). */
  readonly recordSinks?: readonly RecordSink[];
  /** Keep every series row in memory (`series.rows`); on by default, off for runs that stream them. */
  readonly keepSeriesRows?: boolean;
  /** Where series rows go as they are sampled (series.csv's writer). */
  readonly seriesSinks?: readonly SeriesSink[];
  /** Extra subscribers to every event of this process's nodes and ether, as it happens. */
  readonly listeners?: readonly ((event: SimEvent) => void)[];
  /** Called with a snapshot of the run at every sampling instant (live metrics). */
  readonly onSample?: (snapshot: LiveSnapshot) => void;
  /** The transport; the memory transport by default. */
  readonly transport?: (scheduler: Scheduler, endpoints: () => TransportEndpoints) => Transport;
  /**
   * The nodes this process runs (by index); all by default. The others run in worker processes
   * (the transport's `remote` on the coordinator), or in the coordinator (on a worker).
   */
  readonly hosted?: readonly number[];
  /** This process is a worker: its nodes' events go to the coordinator in each window's report (`partition.takeReport`). */
  readonly reportsToCoordinator?: boolean;
  /** Swarm inference: the model, its placement and the requests (scenarios with `model` and `inference`). */
  readonly inference?: InferenceSetup;
  /** Federated learning: the task, the partition, the coordinator (scenarios with `federated`). */
  readonly federated?: FlSetup;
  /**
   * Threads that train federated clients while the simulation goes on (fl/training-pool.ts):
   * the same results; 0 or absent trains them on the simulation's thread.
   */
  readonly trainingThreads?: number;
  /** Windows of the short protocol, min(shortest airtime, processing delay), even where wider ones are safe (window-length.ts; tests compare the two). */
  readonly shortWindows?: boolean;
}

export interface Simulation {
  readonly scheduler: Scheduler;
  readonly tracker: RadioTracker;
  readonly ether: Ether;
  readonly transport: Transport;
  /** The nodes, by index; undefined for nodes that run in another process. */
  readonly nodes: readonly (LoraNode | undefined)[];
  readonly runtimes: readonly (NodeRuntime | undefined)[];
  /** The short window: min(shortest airtime in use, processing delay). */
  readonly lookaheadMs: number;
  /** How long windows may be in this run, and why they stay short if they do (window-length.ts). */
  readonly windowLength: WindowLength;
  /** Windows run so far, each ending in an exchange. */
  readonly windowsRun: number;
  readonly series: SeriesSampler;
  /**
   * Runs up to `untilMs` (at most the scenario's duration), then returns. The window under way
   * at `untilMs` runs to its end, so the clock may pass `untilMs` by less than a window: how a
   * run is sliced changes no window, hence no result.
   */
  advance(untilMs: number): void;
  /** Runs to the end of the scenario, drains in-flight work and puts the books in canonical order. */
  finish(): SimulationResult;
  /** `advance` for asynchronous transports (MQTT). */
  advanceAsync(untilMs: number): Promise<void>;
  /** `finish` for asynchronous transports (MQTT). */
  finishAsync(): Promise<SimulationResult>;
  /**
   * Runs the drain after the scenario's duration up to `untilMs` (asynchronous transports),
   * for a live view that follows it; returns whether work remains. `finishAsync` goes on from
   * there, to the same result as without it.
   */
  drainAsync(untilMs: number): Promise<boolean>;
  /**
   * The whole simulation state between two `advance` calls, serialised (checkpoint-state.ts):
   * what `restore` takes on a simulation built from the same scenario, so that the run goes on
   * exactly as it would have. One process only; throws CheckpointUnsupportedError when
   * something pending cannot be saved (node applications, computations in progress).
   */
  checkpoint(): Buffer;
  restore(bytes: Uint8Array): void;
  /** A worker's side: runs this process's nodes window by window as the coordinator says. */
  readonly partition: PartitionDriver;
  /** The inference engine, when the scenario serves a model. */
  readonly inference: InferenceEngine | undefined;
  /** The federated-learning engine, when the scenario trains a model. */
  readonly federated: FlEngine | undefined;
}

/** How a worker process drives its partition of the nodes (transport/worker-session.ts). */
export interface PartitionDriver {
  /** Runs every local event up to `untilMs` (stops early after a failure, which it keeps). */
  run(untilMs: number): void;
  readonly failure: Error | undefined;
  peekTimeMs(): number | undefined;
  busy(): boolean;
  readonly lastEventMs: number;
  /** The node events, series rows and sample partials since the last report. */
  takeReport(): WindowReport;
  /** Runs to `untilMs`, takes the last sample and returns the partition's totals. */
  close(untilMs: number): PartitionTotals;
  /** A death elsewhere in the run (or here), as the coordinator tells it: see NodeApplication.deathKnown. */
  deathKnown(node: number, atMs: number, knownAtMs: number): void;
  /**
   * The clock moves to the coordinator's exchange at `atMs` whose news comes with the op (no
   * event of this partition is due by then: it ran, or had nothing to run, every window up to
   * it); what is wrong instead.
   */
  moveClockTo(atMs: number): string | undefined;
  /** The node application's news of that exchange, taken after its deliveries; what is wrong with it instead. */
  takeNews(value: unknown): string | undefined;
}

/** What a live viewer sees at each sample (published on `swarm/<run>/metrics/live` over MQTT). */
export interface LiveSnapshot {
  readonly atMs: number;
  readonly nodesAlive: number;
  readonly framesSent: number;
  readonly dutyCycleBlocked: number;
  readonly received: number;
  readonly receptions: number;
  readonly messagesDelivered: number;
  readonly energyJ: number;
}

export interface SimulationResult {
  readonly durationMs: number;
  readonly drainedUntilMs: number;
  /** Simulation events executed (node, firmware, MAC, traffic and ether events; not plumbing), in every process. */
  readonly events: number;
  /** Every node's energy and memory totals, by index, wherever it ran. */
  readonly nodeTotals: readonly NodeTotals[];
  /** The LoRaWAN layer's counts and every ADR change (scenarios with `lorawan`). */
  readonly lorawan?: LorawanReport & { readonly adrChanges: readonly AdrChange[] };
  /** The peer MAC's counts (scenarios with `peerMac`). */
  readonly peerMac?: PeerCounts;
}
