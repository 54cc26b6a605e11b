/**
 * The node runtimes' state (node-runtimes.ts), one record for all nodes: typed-array columns
 * indexed by node (firmware state, causes, receive window), the ledger state and current of each
 * region's states, the energy ledgers and memories, the compute queues and the actors'
 * mailboxes; then the scheduler's timers and kinds the factory registers. The runtimes' parts
 * (runtime-meter.ts, runtime-actor.ts, runtime-radio.ts) are functions of this record.
 */
import { CheckpointUnsupportedError, replaceArray, restoreInto } from '../sim/checkpoint-state.ts';
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
  // Ledger state and current of each region's states: [asleep, computing, processing] and [scheduled, transmitting, receiving].
  readonly mcuState: Float64Array;
  readonly mcuMa: Float64Array;
  readonly radioState: Float64Array;
  readonly radioMa: Float64Array;
  readonly rxMa: Float64Array;
  readonly radioSleepMa: Float64Array;
  readonly windowed: Uint8Array;
  readonly activeMa: Float64Array;
  readonly supplyV: Float64Array;
  /** Each node's firmware state (a number of the compiled table). */
  readonly state: Uint8Array;
  readonly isAlive: Uint8Array;
  readonly lastBookedMs: Float64Array;
  readonly rxUntilMs: Float64Array;
  /** 1 while the radio receives in a window that has caught no frame yet. */
  readonly emptyWindow: Uint8Array;
  // Causes (NaN: none) in force for the MCU's and the radio's current states, and those the next state takes.
  readonly mcuCause: Float64Array;
  readonly radioCause: Float64Array;
  readonly nextMcuCause: Float64Array;
  readonly nextRadioCause: Float64Array;
  readonly rxCause: Float64Array;
  readonly computeQueues: (ComputeJob[] | undefined)[];
  /** The job each node's MCU is running. */
  readonly running: (ComputeJob | undefined)[];
  // The mailbox: events sent to a node while it handles one wait here.
  readonly handling: Uint8Array;
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
  const column = (fill: number): Float64Array => new Float64Array(n).fill(fill);
  return {
    config,
    scheduler,
    nodes,
    ledgers,
    memories,
    ...regionCurrents(nodes),
    state: new Uint8Array(n),
    isAlive: new Uint8Array(n),
    lastBookedMs: column(scheduler.nowMs),
    rxUntilMs: column(Number.NEGATIVE_INFINITY),
    emptyWindow: new Uint8Array(n),
    mcuCause: column(Number.NaN),
    radioCause: column(Number.NaN),
    nextMcuCause: column(Number.NaN),
    nextRadioCause: column(Number.NaN),
    rxCause: column(Number.NaN),
    computeQueues: [],
    running: [],
    handling: new Uint8Array(n),
    mailbox: new Map<number, number[]>(),
  };
}

type RegionCurrents = Pick<RuntimeTables, 'mcuState' | 'mcuMa' | 'radioState' | 'radioMa' | 'rxMa' | 'radioSleepMa' | 'windowed' | 'activeMa' | 'supplyV'>;

/** Each node's ledger states and currents per MCU and radio region, from its MCU, radio and wake schedule. */
function regionCurrents(nodes: readonly RuntimeNode[]): RegionCurrents {
  const n = nodes.length;
  const t: RegionCurrents = {
    mcuState: new Float64Array(n * 3),
    mcuMa: new Float64Array(n * 3),
    radioState: new Float64Array(n * 3),
    radioMa: new Float64Array(n * 3),
    rxMa: new Float64Array(n),
    radioSleepMa: new Float64Array(n),
    windowed: new Uint8Array(n),
    activeMa: new Float64Array(n),
    supplyV: new Float64Array(n),
  };
  for (const node of nodes) {
    const i = node.index;
    t.mcuState.set([energyStateIndex.sleep, COMPUTE_STATE, IDLE], 3 * i);
    t.activeMa[i] = node.mcu.activePowerMw / node.power.supplyV;
    t.supplyV[i] = node.power.supplyV;
    t.mcuMa.set([node.mcu.sleepCurrentUa / 1000, t.activeMa[i]!, node.mcu.idlePowerMw / node.power.supplyV], 3 * i);
    const always = node.wake.mode === 'always';
    t.radioState.set([always ? LISTEN : energyStateIndex.sleep, TRANSMIT, RECEIVE], 3 * i);
    t.radioMa.set([always ? node.radio.rxCurrentMa : node.radio.sleepCurrentUa / 1000, node.txCurrentMa, node.radio.rxCurrentMa], 3 * i);
    t.rxMa[i] = node.radio.rxCurrentMa;
    t.radioSleepMa[i] = node.radio.sleepCurrentUa / 1000;
    t.windowed[i] = node.wake.mode === 'rendezvous' || node.wake.mode === 'preamble-sampling' || node.wake.mode === 'sessions' ? 1 : 0;
  }
  return t;
}

/** The current the MCU draws while computing `job`: its power (its active power unless the job says) at the node's supply. */
export function computePower(s: RuntimeTables, i: number, job: ComputeJob): void {
  s.mcuMa[3 * i + 1] = job.powerMw === undefined ? s.activeMa[i]! : job.powerMw / s.supplyV[i]!;
}

/** The columns a checkpoint copies, in the order it keeps them. */
function checkpointed(s: RuntimeTables): (Float64Array | Uint8Array)[] {
  return [s.state, s.isAlive, s.lastBookedMs, s.rxUntilMs, s.emptyWindow, s.mcuCause, s.radioCause, s.nextMcuCause, s.nextRadioCause, s.rxCause];
}

export function checkpointRuntimes(s: RuntimeTables): NodeRuntimesState {
  const { computeQueues, running } = s;
  // Between windows no node is inside a transition; a computation whose continuation is a callback cannot be saved.
  const callback = (job: ComputeJob | undefined): boolean => typeof job?.then === 'function';
  const computing = computeQueues.findIndex((queue, i) => callback(running[i]) || (queue?.some(callback) ?? false));
  if (computing >= 0 || running.some(callback)) throw new CheckpointUnsupportedError(`node ${computing >= 0 ? computing : running.findIndex(callback)} has a computation whose continuation is a callback`);
  return { columns: checkpointed(s).map((column) => column.slice()), ledgers: s.ledgers.checkpoint(), memories: s.memories.checkpoint(), computeQueues, running };
}

export function restoreRuntimes(s: RuntimeTables, saved: NodeRuntimesState): void {
  checkpointed(s).forEach((column, k) => restoreInto(column, saved.columns[k]!, 'node runtimes'));
  replaceArray(s.computeQueues, saved.computeQueues as (ComputeJob[] | undefined)[]);
  replaceArray(s.running, saved.running as (ComputeJob | undefined)[]);
  s.running.forEach((job, i) => job && computePower(s, i, job));
  s.ledgers.restore(saved.ledgers);
  s.memories.restore(saved.memories);
}
