/**
 * A node's firmware at run time: its xstate actor on the scheduler's clock, and the energy
 * meter that books every change of the actor's state on the node's energy ledger.
 *
 * The meter books two simultaneous parts per interval, the MCU's and the radio's (ledger
 * states `sleep`, `idle`, `compute` for the MCU; `sleep`, `listen`, `receive`, `transmit` for
 * the radio). While the radio follows a windowed wake schedule (rendezvous or preamble
 * sampling), its listening time within the interval is counted exactly
 * (`scheduledListenMs`) and booked as a `listen` sub-interval at the end of the interval, the
 * rest as radio sleep. After each booking the node's death is scheduled at the ledger's
 * predicted time; at that time the node settles its books and dies if the ledger says so.
 */
import { createActor, type Actor } from 'xstate';
import type { Scheduler } from '../sim/scheduler.ts';
import { scheduledListenMs, type WakeSchedule } from '../radio/wake-schedule.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { createEnergyLedger, type EnergyLedger, type EnergyState, type LedgerStatus, type LoadPart } from '../hw/energy-ledger.ts';
import { capacityUc, emptyStateOfCharge, peukertFactor, stateOfChargeAtVoltage } from '../hw/battery.ts';
import type { McuProfile } from '../hw/mcu-profiles.ts';
import { createMemoryLedger, type MemoryKind, type MemoryLedger } from '../hw/memory-ledger.ts';
import type { RadioChip } from '../hw/radio-chips.ts';
import type { EmitEvent } from './events.ts';
import { firmwareMachine, type McuState, type RadioState } from './firmware.machine.ts';
import type { NodePower } from './node-power.ts';

export interface NodeRuntimeConfig {
  readonly index: number;
  readonly scheduler: Scheduler;
  readonly mcu: McuProfile;
  readonly radio: RadioChip;
  readonly txCurrentMa: number;
  readonly wake: WakeSchedule;
  readonly power: NodePower;
  /** MCU time awake after each caught frame (radio interrupt and FIFO read-out). */
  readonly processingDelayMs: number;
  readonly emit: EmitEvent;
  /** Called once when the node dies (after the death event). */
  readonly onDeath: (atMs: number) => void;
  /**
   * A concentrator (several receive paths, always listening: a gateway) demodulates many frames
   * at once; its radio stays in `listen` and the firmware does not track single receptions
   * (receive and listen draw the same current in every radio profile).
   */
  readonly concentrator: boolean;
  /** Stops the run when the firmware actor fails, naming the node. */
  readonly onError: (error: Error) => void;
  /** Static allocations made at start (checked against the budgets before the run). */
  readonly memory: Readonly<Record<MemoryKind, number>>;
  /**
   * Energy attribution (swarm inference): the cause of each frame this node sends or hears
   * (undefined: none). With it, every booking of the radio's transmit and receive states and
   * the MCU's compute and processing (idle) states is reported to `attribute` with the cause in
   * force while the state ran: the ledger deltas a token caused, node by node.
   */
  readonly causeOf?: (tx: Transmission) => number | undefined;
  readonly attribute?: (cause: number, state: EnergyState, energyUj: number) => void;
}

export interface NodeRuntime {
  readonly alive: boolean;
  /** The radio starts a frame; false when the node browns out doing so (or is dead). */
  transmit(tx: Transmission): boolean;
  /** The radio caught a frame's preamble: receive until it ends, then process it. */
  rxStart(delivery: Delivery): void;
  /** Runs `durationMs` of computation, then `then` (queued behind any running computation); `cause` for energy attribution. */
  compute(durationMs: number, then: () => void, cause?: number): void;
  /** Books energy up to now (for samples and the end of the run). */
  settle(): void;
  /** An injected fault: the node stops now (a `nodeDied` event with reason `failure`). */
  fail(): void;
  /** Whether computations are running or queued. */
  readonly computing: boolean;
  readonly ledger: EnergyLedger;
  readonly memory: MemoryLedger;
  /** SRAM for reassembly buffers: false (and a `nodeFault` event) when it does not fit. */
  allocateBuffer(bytes: number): boolean;
  freeBuffer(bytes: number): void;
}

export function createNodeRuntime(config: NodeRuntimeConfig): NodeRuntime {
  const { scheduler, mcu, radio, power, wake } = config;
  const ledger = createEnergyLedger({
    battery: power.battery,
    initialStateOfCharge: power.initialStateOfCharge,
    rail: power.rail,
    brownOutV: power.brownOutV,
    ...(power.harvest && { harvest: power.harvest }),
    startMs: scheduler.nowMs,
  });
  const memory = createMemoryLedger({ flashBytes: mcu.flashBytes, sramBytes: mcu.sramBytes });
  for (const [kind, bytes] of Object.entries(config.memory) as [MemoryKind, number][]) {
    if (bytes === 0) continue;
    const result = memory.allocate(kind, bytes);
    if (result.type === 'memoryFault') config.emit({ type: 'nodeFault', atMs: scheduler.nowMs, node: config.index, reason: result.reason });
  }
  const mcuSleepMa = mcu.sleepCurrentUa / 1000;
  const mcuComputeMa = mcu.activePowerMw / power.supplyV;
  const mcuIdleMa = mcu.idlePowerMw / power.supplyV;
  const radioSleepMa = radio.sleepCurrentUa / 1000;
  const windowed = wake.mode === 'rendezvous' || wake.mode === 'preamble-sampling';

  let alive = true;
  let lastBookedMs = scheduler.nowMs;
  // The predicted death, re-armed at every booking (an indexed timer: no cancelled events pile up).
  const deathTimer = scheduler.timers(1, () => afterBooking(book([mcuPart(current), radioPart(current)])));
  const computeQueue: { durationMs: number; then: () => void; cause: number | undefined }[] = [];
  // Causes in force for the MCU's and the radio's current states, and those the next state takes.
  let mcuCause: number | undefined;
  let radioCause: number | undefined;
  let nextMcuCause: number | undefined;
  let nextRadioCause: number | undefined;
  const attribute = config.attribute;

  const actor: Actor<typeof firmwareMachine> = createActor(firmwareMachine, { clock: scheduler });

  /** The regions' states, read from the snapshot's value (cheaper than `matches`). */
  interface Regions {
    readonly mcu: McuState;
    readonly radio: RadioState;
  }
  const regionsOf = (value: unknown): Regions | undefined => (typeof value === 'object' && value !== null ? (value as { alive: Regions }).alive : undefined);
  let current: Regions = regionsOf(actor.getSnapshot().value)!;

  const mcuParts: Readonly<Record<McuState, LoadPart>> = {
    asleep: { state: 'sleep', currentMa: mcuSleepMa },
    computing: { state: 'compute', currentMa: mcuComputeMa },
    processing: { state: 'idle', currentMa: mcuIdleMa },
  };
  const radioParts: Readonly<Record<RadioState, LoadPart>> = {
    scheduled: wake.mode === 'always' ? { state: 'listen', currentMa: radio.rxCurrentMa } : { state: 'sleep', currentMa: radioSleepMa },
    transmitting: { state: 'transmit', currentMa: config.txCurrentMa },
    receiving: { state: 'receive', currentMa: radio.rxCurrentMa },
  };
  const mcuPart = (regions: Regions): LoadPart => mcuParts[regions.mcu];
  const radioPart = (regions: Regions): LoadPart => radioParts[regions.radio];
  const scheduled = (regions: Regions): boolean => regions.radio === 'scheduled';

  /** Books [lastBookedMs, now] with the state in force, and attributes what it caused. */
  function book(next: readonly LoadPart[]): LedgerStatus {
    if (!attribute || (mcuCause === undefined && radioCause === undefined)) return bookParts(next);
    const before = ledger.totals().energyByStateUj;
    const b = { transmit: before.transmit, receive: before.receive, compute: before.compute, idle: before.idle };
    const status = bookParts(next);
    const after = ledger.totals().energyByStateUj;
    if (radioCause !== undefined) {
      if (after.transmit > b.transmit) attribute(radioCause, 'transmit', after.transmit - b.transmit);
      if (after.receive > b.receive) attribute(radioCause, 'receive', after.receive - b.receive);
    }
    if (mcuCause !== undefined) {
      if (after.compute > b.compute) attribute(mcuCause, 'compute', after.compute - b.compute);
      if (after.idle > b.idle) attribute(mcuCause, 'idle', after.idle - b.idle);
    }
    return status;
  }

  /** Books [lastBookedMs, now] with the state in force, splitting off scheduled listening. */
  function bookParts(next: readonly LoadPart[]): LedgerStatus {
    const nowMs = scheduler.nowMs;
    if (windowed && scheduled(current) && nowMs > lastBookedMs) {
      const listenMs = scheduledListenMs(wake, lastBookedMs, nowMs);
      if (listenMs > 0) {
        const status = ledger.transitionParts(nowMs - listenMs, [mcuPart(current), { state: 'listen', currentMa: radio.rxCurrentMa }]);
        if (status.type === 'dead') return status;
      }
    }
    lastBookedMs = nowMs;
    return ledger.transitionParts(nowMs, next);
  }

  /**
   * While the radio follows a windowed schedule, the ledger's open interval carries only the
   * sleep current (the listening is booked at the interval's end), so its prediction is late.
   * This one uses the schedule's average drawn current (each part with its Peukert factor) and
   * the brown-out threshold at the listening peak.
   */
  function windowedDeathAtMs(): number {
    const duty = wake.mode === 'rendezvous' ? wake.windowMs / wake.periodMs : wake.mode === 'preamble-sampling' ? wake.cadMs / wake.periodMs : 0;
    const mcu = mcuPart(current);
    const listenPeakMa = mcu.currentMa + radio.rxCurrentMa;
    const sleepMa = mcu.currentMa + radioSleepMa;
    const profile = power.battery;
    const drawnPerMs = listenPeakMa * peukertFactor(profile, listenPeakMa) * duty + sleepMa * peukertFactor(profile, sleepMa) * (1 - duty);
    const dropoutV = power.rail.type === 'ldo' ? power.rail.dropoutV : 0;
    const brownSoc = stateOfChargeAtVoltage(profile, power.brownOutV + dropoutV + (listenPeakMa * profile.internalResistanceOhm) / 1000);
    const thresholdSoc = Math.max(brownSoc, emptyStateOfCharge(profile));
    const marginUc = (ledger.totals().stateOfCharge - thresholdSoc) * capacityUc(profile);
    return marginUc <= 0 ? scheduler.nowMs : scheduler.nowMs + marginUc / drawnPerMs;
  }

  function afterBooking(status: LedgerStatus): void {
    deathTimer.clear(0);
    if (status.type === 'dead') {
      die(status.death.reason === 'brownOut' ? 'brownOut' : 'batteryEmpty', status.death.atMs, status.death.stateOfCharge);
      return;
    }
    const atMs = windowed && !power.mains && scheduled(current) ? Math.min(status.predictedDeathAtMs, windowedDeathAtMs()) : status.predictedDeathAtMs;
    if (Number.isFinite(atMs)) deathTimer.set(0, Math.max(atMs, scheduler.nowMs));
  }

  function die(reason: 'brownOut' | 'batteryEmpty' | 'failure', atMs: number, stateOfCharge: number): void {
    if (!alive) return;
    alive = false;
    config.emit({ type: 'nodeDied', atMs, node: config.index, reason, stateOfCharge });
    actor.send({ type: 'DIE' });
    config.onDeath(atMs);
  }

  actor.subscribe({
    next(snapshot) {
      const regions = regionsOf(snapshot.value);
      if (!alive || regions === undefined || (regions.mcu === current.mcu && regions.radio === current.radio)) return;
      const status = book([mcuPart(regions), radioPart(regions)]);
      if (regions.mcu !== current.mcu) mcuCause = regions.mcu === 'asleep' ? undefined : nextMcuCause;
      if (regions.radio !== current.radio) radioCause = regions.radio === 'scheduled' ? undefined : nextRadioCause;
      current = regions;
      afterBooking(status);
      if (regions.mcu === 'asleep' && computeQueue.length > 0) startCompute();
    },
    error(error) {
      config.onError(new Error(`node ${config.index}: firmware failed: ${(error as Error).message ?? String(error)}`));
    },
  });
  actor.start();
  // Open the first interval with the initial state's parts (brown-out checked at once).
  afterBooking(book([mcuPart(current), radioPart(current)]));

  function startCompute(): void {
    const job = computeQueue.shift()!;
    nextMcuCause = job.cause;
    actor.send({ type: 'COMPUTE' });
    scheduler.after(job.durationMs, () => {
      if (!alive) return;
      actor.send({ type: 'COMPUTE_END' });
      job.then();
    });
  }

  /** Ends a reception at `untilMs` unless a later reception or a transmission took over. */
  let rxUntilMs = Number.NEGATIVE_INFINITY;

  return {
    get alive() {
      return alive;
    },
    get computing() {
      return alive && (current.mcu === 'computing' || computeQueue.length > 0);
    },
    ledger,
    memory,
    allocateBuffer(bytes) {
      const result = memory.allocate('radioBuffers', bytes);
      if (result.type === 'allocated') return true;
      config.emit({ type: 'nodeFault', atMs: scheduler.nowMs, node: config.index, reason: result.reason });
      return false;
    },
    freeBuffer(bytes) {
      memory.free('radioBuffers', bytes);
    },
    transmit(tx) {
      if (!alive) return false;
      rxUntilMs = Number.NEGATIVE_INFINITY;
      nextRadioCause = config.causeOf?.(tx);
      actor.send({ type: 'TX_START' });
      if (!alive) return false;
      scheduler.at(tx.endMs, () => {
        if (alive) actor.send({ type: 'TX_END' });
      });
      return true;
    },
    rxStart(delivery) {
      // The radio stays locked on the frame it caught first; it does not hear others meanwhile.
      if (!alive || config.concentrator || current.radio !== 'scheduled') return;
      const untilMs = delivery.tx.endMs;
      // The preamble interrupt came too late to matter: the frame is already over.
      if (untilMs <= scheduler.nowMs) return;
      rxUntilMs = untilMs;
      const cause = config.causeOf?.(delivery.tx);
      nextRadioCause = cause;
      actor.send({ type: 'RX_START' });
      scheduler.at(untilMs, () => {
        if (!alive || rxUntilMs !== untilMs || current.radio !== 'receiving') return;
        actor.send({ type: 'RX_END' });
        if (config.processingDelayMs > 0 && current.mcu === 'asleep') {
          nextMcuCause = cause;
          actor.send({ type: 'PROCESS' });
          scheduler.after(config.processingDelayMs, () => {
            if (alive && current.mcu === 'processing') actor.send({ type: 'PROCESS_END' });
          });
        }
      });
    },
    compute(durationMs, then, cause) {
      if (!alive) return;
      computeQueue.push({ durationMs, then, cause });
      if (current.mcu === 'asleep') startCompute();
    },
    settle() {
      if (!alive) return;
      afterBooking(book([mcuPart(current), radioPart(current)]));
    },
    fail() {
      if (!alive) return;
      const status = book([mcuPart(current), radioPart(current)]);
      deathTimer.clear(0);
      if (status.type === 'dead') afterBooking(status);
      else die('failure', scheduler.nowMs, ledger.totals().stateOfCharge);
    },
  };
}
