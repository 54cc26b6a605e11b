/**
 * What a node application (swarm inference, federated learning) plugs into the simulation:
 * the complete messages its nodes receive, the node events as they happen, the cause of each
 * frame for energy attribution, and whether work remains (the run drains until none does).
 * An application whose nodes may run in several processes (swarm inference: issue 22) also
 * gives each frame its simulation metadata, learns of deaths at the exchange, counts what every
 * process does once as plumbing, and reports what its nodes did after each window to the
 * process that keeps its records.
 */
import type { EnergyState } from '../hw/energy-ledger.ts';
import type { SimEvent } from './events.ts';
import type { ReceivedMessage } from './lora-node.ts';
import type { FrameTiming } from './mac-types.ts';
import type { Transmission } from '../radio/transmission.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';

export interface NodeApplication {
  onMessage(node: number, message: ReceivedMessage): void;
  onEvent(event: SimEvent): void;
  causeOf(tx: Transmission): number | undefined;
  /** The simulation metadata of a frame of `node`'s message going on the air (Transmission.meta; mac-types.ts). */
  frameMeta?(node: number, messageId: number, timing: FrameTiming): Uint8Array | undefined;
  attribute(node: number, cause: number, state: EnergyState, energyUj: number): void;
  /**
   * A node died at `atMs`, as every process of the run learns it: at the end of the window of
   * the death (`knownAtMs`, the exchange), deaths in (time, node) order.
   */
  deathKnown?(node: number, atMs: number, knownAtMs: number): void;
  /**
   * Scheduler events of the application that count as plumbing, not simulation: what every
   * process of a run does once where one process would do it once (a worker's routing layer
   * learning of a death), so that the run's event count does not depend on its split.
   */
  readonly uncountedEvents?: number;
  /**
   * A window's exchange has been made (every process's, at the same instant): what the
   * application's nodes tell each other between frames takes effect now (federated learning's
   * round news: fl/round-news.ts).
   */
  exchanged?(nowMs: number): void;
  /**
   * What every worker must learn with the op of the window up to `untilMs` (the coordinator's
   * news at the last exchange); undefined when there is none. Asked at every window's start;
   * a worker with nothing to do in the window gets an op all the same.
   */
  newsFor?(untilMs: number): unknown;
  /** A worker takes the coordinator's news, its clock at the exchange that made it; what is wrong with it instead. */
  takeNews?(value: unknown): string | undefined;
  /**
   * The wake schedule another node's MAC sees for `node` when the application opens its
   * listening sessions as the run goes: as of the last exchange, since a node in another
   * process learns it no sooner (federated learning's scheduled clients); undefined: the
   * node's own.
   */
  publishedWake?(node: number): WakeSchedule | undefined;
  /** What this process's nodes did in the window just run, for the coordinator (a worker's; issue 22). */
  report?(): unknown;
  /** Takes a worker's report in; what is wrong with it when it is malformed or speaks for a node the worker does not run (`owns`). */
  receive?(report: unknown, owns: (node: number) => boolean): string | undefined;
  start(): void;
  readonly busy: boolean;
}
