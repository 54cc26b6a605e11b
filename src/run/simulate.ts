/**
 * Builds the swarm a resolved scenario describes (scheduler, RNG streams, ether, transport,
 * nodes, traffic, trackers) and runs it in virtual time.
 *
 * Messages are created during [0, duration). After that, no new message is created, but the
 * frames already queued are still sent (or blocked) and every frame on the air meets its fate:
 * the run drains, so that the books close. `drainedUntilMs` says when the last event ran.
 */
import { createScheduler } from '../sim/scheduler.ts';
import type { Ether } from '../radio/ether.ts';
import type { SimEvent } from '../node/events.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { LoraNode } from '../node/lora-node.ts';
import type { Delivery } from '../radio/transmission.ts';
import { routeNodeEvents } from './event-routing.ts';
import { createSwarmNodes, nodeObjects, runtimeObjects } from './swarm-nodes.ts';
import { timeOnAir } from '../radio/airtime.ts';
import { framingOverheadBytes } from '../radio/framing.ts';
import { createSeriesSampler } from '../metrics/series.ts';
import { createMemoryTransport } from '../transport/memory-transport.ts';
import { createRadioTracker } from '../metrics/radio-tracker.ts';
import { createLiveSamples } from './live-samples.ts';
import { airtimeParamsOf, type NodeSpec, type ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Simulation, SimulationOptions } from './simulation-types.ts';
import { createHostedEngine } from '../inference/hosted-engine.ts';
import { scheduleFaults } from './faults.ts';
import { createHostedFl } from '../fl/hosted.ts';
import type { NodeApplication } from '../node/application.ts';
import { withPlanMemory } from '../inference/plan-memory.ts';
import { windowLength, type WindowLength } from './window-length.ts';
import { newRunState, type SimulationParts } from './simulation-parts.ts';
import { createSimulationEther } from './simulation-ether.ts';
import { scheduleSamples } from './run-samples.ts';
import { closeAsync, closeLocal } from './close-books.ts';
import { createWindowDriving, receiveReport } from './window-driving.ts';
import { createPartitionDriver } from './partition-driver.ts';
import { checkpointSimulation, restoreSimulation } from './simulation-checkpoint.ts';
import { sameFields } from '../sim/same-values.ts';

export type { LiveSnapshot, PartitionDriver, Simulation, SimulationOptions, SimulationResult } from './simulation-types.ts';

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
  const state = newRunState();

  const makeTransport = options.transport ?? createMemoryTransport;
  // Live snapshots wait for every partition's share of each sample.
  const live = createLiveSamples(options.onSample, () => transport.remote?.parts ?? 0, () => tracker.totals());
  const transport = makeTransport(scheduler, () => ({
    ether: (tx) => ether.transmit(tx),
    nodeDied: (node, atMs) => {
      ether.nodeDied(node, atMs);
      // Every process's application learns of the death at this exchange; the workers with their next op.
      if (!app?.deathKnown) return;
      app.deathKnown(node, atMs, scheduler.nowMs);
      transport.remote?.nodeDied(node, atMs, scheduler.nowMs);
    },
    decide: (nowMs) => {
      ether.decideUntil(nowMs);
      tracker.decided(nowMs);
    },
    nodes: specs.map((spec) => (hosted[spec.index] ? (delivery: Delivery) => swarmNodes.deliver(spec.index, delivery) : undefined)),
    report: (report, owns) => receiveReport({ tracker, series, live, app }, report, owns),
  }));

  const ether: Ether = createSimulationEther(scenario, swarm, { scheduler, tracker, listeners, windowMs: windows.longestMs, deliver: (delivery) => transport.deliver(delivery), hosted: options.hosted === undefined ? () => true : (i) => hosted[i]! });

  // The node that keeps an application's records runs in the run's process (a worker reports to it).
  const keeper = options.federated ? { node: options.federated.coordinator, role: 'the federated coordinator', records: "the rounds' records" } : options.inference ? { node: options.inference.plan.entry, role: 'the inference entry', records: "the requests' records" } : undefined;
  if (keeper && options.hosted && !options.reportsToCoordinator && !hosted[keeper.node]) throw new RangeError(`${keeper.role} (node ${keeper.node}) must run in the run's process, which keeps ${keeper.records}`);
  let runtimeViews: (NodeRuntime | undefined)[] | undefined;
  let nodeViews: (LoraNode | undefined)[] | undefined;
  /** The hosted nodes as objects, made when first asked for (applications, faults, tests). */
  const runtimeObjectsOnce = (): readonly (NodeRuntime | undefined)[] => (runtimeViews ??= runtimeObjects(swarmNodes, specs.length));
  const nodeObjectsOnce = (): readonly (LoraNode | undefined)[] => (nodeViews ??= nodeObjects(swarmNodes, specs.length));
  const engine = options.inference ? createHostedEngine(options.inference, specs, scheduler, nodeObjectsOnce, runtimeObjectsOnce, hosted) : undefined;
  const federation = options.federated ? createHostedFl(options.federated, specs, swarm.region, scenario.framing, scheduler, nodeObjectsOnce, runtimeObjectsOnce, hosted, { trainingThreads: options.trainingThreads ?? 0 }) : undefined;
  const app: NodeApplication | undefined = engine ?? federation;
  const nodeEvents = routeNodeEvents({
    tracker,
    series,
    report: reportsEvents ? (event: SimEvent) => state.reportedEvents.push(event) : undefined,
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
  swarmNodes.startTraffic();

  app?.start();
  scheduleFaults(scenario, specs, swarmNodes.runtimes, hosted, scheduler);

  const parts: SimulationParts = { specs, durationMs: scenario.duration, scheduler, tracker, series, transport, remote: transport.remote, ether, swarmNodes, app, engine, federation, live, state };
  scheduleSamples(parts, scenario.sampling.interval);
  return simulationHandle(parts, windows, nodeObjectsOnce, runtimeObjectsOnce);
}

/** The handle `createSimulation` returns: its parts, and the run driven window by window. */
function simulationHandle(
  parts: SimulationParts,
  windows: WindowLength,
  nodeObjectsOnce: () => readonly (LoraNode | undefined)[],
  runtimeObjectsOnce: () => readonly (NodeRuntime | undefined)[],
): Simulation {
  const { scheduler, transport, durationMs } = parts;
  const { protocol, drive, driveAsync } = createWindowDriving(parts, windows);
  return {
    scheduler,
    tracker: parts.tracker,
    ether: parts.ether,
    transport,
    get nodes() {
      return nodeObjectsOnce();
    },
    get runtimes() {
      return runtimeObjectsOnce();
    },
    series: parts.series,
    lookaheadMs: windows.shortMs,
    windowLength: windows,
    get windowsRun() {
      return protocol.windowsRun;
    },
    partition: createPartitionDriver(parts),
    inference: parts.engine,
    federated: parts.federation,
    advance(untilMs) {
      if (transport.asynchronous) throw new Error('this transport is asynchronous: use advanceAsync');
      drive(untilMs);
    },
    finish() {
      if (transport.asynchronous) throw new Error('this transport is asynchronous: use finishAsync');
      drive(undefined);
      const lastEventMs = Math.max(durationMs, scheduler.lastEventMs);
      return closeLocal(parts, lastEventMs, []);
    },
    async advanceAsync(untilMs) {
      await driveAsync(untilMs);
    },
    async finishAsync() {
      await driveAsync(undefined);
      return closeAsync(parts);
    },
    checkpoint: () => checkpointSimulation(parts),
    restore: (bytes) => restoreSimulation(parts, bytes),
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
  // Nodes of a group share their modulation: each distinct one is timed once (a node like the
  // one before it is passed over without keying it in JSON).
  const seen = new Set<string>();
  let previous: ReturnType<typeof airtimeParamsOf> | undefined;
  for (const spec of specs) {
    const params = airtimeParamsOf(spec);
    if (previous && sameFields(previous, params)) continue;
    previous = params;
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
