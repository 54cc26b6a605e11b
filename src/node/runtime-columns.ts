/**
 * The node runtimes' state (node-runtimes.ts), one record for all nodes: a row of numbers per
 * node (firmware state, causes, the ledger state and current of each region's states, the
 * receive window, whether it is handling an event), the energy ledgers and memories, the compute
 * queues and the actors' mailboxes; then the scheduler's timers and kinds the factory
 * registers. The runtimes' parts (runtime-meter.ts, runtime-actor.ts, runtime-radio.ts) are
 * functions of this record.
 */
import { CheckpointUnsupportedError, replaceArray } from '../sim/checkpoint-state.ts';
import { checkpointRows, restoreRows, type KeptColumn } from '../sim/row-checkpoint.ts';
import type { Continuation, EventKind, Scheduler, TimerFamily } from '../sim/scheduler.ts';
import { createEnergyLedgers, energyStateIndex, type EnergyLedgers } from '../hw/energy-ledgers.ts';
import { createNodeMemories, type NodeMemories } from './node-memories.ts';
import type { NodeRuntimesConfig, NodeRuntimesState, RuntimeNode } from './node-runtimes-types.ts';
import { COMPUTE_STATE, IDLE, LISTEN, RECEIVE, TRANSMIT } from './runtime-firmware.ts';

export interface ComputeJob {
  readonly durationMs: number;
  /** The MCU's mean power while it runs, when not its active power. */
  readonly powerMw?: number;
  /** What runs when it is done: a continuation (data) or, for applications not yet checkpointable, a callback. */
  readonly then: Continuation | (() => void);
  readonly cause: number | undefined;
}

export interface RuntimeTables {
  readonly config: NodeRuntimesConfig;
  readonly scheduler: Scheduler;
  readonly nodes: readonly RuntimeNode[];
  readonly ledgers: EnergyLedgers;
  readonly memories: NodeMemories;
  /**
   * Each node's runtime state read at every state change, side by side: `row[node *
   * RUNTIME_ROW + field]` (the fields below). A column per field cost a cache miss per field
   * and change in a city.
   */
  readonly row: Float64Array;
  readonly computeQueues: (ComputeJob[] | undefined)[];
  /** The job each node's MCU is running. */
  readonly running: (ComputeJob | undefined)[];
  /** The mailbox: events sent to a node while it handles one (HANDLING) wait here. */
  readonly mailbox: Map<number, number[]>;
}

/** The scheduler's hooks into the runtimes: a node's predicted death, and the timed ends of its activities. */
export interface RuntimeEvents {
  readonly deathTimers: TimerFamily;
  readonly txEndKind: EventKind;
  readonly rxEndKind: EventKind;
  readonly computeEndKind: EventKind;
  readonly processEndKind: EventKind;
}

export type RuntimeColumns = RuntimeTables & RuntimeEvents;

// The fields of a node's row (`RuntimeTables.row`).
/** The firmware state (a number of the compiled table). */
export const STATE = 0;
/** 1 while the node lives. */
export const ALIVE = 1;
export const LAST_BOOKED_MS = 2;
/** 1 when the radio follows a windowed wake schedule (rendezvous, preamble sampling, sessions). */
export const WINDOWED = 3;
/** Causes (NaN: none) in force for the MCU's and the radio's current states, and those the next state takes. */
export const MCU_CAUSE = 4;
export const RADIO_CAUSE = 5;
export const NEXT_MCU_CAUSE = 6;
export const NEXT_RADIO_CAUSE = 7;
/** Ledger state and current of each region's states (three each): [asleep, computing, processing] and [scheduled, transmitting, receiving]. */
export const MCU_STATE = 8;
export const MCU_MA = 11;
export const RADIO_STATE = 14;
export const RADIO_MA = 17;
export const RX_MA = 20;
export const RADIO_SLEEP_MA = 21;
export const ACTIVE_MA = 22;
export const SUPPLY_V = 23;
/** When the radio's receive window ends. */
export const RX_UNTIL_MS = 24;
/** 1 while the radio receives in a window that has caught no frame yet. */
export const EMPTY_WINDOW = 25;
/** The cause (NaN: none) a receive window's frame brings. */
export const RX_CAUSE = 26;
/** 1 while the node handles an event (others wait in the mailbox). */
export const HANDLING = 27;
export const RUNTIME_ROW = 28;

export function createRuntimeTables(config: NodeRuntimesConfig): RuntimeTables {
  const { scheduler, nodes } = config;
  const n = nodes.length;
  const ledgers = createEnergyLedgers(
    nodes.map((node) => ({
      battery: node.power.battery,
      initialStateOfCharge: node.power.initialStateOfCharge,
      rail: node.power.rail,
      brownOutV: node.power.brownOutV,
      ...(node.power.harvest && { harvest: node.power.harvest }),
      startMs: scheduler.nowMs,
    })),
  );
  const memories = createNodeMemories(nodes, config.hosted, (node, reason) => config.events.nodeFault(scheduler.nowMs, node, reason));
  return {
    config,
    scheduler,
    nodes,
    ledgers,
    memories,
    row: runtimeRows(nodes, n, scheduler.nowMs),
    computeQueues: [],
    running: [],
    mailbox: new Map<number, number[]>(),
  };
}

/** Each node's row: alive 0 until its first interval opens, no cause, and its ledger states and currents per MCU and radio region, from its MCU, radio and wake schedule. */
function runtimeRows(nodes: readonly RuntimeNode[], n: number, nowMs: number): Float64Array {
  const row = new Float64Array(n * RUNTIME_ROW);
  for (let i = 0; i < n; i++) {
    row[i * RUNTIME_ROW + RX_UNTIL_MS] = Number.NEGATIVE_INFINITY;
    row[i * RUNTIME_ROW + RX_CAUSE] = Number.NaN;
  }
  for (const node of nodes) {
    const o = node.index * RUNTIME_ROW;
    row[o + LAST_BOOKED_MS] = nowMs;
    row.fill(Number.NaN, o + MCU_CAUSE, o + NEXT_RADIO_CAUSE + 1);
    const activeMa = node.mcu.activePowerMw / node.power.supplyV;
    row.set([energyStateIndex.sleep, COMPUTE_STATE, IDLE], o + MCU_STATE);
    row.set([node.mcu.sleepCurrentUa / 1000, activeMa, node.mcu.idlePowerMw / node.power.supplyV], o + MCU_MA);
    const always = node.wake.mode === 'always';
    row.set([always ? LISTEN : energyStateIndex.sleep, TRANSMIT, RECEIVE], o + RADIO_STATE);
    row.set([always ? node.radio.rxCurrentMa : node.radio.sleepCurrentUa / 1000, node.txCurrentMa, node.radio.rxCurrentMa], o + RADIO_MA);
    row[o + RX_MA] = node.radio.rxCurrentMa;
    row[o + RADIO_SLEEP_MA] = node.radio.sleepCurrentUa / 1000;
    row[o + ACTIVE_MA] = activeMa;
    row[o + SUPPLY_V] = node.power.supplyV;
    row[o + WINDOWED] = node.wake.mode === 'rendezvous' || node.wake.mode === 'preamble-sampling' || node.wake.mode === 'sessions' ? 1 : 0;
  }
  return row;
}

/** The current the MCU draws while computing `job`: its power (its active power unless the job says) at the node's supply. */
export function computePower(s: RuntimeTables, i: number, job: ComputeJob): void {
  const o = i * RUNTIME_ROW;
  s.row[o + MCU_MA + 1] = job.powerMw === undefined ? s.row[o + ACTIVE_MA]! : job.powerMw / s.row[o + SUPPLY_V]!;
}

/** What a checkpoint keeps, in its order (row-checkpoint.ts): the columns it had before these fields joined the row. */
const kept: readonly KeptColumn[] = [
  { field: STATE, type: Uint8Array },
  { field: ALIVE, type: Uint8Array },
  { field: LAST_BOOKED_MS, type: Float64Array },
  { field: RX_UNTIL_MS, type: Float64Array },
  { field: EMPTY_WINDOW, type: Uint8Array },
  { field: MCU_CAUSE, type: Float64Array },
  { field: RADIO_CAUSE, type: Float64Array },
  { field: NEXT_MCU_CAUSE, type: Float64Array },
  { field: NEXT_RADIO_CAUSE, type: Float64Array },
  { field: RX_CAUSE, type: Float64Array },
];

export function checkpointRuntimes(s: RuntimeTables): NodeRuntimesState {
  const { computeQueues, running } = s;
  // Between windows no node is inside a transition; a computation whose continuation is a callback cannot be saved.
  const callback = (job: ComputeJob | undefined): boolean => typeof job?.then === 'function';
  const computing = computeQueues.findIndex((queue, i) => callback(running[i]) || (queue?.some(callback) ?? false));
  if (computing >= 0 || running.some(callback)) throw new CheckpointUnsupportedError(`node ${computing >= 0 ? computing : running.findIndex(callback)} has a computation whose continuation is a callback`);
  const columns = checkpointRows(s.row, RUNTIME_ROW, s.nodes.length, kept);
  return { columns, ledgers: s.ledgers.checkpoint(), memories: s.memories.checkpoint(), computeQueues, running };
}

export function restoreRuntimes(s: RuntimeTables, saved: NodeRuntimesState): void {
  restoreRows(s.row, RUNTIME_ROW, s.nodes.length, kept, saved.columns, 'node runtimes');
  replaceArray(s.computeQueues, saved.computeQueues as (ComputeJob[] | undefined)[]);
  replaceArray(s.running, saved.running as (ComputeJob | undefined)[]);
  s.running.forEach((job, i) => job && computePower(s, i, job));
  s.ledgers.restore(saved.ledgers);
  s.memories.restore(saved.memories);
}
