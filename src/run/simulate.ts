/**
 * Builds the swarm a resolved scenario describes (scheduler, RNG streams, ether, transport,
 * nodes, traffic, trackers) and runs it in virtual time.
 *
 * Messages are created during [0, duration). After that, no new message is created, but the
 * frames already queued are still sent (or blocked) and every frame on the air meets its fate:
 * the run drains, so that the books close. `drainedUntilMs` says when the last event ran.
 */
import { deserialize, serialize } from 'node:v8';
import { createScheduler, type SchedulerState } from '../sim/scheduler.ts';
import { CheckpointUnsupportedError } from '../sim/checkpoint-state.ts';
import type { SeriesState } from '../metrics/series.ts';
import type { ExchangeState } from '../transport/exchange.ts';
import { createEther, type Ether, type EtherState } from '../radio/ether.ts';
import type { SimEvent } from '../node/events.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { LoraNode } from '../node/lora-node.ts';
import type { Delivery } from '../radio/transmission.ts';
import { routeNodeEvents } from './event-routing.ts';
import { classATiming, receiveWindowMs } from '../lorawan/receive-windows.ts';
import { createSwarmNodes, etherNodes, nodeObjects, runtimeObjects, type SwarmNodesState } from './swarm-nodes.ts';
import { timeOnAir } from '../radio/airtime.ts';
import { framingOverheadBytes } from '../radio/framing.ts';
import { createSeriesSampler } from '../metrics/series.ts';
import { createMemoryTransport } from '../transport/memory-transport.ts';
import { createRadioTracker, type RadioTrackerState } from '../metrics/radio-tracker.ts';
import type { NodeTotals, PartitionTotals, SamplePartial, WindowReport } from '../transport/partition-report.ts';
import { createLiveSamples } from './live-samples.ts';
import { createWindowProtocol, type WindowSteps } from './window-protocol.ts';
import { airtimeParamsOf, type NodeSpec, type ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { PartitionDriver, Simulation, SimulationOptions, SimulationResult } from './simulation-types.ts';
import { createHostedEngine } from '../inference/hosted-engine.ts';
import { scheduleFaults } from './faults.ts';
import { createHostedFl } from '../fl/hosted.ts';
import type { FlEngineState } from '../fl/swarm.ts';
import type { InferenceEngineState } from '../inference/engine.ts';
import type { NodeApplication } from '../node/application.ts';
import { withPlanMemory } from '../inference/plan-memory.ts';
import { windowEndMs, windowLength } from './window-length.ts';

export type { LiveSnapshot, PartitionDriver, Simulation, SimulationOptions, SimulationResult } from './simulation-types.ts';

/** Bumped whenever what a checkpoint holds changes: an older checkpoint is refused, not misread. */
const checkpointVersion = 2;

interface SimulationState {
  readonly version: number;
  readonly scheduler: SchedulerState;
  readonly ether: EtherState;
  readonly nodes: SwarmNodesState;
  readonly tracker: RadioTrackerState;
  readonly series: SeriesState;
  readonly exchange: ExchangeState;
  readonly numbers: readonly number[];
  readonly samplePartials: SamplePartial[];
  readonly federation: FlEngineState | undefined;
  readonly inference: InferenceEngineState | undefined;
}


export function createSimulation(scenario: Scenario, resolved: ResolvedSwarm, options: SimulationOptions = {}): Simulation {
  // Radio sessions are filled as a run goes (scheduled federated rounds): each simulation gets
  // its own lists, since runs of one scenario share its resolved nodes.
  const swarm = withOwnSessions(resolved);
  const scheduler = createScheduler();
  const specs = swarm.nodes;
  const windows = windowLength(scenario, specs, shortestAirtimeMs(specs, scenario), options.shortWindows === true);
  const hosted = new Array<boolean>(specs.length).fill(options.hosted === undefined);
  for (const index of options.hosted ?? []) hosted[index] = true;
  const tracker = createRadioTracker(specs.length, { keepRecords: options.keepRecords ?? true, ...(options.recordSinks && { sinks: options.recordSinks }) });
  const series = createSeriesSampler(specs, swarm.region, { keepRows: options.keepSeriesRows ?? true, ...(options.seriesSinks && { sinks: options.seriesSinks }) });
  const listeners = options.listeners ?? [];
  // Node events reach the tracker as they happen (it puts its records in canonical order
  // itself); a worker keeps them for its window's report to the coordinator instead.
  const reportsEvents = options.hosted !== undefined && options.reportsToCoordinator === true;
  let reportedEvents: SimEvent[] = [];
  let failure: Error | undefined;

  const makeTransport = options.transport ?? createMemoryTransport;
  // Live snapshots wait for every partition's share of each sample.
  const live = createLiveSamples(options.onSample, () => transport.remote?.parts ?? 0, () => tracker.totals());
  /** A remote partition's report of a window: its node events, series rows and samples. */
  const receiveReport = (report: WindowReport): void => {
    for (const event of report.events) tracker.handle(event);
    series.merge(report.series);
    for (const partial of report.samples) live.share(partial, false);
  };
  const transport = makeTransport(scheduler, () => ({
    ether: (tx) => ether.transmit(tx),
    nodeDied: (node, atMs) => ether.nodeDied(node, atMs),
    decide: (nowMs) => {
      ether.decideUntil(nowMs);
      tracker.decided(nowMs);
    },
    nodes: specs.map((spec) => (hosted[spec.index] ? (delivery: Delivery) => swarmNodes.deliver(spec.index, delivery) : undefined)),
    report: (report) => receiveReport(report),
  }));
  const remote = transport.remote;

  const ether: Ether = createEther(
    {
      nodes: etherNodes(specs, scenario),
      ...(scenario.lorawan && { classAWindows: { delay1Ms: classATiming.receiveDelay1Ms, delay2Ms: classATiming.receiveDelay2Ms, windowMs: receiveWindowMs } }),
      pathLoss: swarm.pathLoss,
      shadowingMode: scenario.shadowing?.mode ?? 'per-frame',
      collision: scenario.collision,
      // LoRaSim tracks only packets above the sink's sensitivity, in both of its collision models.
      undetectableInterfere: scenario.undetectableInterfere ?? (scenario.collision === 'lorasim' || scenario.compat === 'lorasim' ? 'never' : 'always'),
      extraLossProbability: scenario.extraLossProbability,
      processingDelayMs: scenario.processingDelayMs,
      windowMs: windows.longestMs,
      seed: scenario.seed,
      broadcastMarginDb: scenario.broadcastMarginDb,
    },
    scheduler,
    {
      reception(tx, receiver, fate, rxPowerDbm, snrDb) {
        tracker.reception(tx, receiver, fate, rxPowerDbm, snrDb);
        if (listeners.length > 0) {
          const event: SimEvent = { type: 'reception', atMs: tx.endMs, tx, receiver, fate, rxPowerDbm, snrDb };
          for (const listener of listeners) listener(event);
        }
      },
      deliver: (delivery) => transport.deliver(delivery),
    },
  );

  if ((options.inference || options.federated) && options.hosted) throw new Error('node applications run in one process: they do not take remote partitions yet');
  let runtimeViews: (NodeRuntime | undefined)[] | undefined;
  let nodeViews: (LoraNode | undefined)[] | undefined;
  /** The hosted nodes as objects, made when first asked for (applications, faults, tests). */
  const runtimeObjectsOnce = (): readonly (NodeRuntime | undefined)[] => (runtimeViews ??= runtimeObjects(swarmNodes, specs.length));
  const nodeObjectsOnce = (): readonly (LoraNode | undefined)[] => (nodeViews ??= nodeObjects(swarmNodes, specs.length));
  const engine = options.inference ? createHostedEngine(options.inference, specs, scheduler, nodeObjectsOnce, runtimeObjectsOnce) : undefined;
  const federation = options.federated ? createHostedFl(options.federated, specs, swarm.region, scenario.framing, scheduler, nodeObjectsOnce, runtimeObjectsOnce) : undefined;
  const app: NodeApplication | undefined = engine ?? federation;
  const nodeEvents = routeNodeEvents({
    tracker,
    series,
    report: reportsEvents ? (event) => reportedEvents.push(event) : undefined,
    first: app ? (event) => app.onEvent(event) : undefined,
    listeners,
  });
  const swarmNodes = createSwarmNodes({
    scenario,
    swarm,
    scheduler,
    hosted,
    events: nodeEvents,
    transport: () => transport,
    channelBusy: (node, channelHz, sf, fromMs, toMs) => ether.channelBusy(node, channelHz, sf, fromMs, toMs),
    memoryOf: (spec) => (engine ? withPlanMemory(spec.memory, options.inference!.plan.nodes[spec.index]!) : spec.memory),
    app,
  });
  const { runtimes, hostedIndices } = swarmNodes;
  swarmNodes.startTraffic();

  app?.start();
  scheduleFaults(scenario, specs, runtimes, hosted, scheduler);

  const durationMs = scenario.duration;
  const lookaheadMs = windows.shortMs;
  const sampleEveryMs = scenario.sampling.interval;
  let sampleEvents = 0;
  const samplePartials: SamplePartial[] = [];
  let reportedSeriesRows = 0;
  const sample = (): void => {
    for (const i of hostedIndices) runtimes.settle(i);
    series.sample(scheduler.nowMs, hostedIndices, runtimes.alive, runtimes.ledgers);
    let nodesAlive = 0;
    let energyUj = 0;
    for (const i of hostedIndices) {
      if (runtimes.alive(i)) nodesAlive++;
      energyUj += runtimes.ledgers.loadEnergyUj(i);
    }
    const local: SamplePartial = { atMs: scheduler.nowMs, nodesAlive, energyUj };
    samplePartials.push(local);
    live.share(local, true);
  };
  // Integer events (not callbacks): a checkpoint can hold them.
  const sampleKind = scheduler.kind(() => {
    sampleEvents++;
    sample();
  });
  for (let atMs = 0; atMs < durationMs; atMs += sampleEveryMs) scheduler.atKind(atMs, sampleKind, 0);

  const localEvents = (): number => scheduler.eventsProcessed - transport.plumbingEvents - sampleEvents;
  const localTotals = (): NodeTotals[] => hostedIndices.map((i) => ({ node: i, energy: runtimes.ledgers.totals(i), memory: runtimes.memories.usage(i) }));

  /** Closes the books after the drain: the last samples and canonical order. */
  async function closeAsync(): Promise<SimulationResult> {
    // The time of the last event anywhere, or the duration when nothing happened after it.
    const lastEventMs = Math.max(durationMs, scheduler.lastEventMs, remote?.lastEventMs ?? 0);
    // Every partition takes its last sample where this one does: at the end of the last
    // window, which may lie after the last event.
    const remoteTotals = remote ? await remote.finish(Math.max(lastEventMs, scheduler.nowMs), receiveReport) : [];
    return closeLocal(lastEventMs, remoteTotals);
  }
  function closeLocal(lastEventMs: number, remoteTotals: readonly PartitionTotals[]): SimulationResult {
    if (scheduler.nowMs < lastEventMs) scheduler.runUntil(lastEventMs);
    sample();
    tracker.finalize();
    series.canonicalize();
    const nodeTotals: NodeTotals[] = new Array<NodeTotals>(specs.length);
    for (const totals of [localTotals(), ...remoteTotals.map((part) => part.nodes)]) for (const entry of totals) nodeTotals[entry.node] = entry;
    // Simulation events only: the transport's hand-overs and the samples are bookkeeping, so the
    // count is the same whatever the transport and however the nodes are spread over processes.
    const events = remoteTotals.reduce((sum, part) => sum + part.events, localEvents());
    const lorawan = swarmNodes.lorawan;
    const peer = swarmNodes.peer;
    return {
      durationMs,
      drainedUntilMs: lastEventMs,
      events,
      nodeTotals,
      ...(lorawan && { lorawan: { ...lorawan.report(), adrChanges: lorawan.adrChanges } }),
      ...(peer && { peerMac: peer.counts() }),
    };
  }

  // Windows run up to `endMs` here and, first, in every remote partition.
  const protocol = createWindowProtocol({
    durationMs,
    windowEndMs: (nextMs) => windowEndMs(windows, nextMs, ether.firstUndecidedEndMs),
    drainWindowMs: windows.shortMs,
    nowMs: () => scheduler.nowMs,
    peekTimeMs: () => {
      const local = scheduler.peekTimeMs();
      const elsewhere = remote?.peekTimeMs();
      if (elsewhere === undefined) return local;
      return local === undefined ? elsewhere : Math.min(local, elsewhere);
    },
    runTo: (endMs) => {
      remote?.runUntil(endMs);
      scheduler.runUntil(endMs);
    },
    rethrow: () => rethrow(),
    busy: () => busy(),
    collects: remote !== undefined,
  });
  const drive = (untilMs: number | undefined): void => {
    const steps = protocol.windows(untilMs);
    for (let step = steps.next(); step !== undefined; step = steps.next()) if (step === 'exchange') transport.exchange();
  };
  const driveAsync = async (untilMs: number | undefined, steps: WindowSteps = protocol.windows(untilMs)): Promise<void> => {
    for (let step = steps.next(); step !== undefined; step = steps.next()) {
      if (step === 'exchange') await transport.exchangeAsync!();
      else await remote!.collect(receiveReport);
    }
  };
  const rethrow = (): void => {
    if (failure) throw failure;
  };
  /** Work here that must finish before the books close: frames queued, on the air, or in transit. */
  const busyHere = (): boolean =>
    transport.pending > 0 || ether.undecided > 0 || swarmNodes.busy() || (app?.busy ?? false);
  const busy = (): boolean => busyHere() || (remote?.busy ?? false);

  const partition: PartitionDriver = {
    run(untilMs) {
      // A worker reports its failure with the window's report, then stops.
      if (failure !== undefined) return;
      try {
        scheduler.runUntil(untilMs);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    },
    get failure() {
      return failure;
    },
    peekTimeMs: () => scheduler.peekTimeMs(),
    busy: busyHere,
    get lastEventMs() {
      return scheduler.lastEventMs;
    },
    takeReport() {
      const events = reportedEvents;
      reportedEvents = [];
      const rows = series.rows.slice(reportedSeriesRows);
      reportedSeriesRows = series.rows.length;
      return { events, series: rows, samples: samplePartials.splice(0) };
    },
    close(untilMs) {
      if (scheduler.nowMs < untilMs) scheduler.runUntil(untilMs);
      sample();
      return { events: localEvents(), nodes: localTotals() };
    },
  };

  return {
    scheduler,
    tracker,
    ether,
    transport,
    get nodes() {
      return nodeObjectsOnce();
    },
    get runtimes() {
      return runtimeObjectsOnce();
    },
    series,
    lookaheadMs,
    windowLength: windows,
    get windowsRun() {
      return protocol.windowsRun;
    },
    partition,
    inference: engine,
    federated: federation,
    advance(untilMs) {
      if (transport.asynchronous) throw new Error('this transport is asynchronous: use advanceAsync');
      drive(untilMs);
    },
    finish() {
      if (transport.asynchronous) throw new Error('this transport is asynchronous: use finishAsync');
      drive(undefined);
      const lastEventMs = Math.max(durationMs, scheduler.lastEventMs);
      return closeLocal(lastEventMs, []);
    },
    async advanceAsync(untilMs) {
      await driveAsync(untilMs);
    },
    async finishAsync() {
      await driveAsync(undefined);
      return closeAsync();
    },
    checkpoint() {
      if (remote || !transport.checkpoint) throw new CheckpointUnsupportedError('a run with workers cannot be checkpointed yet');
      rethrow();
      const state: SimulationState = {
        version: checkpointVersion,
        scheduler: scheduler.checkpoint(),
        ether: ether.checkpoint(),
        nodes: swarmNodes.checkpoint(),
        tracker: tracker.checkpoint(),
        series: series.checkpoint(),
        exchange: transport.checkpoint(),
        numbers: [sampleEvents, reportedSeriesRows],
        samplePartials,
        federation: federation?.checkpoint(),
        inference: engine?.checkpoint(),
      };
      // One serialisation for every part: objects they share stay shared.
      return serialize(state);
    },
    restore(bytes) {
      if (!transport.restore) throw new CheckpointUnsupportedError('this transport cannot take a checkpoint back');
      const state = deserialize(bytes) as SimulationState;
      if (state?.version !== checkpointVersion) throw new RangeError(`checkpoint: expected version ${checkpointVersion}, found ${String(state?.version)}`);
      scheduler.restore(state.scheduler);
      ether.restore(state.ether);
      swarmNodes.restore(state.nodes);
      tracker.restore(state.tracker);
      series.restore(state.series);
      transport.restore(state.exchange);
      [sampleEvents, reportedSeriesRows] = state.numbers as [number, number];
      samplePartials.length = 0;
      for (const partial of state.samplePartials) samplePartials.push(partial);
      if ((state.federation === undefined) !== (federation === undefined)) throw new RangeError('checkpoint: federated learning in one and not the other: not the same scenario');
      if (state.federation) federation!.restore(state.federation);
      if ((state.inference === undefined) !== (engine === undefined)) throw new RangeError('checkpoint: swarm inference in one and not the other: not the same scenario');
      if (state.inference) engine!.restore(state.inference);
    },
    async drainAsync(untilMs) {
      if (!transport.asynchronous) throw new Error('drainAsync drives asynchronous transports; this one is synchronous');
      await driveAsync(undefined, protocol.drainTo(untilMs));
      return !protocol.drained;
    },
  };
}


/** The shortest frame any node can send (its framing's header alone): how soon a transmission can end. */
function shortestAirtimeMs(specs: readonly NodeSpec[], scenario: Scenario): number {
  let shortestMs = Number.POSITIVE_INFINITY;
  // Nodes of a group share their modulation: each distinct one is timed once.
  const seen = new Set<string>();
  for (const spec of specs) {
    const params = airtimeParamsOf(spec);
    const key = JSON.stringify(params);
    if (seen.has(key)) continue;
    seen.add(key);
    const { airtimeMs } = timeOnAir({ ...params, payloadBytes: framingOverheadBytes(scenario.framing) });
    shortestMs = Math.min(shortestMs, airtimeMs);
  }
  return shortestMs;
}

function withOwnSessions(swarm: ResolvedSwarm): ResolvedSwarm {
  if (!swarm.nodes.some((node) => node.wake.mode === 'sessions')) return swarm;
  return { ...swarm, nodes: swarm.nodes.map((node) => (node.wake.mode === 'sessions' ? { ...node, wake: { mode: 'sessions', sessions: [] } } : node)) };
}
