/**
 * Builds the swarm a resolved scenario describes (scheduler, RNG streams, ether, transport,
 * nodes, traffic, trackers) and runs it in virtual time.
 *
 * Messages are created during [0, duration). After that, no new message is created, but the
 * frames already queued are still sent (or blocked) and every frame on the air meets its fate:
 * the run drains, so that the books close. `drainedUntilMs` says when the last event ran.
 */
import { createScheduler, type Scheduler } from '../sim/scheduler.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { nameKey } from '../sim/keyed-random.ts';
import { createEther, type Ether } from '../radio/ether.ts';
import { meanPathLossDb, rxPowerDbm } from '../radio/path-loss.ts';
import { sensitivityDbm } from '../radio/sensitivity.ts';
import { broadcastDestination } from '../radio/transmission.ts';
import { txCurrentMa } from '../hw/radio-chips.ts';
import { computeCost } from '../hw/compute-cost.ts';
import type { SimEvent } from '../node/events.ts';
import { createLoraNode, type LoraNode } from '../node/lora-node.ts';
import { createMac, type Mac } from '../node/mac.ts';
import { createNodeRuntime, type NodeRuntime } from '../node/node-runtime.ts';
import { symbolTimeMs } from '../radio/modulation.ts';
import { timeOnAir } from '../radio/airtime.ts';
import { framingOverheadBytes } from '../radio/framing.ts';
import { nextReceiveStartMs, samplingPreambleSymbols } from '../radio/wake-schedule.ts';
import { createSeriesSampler, type SeriesSampler } from '../metrics/series.ts';
import { startTraffic } from '../node/traffic.ts';
import { createMemoryTransport } from '../transport/memory-transport.ts';
import type { Transport, TransportEndpoints } from '../transport/transport.ts';
import { createRadioTracker, type RadioTracker } from '../metrics/radio-tracker.ts';
import { airtimeParamsOf, type NodeSpec, type ResolvedSwarm } from './resolve.ts';
import type { Scenario } from './schema.ts';

export interface SimulationOptions {
  /** Keep one record per reception (receptions.csv); off for the largest sweeps. */
  readonly keepReceptions?: boolean;
  /** Extra subscribers to every event. */
  readonly listeners?: readonly ((event: SimEvent) => void)[];
  /** Called at every sampling instant with a snapshot of the run so far (live metrics). */
  readonly onSample?: (snapshot: LiveSnapshot) => void;
  /** The transport; the memory transport by default. */
  readonly transport?: (scheduler: Scheduler, endpoints: () => TransportEndpoints) => Transport;
}

export interface Simulation {
  readonly scheduler: Scheduler;
  readonly tracker: RadioTracker;
  readonly ether: Ether;
  readonly transport: Transport;
  readonly nodes: readonly LoraNode[];
  readonly runtimes: readonly NodeRuntime[];
  /** The window length: min(shortest airtime in use, processing delay). */
  readonly lookaheadMs: number;
  readonly series: SeriesSampler;
  /** Runs up to `untilMs` (at most the scenario's duration), then returns. */
  advance(untilMs: number): void;
  /** Runs to the end of the scenario, drains in-flight work and puts the books in canonical order. */
  finish(): SimulationResult;
  /** `advance` for asynchronous transports (MQTT). */
  advanceAsync(untilMs: number): Promise<void>;
  /** `finish` for asynchronous transports (MQTT). */
  finishAsync(): Promise<SimulationResult>;
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
  /** Simulation events executed (node, firmware, MAC, traffic and ether events; not plumbing). */
  readonly events: number;
}

export function createSimulation(scenario: Scenario, swarm: ResolvedSwarm, options: SimulationOptions = {}): Simulation {
  const scheduler = createScheduler();
  const rng = createRandomStreams(scenario.seed);
  const specs = swarm.nodes;
  const tracker = createRadioTracker(specs.length, { keepReceptions: options.keepReceptions ?? true });
  const series = createSeriesSampler(specs, swarm.region);
  const listeners = options.listeners ?? [];
  const emit = (event: SimEvent): void => {
    tracker.handle(event);
    series.handle(event);
    for (const listener of listeners) listener(event);
  };
  let failure: Error | undefined;

  const nodes: LoraNode[] = [];
  const macs: Mac[] = [];
  const runtimes: NodeRuntime[] = [];
  const makeTransport = options.transport ?? createMemoryTransport;
  const transport = makeTransport(scheduler, () => ({
    ether: (tx) => ether.transmit(tx),
    nodeDied: (node, atMs) => ether.nodeDied(node, atMs),
    decide: (nowMs) => ether.decideUntil(nowMs),
    nodes: nodes.map((node, i) => (delivery) => {
      const runtime = runtimes[i]!;
      if (delivery.kind === 'rxStart') runtime.rxStart(delivery);
      else if (runtime.alive) node.receive(delivery);
    }),
  }));

  const ether: Ether = createEther(
    {
      nodes: specs.map((spec) => ({
        key: nameKey(spec.id),
        xM: spec.xM,
        yM: spec.yM,
        antennaGainDbi: spec.antennaGainDbi,
        sensitivityTable: spec.sensitivity,
        noiseFigureDb: spec.noiseFigureDb,
        receivePaths: spec.receivePaths,
        wake: spec.wake,
        notifiesRxStart: !isConcentrator(spec),
      })),
      pathLoss: swarm.pathLoss,
      shadowingMode: scenario.shadowing?.mode ?? 'per-frame',
      collision: scenario.collision,
      extraLossProbability: scenario.extraLossProbability,
      processingDelayMs: scenario.processingDelayMs,
      seed: scenario.seed,
      broadcastMarginDb: scenario.broadcastMarginDb,
    },
    scheduler,
    { reception: emit, deliver: (delivery) => transport.deliver(delivery) },
  );

  const destinations = createDestinationPicker(specs, swarm);
  for (const spec of specs) {
    const txMa = txCurrentMa(spec.chip, spec.txPowerDbm);
    const runtime = createNodeRuntime({
      index: spec.index,
      scheduler,
      mcu: spec.mcu,
      radio: spec.chip,
      txCurrentMa: txMa,
      wake: spec.wake,
      power: spec.power,
      processingDelayMs: scenario.processingDelayMs,
      memory: spec.memory,
      concentrator: isConcentrator(spec),
      emit,
      onDeath: (atMs) => {
        macs[spec.index]?.kill();
        transport.nodeDied(spec.index, atMs);
      },
      onError: (error) => {
        failure ??= error;
      },
    });
    runtimes.push(runtime);
    const symbolMs = symbolTimeMs(spec.sf, spec.bandwidthHz);
    const mac = createMac({
      node: spec.index,
      scheduler,
      region: swarm.region,
      channelsHz: spec.channelsHz,
      rng: rng.stream(`node/${spec.id}/mac`),
      queueCapacity: spec.traffic?.queueCapacity ?? 8,
      airtime: airtimeParamsOf(spec),
      txPowerDbm: spec.txPowerDbm,
      txCurrentMa: txMa,
      supplyV: spec.power.supplyV,
      transmit: (tx) => {
        if (!runtime.transmit(tx)) return false;
        transport.transmit(tx);
        return true;
      },
      receiverReadyAtMs: (destination, atMs) => (destination < 0 ? atMs : nextReceiveStartMs(specs[destination]!.wake, atMs)),
      preambleSymbolsFor: (destination) => (destination < 0 ? spec.preambleSymbols : samplingPreambleSymbols(specs[destination]!.wake, symbolMs, spec.preambleSymbols)),
      emit,
    });
    macs.push(mac);
    nodes.push(
      createLoraNode({
        index: spec.index,
        scheduler,
        mac,
        framing: scenario.framing,
        maxAppBytes: spec.maxAppBytes,
        emit,
        reassemblyMemory: { allocate: (bytes) => runtime.allocateBuffer(bytes), free: (bytes) => runtime.freeBuffer(bytes) },
      }),
    );
  }
  for (const spec of specs) {
    if (!spec.traffic) continue;
    const runtime = runtimes[spec.index]!;
    const work = spec.traffic.compute;
    const computeMs = work ? computeCost(spec.mcu, work).latencyMs : 0;
    startTraffic(
      nodes[spec.index]!,
      {
        ...spec.traffic,
        destination: destinations(spec),
        endMs: scenario.duration,
        alive: () => runtime.alive,
        ...(work && { prepare: (send: () => void) => runtime.compute(computeMs, send) }),
      },
      scheduler,
      rng.stream(`node/${spec.id}/traffic`),
    );
  }

  const durationMs = scenario.duration;
  const lookaheadMs = lookaheadOf(specs, scenario);
  const sampleEveryMs = scenario.sampling.interval;
  let sampleEvents = 0;
  const sample = (): void => {
    for (const runtime of runtimes) runtime.settle();
    series.sample(scheduler.nowMs, runtimes);
    if (options.onSample) {
      const totals = tracker.totals();
      options.onSample({
        atMs: scheduler.nowMs,
        nodesAlive: runtimes.filter((runtime) => runtime.alive).length,
        framesSent: totals.sent,
        dutyCycleBlocked: totals.dutyCycleBlocked,
        received: totals.fates.received,
        receptions: totals.receptions,
        messagesDelivered: totals.messageDeliveries,
        energyJ: runtimes.reduce((sum, runtime) => sum + runtime.ledger.totals().loadEnergyUj, 0) / 1e6,
      });
    }
  };
  for (let atMs = 0; atMs < durationMs; atMs += sampleEveryMs) {
    scheduler.at(atMs, () => {
      sampleEvents++;
      sample();
    });
  }

  const stopOnFailure = (): boolean => failure !== undefined;
  /**
   * The conservative window protocol (DESIGN.md, "Windows"): events run in windows no longer
   * than the lookahead; at each window's end the transport applies what was published in it.
   * Every effect of a message lies at least one lookahead after its cause, so it is never late.
   */
  /** Closes the books after the drain: the last samples and canonical order. */
  function close(): SimulationResult {
    // The time of the last event, or the duration when nothing happened after it.
    const lastEventMs = Math.max(durationMs, scheduler.lastEventMs);
    if (scheduler.nowMs < lastEventMs) scheduler.runUntil(lastEventMs);
    sample();
    tracker.finalize();
    // Simulation events only: the transport's hand-overs and the samples are bookkeeping, so the
    // count is the same whatever the transport (and, later, however nodes are spread out).
    return { durationMs, drainedUntilMs: lastEventMs, events: scheduler.eventsProcessed - transport.plumbingEvents - sampleEvents };
  }

  /**
   * The run loop, written once for both kinds of transport: it yields at every window's end,
   * where the driver applies the window's messages (synchronously for memory, awaiting the
   * broker for MQTT). `untilMs` undefined means: to the end of the scenario, then drain.
   */
  function* windows(untilMs: number | undefined): Generator<void, void, void> {
    const run = function* (endMs: number): Generator<void, void, void> {
      for (;;) {
        yield;
        rethrow();
        const next = scheduler.peekTimeMs();
        if (next === undefined || next > endMs) break;
        scheduler.runUntil(Math.min(next + lookaheadMs, endMs), stopOnFailure);
        rethrow();
      }
      if (scheduler.nowMs < endMs) scheduler.runUntil(endMs);
    };
    if (untilMs !== undefined) {
      yield* run(Math.min(untilMs, durationMs));
      return;
    }
    if (scheduler.nowMs < durationMs) yield* run(durationMs);
    // Drain: queued frames still go out (or are blocked) and frames on the air meet their
    // fates; timers that only watch (death predictions, samples) do not keep the run going.
    while (busy()) {
      if (scheduler.peekTimeMs() === undefined) yield;
      const next = scheduler.peekTimeMs();
      if (next === undefined) break;
      yield* run(next + lookaheadMs);
    }
  }
  const drive = (untilMs: number | undefined): void => {
    for (const _ of windows(untilMs)) transport.exchange();
  };
  const driveAsync = async (untilMs: number | undefined): Promise<void> => {
    for (const _ of windows(untilMs)) await transport.exchangeAsync!();
  };
  const rethrow = (): void => {
    if (failure) throw failure;
  };
  /** Work that must finish before the books close: frames queued, on the air, or in transit. */
  const busy = (): boolean =>
    transport.pending > 0 || ether.undecided > 0 || macs.some((mac) => mac.busy) || runtimes.some((runtime) => runtime.computing);

  return {
    scheduler,
    tracker,
    ether,
    transport,
    nodes,
    runtimes,
    series,
    lookaheadMs,
    advance(untilMs) {
      drive(untilMs);
    },
    finish() {
      drive(undefined);
      return close();
    },
    async advanceAsync(untilMs) {
      await driveAsync(untilMs);
    },
    async finishAsync() {
      await driveAsync(undefined);
      return close();
    },
  };
}

/**
 * The lookahead L = min(shortest airtime in use, processing delay): the shortest frame any
 * node can send (its framing's header alone) bounds how soon a transmission can end.
 */
function lookaheadOf(specs: readonly NodeSpec[], scenario: Scenario): number {
  let shortestMs = Number.POSITIVE_INFINITY;
  for (const spec of specs) {
    const { airtimeMs } = timeOnAir({ ...airtimeParamsOf(spec), payloadBytes: framingOverheadBytes(scenario.framing) });
    shortestMs = Math.min(shortestMs, airtimeMs);
  }
  return Math.min(shortestMs, scenario.processingDelayMs);
}

/** A gateway: a sink with several receive paths, always listening (see NodeRuntimeConfig). */
function isConcentrator(spec: NodeSpec): boolean {
  return spec.role === 'sink' && spec.receivePaths > 1 && spec.wake.mode === 'always';
}

/**
 * Destination choice per sender: the sink with the least mean path loss; a neighbour (a
 * non-sink node whose mean received power reaches its sensitivity at the sender's SF) drawn
 * uniformly, or any other node when none is in range; or everyone in range (broadcast).
 */
function createDestinationPicker(specs: readonly NodeSpec[], swarm: ResolvedSwarm): (spec: NodeSpec) => (draw: number) => number {
  const sinks = specs.filter((spec) => spec.role === 'sink');
  const loss = (a: NodeSpec, b: NodeSpec): number => meanPathLossDb(swarm.pathLoss, Math.hypot(a.xM - b.xM, a.yM - b.yM));
  return (spec) => {
    const to = spec.traffic!.to;
    if (to === 'broadcast') return () => broadcastDestination;
    if (to === 'sink') {
      // The nearest other sink (a sink never sends to itself).
      const candidates = sinks.filter((sink) => sink.index !== spec.index);
      let best = candidates[0]!;
      for (const sink of candidates) if (loss(spec, sink) < loss(spec, best)) best = sink;
      const index = best.index;
      return () => index;
    }
    const others = specs.filter((other) => other.index !== spec.index && other.role !== 'sink');
    const inRange = others.filter((other) => {
      const mean = rxPowerDbm(spec.txPowerDbm, spec.antennaGainDbi, other.antennaGainDbi, loss(spec, other), 0);
      const sensitivity = sensitivityDbm(other.sensitivity, spec.sf, spec.bandwidthHz, other.noiseFigureDb);
      return sensitivity !== undefined && mean >= sensitivity;
    });
    const pool = (inRange.length > 0 ? inRange : others.length > 0 ? others : specs.filter((other) => other.index !== spec.index)).map((other) => other.index);
    return (draw) => pool[Math.min(pool.length - 1, Math.floor(draw * pool.length))]!;
  };
}
