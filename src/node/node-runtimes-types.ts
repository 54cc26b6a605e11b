/**
 * The node runtimes' contract (node-runtimes.ts): what they need to know of each node, their
 * configuration, their checkpoint and their operations.
 */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { Continuation, Scheduler } from '../sim/scheduler.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';
import type { Transmission } from '../radio/transmission.ts';
import type { EnergyLedgers, EnergyLedgersState, EnergyState } from '../hw/energy-ledgers.ts';
import type { McuProfile } from '../hw/mcu-profiles.ts';
import type { MemoryKind, MemoryLedgerState } from '../hw/memory-ledger.ts';
import type { RadioChip } from '../hw/radio-chips.ts';
import type { EventSink } from './events.ts';
import type { NodePower } from './node-power.ts';
import type { NodeMemories } from './node-memories.ts';

/** What the runtime needs to know of one node. */
export interface RuntimeNode {
  readonly index: number;
  readonly mcu: McuProfile;
  readonly radio: RadioChip;
  readonly txCurrentMa: number;
  readonly wake: WakeSchedule;
  readonly power: NodePower;
  /**
   * A concentrator (several receive paths, always listening: a gateway) demodulates many frames
   * at once; its radio stays in `listen` and the firmware does not track single receptions
   * (receive and listen draw the same current in every radio profile).
   */
  readonly concentrator: boolean;
  /** Static allocations made at start (checked against the budgets before the run). */
  readonly memory: Readonly<Record<MemoryKind, number>>;
}

export interface NodeRuntimesConfig {
  readonly scheduler: Scheduler;
  /** Every node of the swarm, by index; only those `hosted` run here. */
  readonly nodes: readonly RuntimeNode[];
  readonly hosted: (node: number) => boolean;
  /** MCU time awake after each caught frame (radio interrupt and FIFO read-out). */
  readonly processingDelayMs: number;
  readonly events: EventSink;
  /** Called once when a node dies (after the death event). */
  readonly onDeath: (node: number, atMs: number) => void;
  /**
   * Energy attribution (swarm inference): the cause of each frame a node sends or hears
   * (undefined: none). With it, every booking of the radio's transmit and receive states and
   * the MCU's compute and processing (idle) states is reported to `attribute` with the cause in
   * force while the state ran: the ledger deltas a token caused, node by node.
   */
  readonly causeOf?: (tx: Transmission) => number | undefined;
  readonly attribute?: (node: number, cause: number, state: EnergyState, energyUj: number) => void;
}

/** The nodes' firmware states, causes, energy and memory (a checkpoint: checkpoint-state.ts). */
export interface NodeRuntimesState {
  readonly columns: readonly (Float64Array | Uint8Array | Int32Array)[];
  readonly ledgers: EnergyLedgersState;
  readonly memories: (MemoryLedgerState | undefined)[];
  readonly computeQueues: readonly unknown[];
  readonly running: readonly unknown[];
}

export interface NodeRuntimes extends Checkpointable<NodeRuntimesState> {
  readonly ledgers: EnergyLedgers;
  readonly memories: NodeMemories;
  alive(node: number): boolean;
  /** The radio starts a frame; false when the node browns out doing so (or is dead). */
  transmit(node: number, tx: Transmission): boolean;
  /** The radio caught a frame's preamble: receive until it ends, then process it. */
  rxStart(node: number, tx: Transmission): void;
  /**
   * A receive window (LoRaWAN class A): the radio receives until `untilMs` looking for a
   * preamble; a frame caught meanwhile (`rxStart`) keeps it receiving to the frame's end. An
   * empty window ends without processing. Ignored while the radio is busy.
   */
  rxWindow(node: number, untilMs: number): void;
  /**
   * Runs `durationMs` of computation, then `then` (queued behind any running computation);
   * `cause` for energy attribution; `powerMw` the MCU's mean power meanwhile (an NPU's, memory
   * traffic included: hw/compute-cost.ts), by default its active power.
   */
  compute(node: number, durationMs: number, then: Continuation | (() => void), cause?: number, powerMw?: number): void;
  /** Books energy up to now (for samples and the end of the run). */
  settle(node: number): void;
  /** An injected fault: the node stops now (a `nodeDied` event with reason `failure`). */
  fail(node: number): void;
  /** Whether computations are running or queued. */
  computing(node: number): boolean;
}
