/**
 * The firmware of every node at run time, in columns: each node's firmware state (a number of
 * the table compiled from firmware.machine.ts, firmware-table.ts) and the energy meter that
 * books every change of it on the node's energy ledger (energy-ledgers.ts, one typed array for
 * all nodes). Timed ends of activities are integer events on the scheduler and a node's
 * predicted death is a re-armable timer, so a frame allocates nothing here.
 *
 * The meter books two simultaneous parts per interval, the MCU's and the radio's (ledger
 * states `sleep`, `idle`, `compute` for the MCU; `sleep`, `listen`, `receive`, `transmit` for
 * the radio). While the radio follows a windowed wake schedule (rendezvous or preamble
 * sampling), its listening time within the interval is counted exactly
 * (`scheduledListenMs`) and booked as a `listen` sub-interval at the end of the interval, the
 * rest as radio sleep. After each booking the node's death is scheduled at the ledger's
 * predicted time; at that time the node settles its books and dies if the ledger says so.
 *
 * Each node behaves as an xstate actor would: an event sent to a node while that node is
 * handling one (from inside its booking) waits in the node's mailbox until the first is done,
 * so that every scheduler event is taken in the order the actor gave.
 */
import { CheckpointUnsupportedError, replaceArray, restoreInto } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import { scheduledListenMs } from '../radio/wake-schedule.ts';
import type { Transmission } from '../radio/transmission.ts';
import { createEnergyLedgers, dead, energyStateIndex, type LedgerOutcome } from '../hw/energy-ledgers.ts';
import { capacityUc, emptyStateOfCharge, peukertFactor, stateOfChargeAtVoltage } from '../hw/battery.ts';
import { compileFirmware } from './firmware-table.ts';
import { createNodeMemories } from './node-memories.ts';

export type { NodeRuntimes, NodeRuntimesConfig, NodeRuntimesState, RuntimeNode } from './node-runtimes-types.ts';
import type { NodeRuntimes, NodeRuntimesConfig } from './node-runtimes-types.ts';

interface ComputeJob {
  readonly durationMs: number;
  /** The MCU's mean power while it runs, when not its active power. */
  readonly powerMw?: number;
  /** What runs when it is done: a continuation (data) or, for applications not yet checkpointable, a callback. */
  readonly then: Continuation | (() => void);
  readonly cause: number | undefined;
}

const firmware = compileFirmware();
const eventCount = firmware.events.length;
const TX_START = firmware.event('TX_START');
const TX_END = firmware.event('TX_END');
const RX_START = firmware.event('RX_START');
const RX_END = firmware.event('RX_END');
const COMPUTE = firmware.event('COMPUTE');
const COMPUTE_END = firmware.event('COMPUTE_END');
const PROCESS = firmware.event('PROCESS');
const PROCESS_END = firmware.event('PROCESS_END');
const DIE = firmware.event('DIE');
/** Per firmware state: the MCU region (0 asleep, 1 computing, 2 processing) and the radio region (0 scheduled, 1 transmitting, 2 receiving); −1 once dead. */
const mcuRegion = Int8Array.from(firmware.mcuOf, (m) => (m === undefined ? -1 : ['asleep', 'computing', 'processing'].indexOf(m)));
const radioRegion = Int8Array.from(firmware.radioOf, (r) => (r === undefined ? -1 : ['scheduled', 'transmitting', 'receiving'].indexOf(r)));
const MCU_ASLEEP = 0;
const MCU_COMPUTING = 1;
const MCU_PROCESSING = 2;
const RADIO_SCHEDULED = 0;
const RADIO_RECEIVING = 2;
const LISTEN = energyStateIndex.listen;
const TRANSMIT = energyStateIndex.transmit;
const RECEIVE = energyStateIndex.receive;
const COMPUTE_STATE = energyStateIndex.compute;
const IDLE = energyStateIndex.idle;

export function createNodeRuntimes(config: NodeRuntimesConfig): NodeRuntimes {
  const { scheduler, nodes, processingDelayMs } = config;
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
  // Ledger state and current of each region's states: [asleep, computing, processing] and [scheduled, transmitting, receiving].
  const mcuState = new Float64Array(n * 3);
  const mcuMa = new Float64Array(n * 3);
  const radioState = new Float64Array(n * 3);
  const radioMa = new Float64Array(n * 3);
  const rxMa = new Float64Array(n);
  const radioSleepMa = new Float64Array(n);
  const windowed = new Uint8Array(n);
  const activeMa = new Float64Array(n);
  const supplyV = new Float64Array(n);
  for (const node of nodes) {
    const i = node.index;
    mcuState.set([energyStateIndex.sleep, COMPUTE_STATE, IDLE], 3 * i);
    activeMa[i] = node.mcu.activePowerMw / node.power.supplyV;
    supplyV[i] = node.power.supplyV;
    mcuMa.set([node.mcu.sleepCurrentUa / 1000, activeMa[i]!, node.mcu.idlePowerMw / node.power.supplyV], 3 * i);
    const always = node.wake.mode === 'always';
    radioState.set([always ? LISTEN : energyStateIndex.sleep, TRANSMIT, RECEIVE], 3 * i);
    radioMa.set([always ? node.radio.rxCurrentMa : node.radio.sleepCurrentUa / 1000, node.txCurrentMa, node.radio.rxCurrentMa], 3 * i);
    rxMa[i] = node.radio.rxCurrentMa;
    radioSleepMa[i] = node.radio.sleepCurrentUa / 1000;
    windowed[i] = node.wake.mode === 'rendezvous' || node.wake.mode === 'preamble-sampling' || node.wake.mode === 'sessions' ? 1 : 0;
  }

  const state = new Uint8Array(n);
  const isAlive = new Uint8Array(n);
  const lastBookedMs = new Float64Array(n).fill(scheduler.nowMs);
  const rxUntilMs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  /** 1 while the radio receives in a window that has caught no frame yet. */
  const emptyWindow = new Uint8Array(n);
  // Causes (NaN: none) in force for the MCU's and the radio's current states, and those the next state takes.
  const mcuCause = new Float64Array(n).fill(Number.NaN);
  const radioCause = new Float64Array(n).fill(Number.NaN);
  const nextMcuCause = new Float64Array(n).fill(Number.NaN);
  const nextRadioCause = new Float64Array(n).fill(Number.NaN);
  const rxCause = new Float64Array(n).fill(Number.NaN);
  const computeQueues: (ComputeJob[] | undefined)[] = [];
  /** The job each node's MCU is running. */
  const running: (ComputeJob | undefined)[] = [];
  // The mailbox: events sent to a node while it handles one wait here.
  const handling = new Uint8Array(n);
  const mailbox = new Map<number, number[]>();
  const attribute = config.attribute;

  const deathTimers = scheduler.timers(n, (i) => afterBooking(i, book(i, state[i]!)));
  const txEndKind = scheduler.kind((i) => {
    if (isAlive[i]) send(i, TX_END);
  });
  const rxEndKind = scheduler.kind(rxEnd);
  const computeEndKind = scheduler.kind((i) => computeEnd(i));
  const processEndKind = scheduler.kind((i) => {
    if (isAlive[i] && mcuRegion[state[i]!] === MCU_PROCESSING) send(i, PROCESS_END);
  });

  /** Books [lastBooked, now] with the state in force and opens `next`'s parts, attributing what a cause ran. */
  function book(i: number, next: number): LedgerOutcome {
    const mc = mcuCause[i]!;
    const rc = radioCause[i]!;
    if (!attribute || (Number.isNaN(mc) && Number.isNaN(rc))) return bookParts(i, next);
    const transmitBefore = ledgers.energyUj(i, TRANSMIT);
    const receiveBefore = ledgers.energyUj(i, RECEIVE);
    const computeBefore = ledgers.energyUj(i, COMPUTE_STATE);
    const idleBefore = ledgers.energyUj(i, IDLE);
    const outcome = bookParts(i, next);
    if (!Number.isNaN(rc)) {
      if (ledgers.energyUj(i, TRANSMIT) > transmitBefore) attribute(i, rc, 'transmit', ledgers.energyUj(i, TRANSMIT) - transmitBefore);
      if (ledgers.energyUj(i, RECEIVE) > receiveBefore) attribute(i, rc, 'receive', ledgers.energyUj(i, RECEIVE) - receiveBefore);
    }
    if (!Number.isNaN(mc)) {
      if (ledgers.energyUj(i, COMPUTE_STATE) > computeBefore) attribute(i, mc, 'compute', ledgers.energyUj(i, COMPUTE_STATE) - computeBefore);
      if (ledgers.energyUj(i, IDLE) > idleBefore) attribute(i, mc, 'idle', ledgers.energyUj(i, IDLE) - idleBefore);
    }
    return outcome;
  }

  /** Books [lastBooked, now] with the state in force, splitting off scheduled listening. */
  function bookParts(i: number, next: number): LedgerOutcome {
    const nowMs = scheduler.nowMs;
    const current = state[i]!;
    const m = 3 * i + mcuRegion[current]!;
    if (windowed[i] && radioRegion[current] === RADIO_SCHEDULED && nowMs > lastBookedMs[i]!) {
      const listenMs = scheduledListenMs(nodes[i]!.wake, lastBookedMs[i]!, nowMs);
      if (listenMs > 0 && ledgers.transition2(i, nowMs - listenMs, mcuState[m]!, mcuMa[m]!, LISTEN, rxMa[i]!) === dead) return dead;
    }
    lastBookedMs[i] = nowMs;
    const nm = 3 * i + mcuRegion[next]!;
    const nr = 3 * i + radioRegion[next]!;
    return ledgers.transition2(i, nowMs, mcuState[nm]!, mcuMa[nm]!, radioState[nr]!, radioMa[nr]!);
  }

  /**
   * While the radio follows a windowed schedule, the ledger's open interval carries only the
   * sleep current (the listening is booked at the interval's end), so its prediction is late.
   * This one uses the schedule's average drawn current (each part with its Peukert factor) and
   * the brown-out threshold at the listening peak.
   */
  function windowedDeathAtMs(i: number): number {
    const { wake, power } = nodes[i]!;
    // Sessions are opened as the run goes: the prediction assumes none ahead (each session's listening is booked as it passes).
    const duty = wake.mode === 'rendezvous' ? wake.windowMs / wake.periodMs : wake.mode === 'preamble-sampling' ? wake.cadMs / wake.periodMs : 0;
    const mcuCurrentMa = mcuMa[3 * i + mcuRegion[state[i]!]!]!;
    const listenPeakMa = mcuCurrentMa + rxMa[i]!;
    const sleepMa = mcuCurrentMa + radioSleepMa[i]!;
    const profile = power.battery;
    const drawnPerMs = listenPeakMa * peukertFactor(profile, listenPeakMa) * duty + sleepMa * peukertFactor(profile, sleepMa) * (1 - duty);
    const dropoutV = power.rail.type === 'ldo' ? power.rail.dropoutV : 0;
    const brownSoc = stateOfChargeAtVoltage(profile, power.brownOutV + dropoutV + (listenPeakMa * profile.internalResistanceOhm) / 1000);
    const thresholdSoc = Math.max(brownSoc, emptyStateOfCharge(profile));
    const marginUc = (ledgers.stateOfCharge(i) - thresholdSoc) * capacityUc(profile);
    return marginUc <= 0 ? scheduler.nowMs : scheduler.nowMs + marginUc / drawnPerMs;
  }

  function afterBooking(i: number, outcome: LedgerOutcome): void {
    if (outcome === dead) {
      deathTimers.clear(i);
      const death = ledgers.death(i)!;
      die(i, death.reason === 'brownOut' ? 'brownOut' : 'batteryEmpty', death.atMs, death.stateOfCharge);
      return;
    }
    const predictedMs = ledgers.predictedDeathAtMs(i);
    const atMs = windowed[i] && !nodes[i]!.power.mains && radioRegion[state[i]!] === RADIO_SCHEDULED ? Math.min(predictedMs, windowedDeathAtMs(i)) : predictedMs;
    // Re-arming moves the timer (and gives it the next seq), as a cancel and a new event would.
    if (Number.isFinite(atMs)) deathTimers.set(i, Math.max(atMs, scheduler.nowMs));
    else deathTimers.clear(i);
  }

  function die(i: number, reason: 'brownOut' | 'batteryEmpty' | 'failure', atMs: number, stateOfCharge: number): void {
    if (!isAlive[i]) return;
    isAlive[i] = 0;
    config.events.nodeDied(atMs, i, reason, stateOfCharge);
    send(i, DIE);
    config.onDeath(i, atMs);
  }

  /** Sends a firmware event to node `i`, or queues it while the node handles another. */
  function send(i: number, event: number): void {
    if (handling[i]) {
      let queue = mailbox.get(i);
      if (!queue) mailbox.set(i, (queue = []));
      queue.push(event);
      return;
    }
    handling[i] = 1;
    step(i, event);
    for (let queue = mailbox.get(i); queue !== undefined && queue.length > 0; queue = mailbox.get(i)) step(i, queue.shift()!);
    mailbox.delete(i);
    handling[i] = 0;
  }

  /** One transition: a change of state is booked (while alive), then the death is predicted again. */
  function step(i: number, event: number): void {
    const current = state[i]!;
    const next = firmware.next[current * eventCount + event]!;
    if (next === current) return;
    if (!isAlive[i] || firmware.final[next]) {
      state[i] = next;
      return;
    }
    const outcome = book(i, next);
    if (mcuRegion[next] !== mcuRegion[current]) mcuCause[i] = mcuRegion[next] === MCU_ASLEEP ? Number.NaN : nextMcuCause[i]!;
    if (radioRegion[next] !== radioRegion[current]) radioCause[i] = radioRegion[next] === RADIO_SCHEDULED ? Number.NaN : nextRadioCause[i]!;
    state[i] = next;
    afterBooking(i, outcome);
    if (mcuRegion[next] === MCU_ASLEEP && (computeQueues[i]?.length ?? 0) > 0) startCompute(i);
  }

  function startCompute(i: number): void {
    const job = computeQueues[i]!.shift()!;
    nextMcuCause[i] = job.cause ?? Number.NaN;
    computePower(i, job);
    send(i, COMPUTE);
    running[i] = job;
    scheduler.atKind(scheduler.nowMs + job.durationMs, computeEndKind, i);
  }

  /** The current the MCU draws while computing `job`: its power (its active power unless the job says) at the node's supply. */
  function computePower(i: number, job: ComputeJob): void {
    mcuMa[3 * i + 1] = job.powerMw === undefined ? activeMa[i]! : job.powerMw / supplyV[i]!;
  }

  /** A computation ends: the MCU is free (the next job may start at once), then its continuation runs. */
  function computeEnd(i: number): void {
    const job = running[i]!;
    running[i] = undefined;
    if (!isAlive[i]) return;
    send(i, COMPUTE_END);
    if (typeof job.then === 'function') job.then();
    else scheduler.invoke(job.then);
  }

  function rxEnd(i: number): void {
    if (!isAlive[i] || rxUntilMs[i] !== scheduler.nowMs || radioRegion[state[i]!] !== RADIO_RECEIVING) return;
    send(i, RX_END);
    if (emptyWindow[i]) {
      emptyWindow[i] = 0;
      return;
    }
    if (processingDelayMs > 0 && mcuRegion[state[i]!] === MCU_ASLEEP) {
      nextMcuCause[i] = rxCause[i]!;
      send(i, PROCESS);
      scheduler.atKind(scheduler.nowMs + processingDelayMs, processEndKind, i);
    }
  }

  // Open each hosted node's first interval with the initial state's parts (brown-out checked at once).
  for (const node of nodes) {
    if (!config.hosted(node.index)) continue;
    isAlive[node.index] = 1;
    afterBooking(node.index, book(node.index, 0));
  }

  const causeOf = (tx: Transmission): number => config.causeOf?.(tx) ?? Number.NaN;
  const columns = [state, isAlive, lastBookedMs, rxUntilMs, emptyWindow, mcuCause, radioCause, nextMcuCause, nextRadioCause, rxCause];

  return {
    checkpoint() {
      // Between windows no node is inside a transition; a computation whose continuation is a callback cannot be saved.
      const callback = (job: ComputeJob | undefined): boolean => typeof job?.then === 'function';
      const computing = computeQueues.findIndex((queue, i) => callback(running[i]) || (queue?.some(callback) ?? false));
      if (computing >= 0 || running.some(callback)) throw new CheckpointUnsupportedError(`node ${computing >= 0 ? computing : running.findIndex(callback)} has a computation whose continuation is a callback`);
      return { columns: columns.map((column) => column.slice()), ledgers: ledgers.checkpoint(), memories: memories.checkpoint(), computeQueues, running };
    },
    restore(saved) {
      columns.forEach((column, k) => restoreInto(column, saved.columns[k]!, 'node runtimes'));
      replaceArray(computeQueues, saved.computeQueues as (ComputeJob[] | undefined)[]);
      replaceArray(running, saved.running as (ComputeJob | undefined)[]);
      running.forEach((job, i) => job && computePower(i, job));
      ledgers.restore(saved.ledgers);
      memories.restore(saved.memories);
    },
    ledgers,
    memories,
    alive: (i) => isAlive[i] === 1,
    computing: (i) => isAlive[i] === 1 && (mcuRegion[state[i]!] === MCU_COMPUTING || (computeQueues[i]?.length ?? 0) > 0),
    transmit(i, tx) {
      if (!isAlive[i]) return false;
      rxUntilMs[i] = Number.NEGATIVE_INFINITY;
      emptyWindow[i] = 0;
      nextRadioCause[i] = causeOf(tx);
      send(i, TX_START);
      if (!isAlive[i]) return false;
      scheduler.atKind(tx.endMs, txEndKind, i);
      return true;
    },
    rxStart(i, tx) {
      if (!isAlive[i] || nodes[i]!.concentrator) return;
      const untilMs = tx.endMs;
      // The preamble interrupt came too late to matter: the frame is already over.
      if (untilMs <= scheduler.nowMs) return;
      if (emptyWindow[i] && radioRegion[state[i]!] === RADIO_RECEIVING) {
        // A window caught it: the radio, already receiving, stays on to the frame's end.
        emptyWindow[i] = 0;
        rxUntilMs[i] = Math.max(rxUntilMs[i]!, untilMs);
        rxCause[i] = causeOf(tx);
        scheduler.atKind(rxUntilMs[i]!, rxEndKind, i);
        return;
      }
      // The radio stays locked on the frame it caught first; it does not hear others meanwhile.
      if (radioRegion[state[i]!] !== RADIO_SCHEDULED) return;
      rxUntilMs[i] = untilMs;
      rxCause[i] = causeOf(tx);
      nextRadioCause[i] = rxCause[i]!;
      send(i, RX_START);
      scheduler.atKind(untilMs, rxEndKind, i);
    },
    rxWindow(i, untilMs) {
      if (!isAlive[i] || radioRegion[state[i]!] !== RADIO_SCHEDULED || untilMs <= scheduler.nowMs) return;
      rxUntilMs[i] = untilMs;
      emptyWindow[i] = 1;
      nextRadioCause[i] = Number.NaN;
      send(i, RX_START);
      scheduler.atKind(untilMs, rxEndKind, i);
    },
    compute(i, durationMs, then, cause, powerMw) {
      if (!isAlive[i]) return;
      (computeQueues[i] ??= []).push(powerMw === undefined ? { durationMs, then, cause } : { durationMs, then, cause, powerMw });
      if (mcuRegion[state[i]!] === MCU_ASLEEP) startCompute(i);
    },
    settle(i) {
      if (!isAlive[i]) return;
      afterBooking(i, book(i, state[i]!));
    },
    fail(i) {
      if (!isAlive[i]) return;
      const outcome = book(i, state[i]!);
      deathTimers.clear(i);
      if (outcome === dead) afterBooking(i, outcome);
      else die(i, 'failure', scheduler.nowMs, ledgers.stateOfCharge(i));
    },
  };
}
