/**
 * Swarm inference (issue 6): the firmware application that serves TinySeek across the nodes.
 *
 * A request arrives at the entry node (embedding and head). Each token pass: the entry embeds
 * the token and sends the int8 residual to layer 0's attention node; that node runs attention
 * and the gate, calls the chosen experts' nearest live replicas (one message per serving node
 * with the normed input; local experts run in place), combines the replies, and sends the
 * residual on to the next layer's node; the last layer sends it back to the entry, which runs
 * the head and samples. Every message is real bytes (wire.ts) in LoRa frames through the MAC,
 * the ether and the transport, forwarded hop by hop on the routing tables.
 *
 * Faults: an expert call unanswered within `timeout` is retried (to another live replica when
 * there is one) up to `retries` times, then the expert is dropped and the gate renormalised; a
 * holder over its `expertQueueLimit` refuses (dropped too). A token that does not come back to
 * the entry within its budget is re-run from the entry up to `retries` times, then its request
 * fails. Routes are recomputed when the routing layer learns of a death: `deathDetection` after
 * it, and not before the end of the simulation window of the death (≤ 1 ms in an inference run),
 * when every process of the run knows it (the model layer finds lost frames by timeouts only).
 */
import { groupSizeOf } from '../model/quant/quantized-model.ts';
import { embeddingUnit, headUnit } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { SimEvent } from '../node/events.ts';
import { zeroComponents, type Components } from './components.ts';
import { createEntry, type Entry, type EntryOps, type EntryState, type EntryStep } from './entry.ts';
import { createExpertRole, type ExpertRole, type ExpertStep } from './expert-node.ts';
import { createLayerPasses, type LayerPasses, type LayerPassesState, type LayerPassStep } from './layer-pass.ts';
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import { createStepTable, type StepTable, type StepTableState } from '../sim/step-table.ts';
import type { NodeApplication } from '../node/application.ts';
import { newTokenRecord, type RequestRecord, type TokenRecord } from './records.ts';
import { createTokenBooks, type TokenBooks, type TokenBooksState } from './token-books.ts';
import type { ModelMessage } from './wire.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import { createUnitWork, type McuWork, type UnitWork } from './unit-work.ts';
import { draftStepWork, mtpStepWork } from './draft.ts';
import { pipelineChooser } from './pipeline-choice.ts';
import type { RandomStreamState } from '../sim/rng.ts';
import { createBackoffStreams, type BackoffStreams } from './backoff-streams.ts';
import { createKnownRoutes, type KnownRoutes } from './known-routes.ts';
import { createMessageFlights, type MessageFlights, type MessageFlightsState } from './message-flights.ts';
import { createInferenceReporter, receiveInferenceReport, type InferenceReport } from './engine-report.ts';
import { zeroCounters, type EngineCounters } from './engine-counters.ts';

export interface InferenceEngine extends NodeApplication, Checkpointable<InferenceEngineState> {
  readonly tokens: readonly TokenRecord[];
  readonly requests: readonly RequestRecord[];
  /** Routed expert calls served, [layer][expert]. */
  readonly expertLoad: readonly number[][];
  /** Energy attributed to tokens, per node (µJ). */
  readonly attributedUj: readonly number[];
  readonly counters: Readonly<Record<'staleMessages' | 'unroutable' | 'refusedCalls' | 'timeouts' | 'retries' | 'unknownMessages', number>>;
}

/**
 * What the engine does next, as data (a checkpoint holds it): a computation's end (its wait
 * and run added to the token's account, then the next step), a death learnt by the routing
 * layer; and the layer passes', the entry's and the expert holders' steps.
 */
type EngineStep =
  | { readonly type: 'computed'; readonly ms: number; readonly queuedAtMs: number; readonly acc: Components; readonly then: InferenceStep }
  | { readonly type: 'learnDeath'; readonly node: number };
export type InferenceStep = EngineStep | EntryStep | ExpertStep | LayerPassStep;

/** The engine's whole state (a checkpoint: checkpoint-state.ts). */
export interface InferenceEngineState {
  readonly dead: boolean[];
  readonly flights: MessageFlightsState;
  readonly tokensBySerial: TokenRecord[];
  readonly books: TokenBooksState;
  readonly expertLoad: number[][];
  readonly attributedUj: number[];
  readonly counters: Record<string, number>;
  readonly layerPasses: LayerPassesState;
  readonly steps: StepTableState<unknown>;
  readonly backoff: Map<number, RandomStreamState>;
  readonly entry: EntryState;
  readonly jobs: Map<number, number>;
}


/**
 * The engine's explicit state: its parts (the routes it knows, the messages in flight, the
 * backoff streams, the steps to come, the layer passes, the expert holders, the entry) and its
 * records. The factory wires them; the module functions below run over it.
 */
interface EngineParts {
  readonly context: InferenceContext;
  readonly host: InferenceHost;
  readonly routes: KnownRoutes;
  readonly flights: MessageFlights;
  readonly backoff: BackoffStreams;
  readonly steps: StepTable<InferenceStep>;
  readonly layerPasses: LayerPasses;
  readonly expertRole: ExpertRole;
  readonly entry: Entry;
  /** Token records by serial, for energy attribution. */
  readonly tokensBySerial: TokenRecord[];
  readonly tokenBooks: TokenBooks;
  readonly expertLoad: number[][];
  readonly attributedUj: number[];
  readonly counters: EngineCounters;
  /** Whether the entry runs in this process. */
  readonly entryHere: boolean;
  readonly tally: { uncountedEvents: number };
}

export function createInferenceEngine(context: InferenceContext, host: InferenceHost): InferenceEngine {
  const { model, settings, specs } = context;
  const { scheduler } = host;
  const config = model.config;
  const routes = createKnownRoutes(context.graph, specs.length);
  const { cost, alive } = routes;
  const pipelineOf = pipelineChooser(context.plan.pipelines, alive);
  const work = createUnitWork(config, model.bits, context.costs, context.plan, specs, groupSizeOf(model));
  const tokensBySerial: TokenRecord[] = [];
  const entryHere = host.hosts(context.plan.entry);
  const tokenBooks = createTokenBooks(config.layers, !entryHere);
  /** Where the entry runs elsewhere, the tokens this process's nodes serve, by serial: a record to write nothing into but the books. */
  const stubs = new Map<number, TokenRecord>();
  let report: (() => InferenceReport | undefined) | undefined;
  const expertLoad = Array.from({ length: config.layers }, () => new Array<number>(config.experts).fill(0));
  const attributedUj = new Array<number>(specs.length).fill(0);
  const counters = zeroCounters();
  const backoff = createBackoffStreams(context.rng, settings.timeout);
  const backoffOf = backoff.backoffOf;
  /** Steps to come: each runs as an integer event, or as a computation's continuation. */
  const steps = createStepTable<InferenceStep>(scheduler, (step) => runEngineStep(parts, step));
  const later = (step: InferenceStep, atMs?: number): Continuation => steps.later(step, atMs);
  /** Runs `work` on `node` for `token`, adding the wait for the MCU and the run to `acc`, then `then`. */
  const compute = (node: number, { ms, powerMw }: McuWork, token: TokenRecord, acc: Components, then: InferenceStep): void => {
    host.compute(node, ms, later({ type: 'computed', ms, queuedAtMs: scheduler.nowMs, acc, then }), token.serial, powerMw);
  };
  /** A token by serial: its record where the entry runs, else a stub of its serial (nothing but the books is written into it). */
  const tokenOf = (serial: number): TokenRecord | undefined => tokensBySerial[serial] ?? (entryHere ? undefined : stubOf(stubs, serial, config.layers));
  const flights = createMessageFlights({ host, routes, counters, books: tokenBooks, deadlineMs: settings.deadline, dim: config.dim, tokenOf, deliver: (node, origin, message, token, acc) => deliver(parts, node, origin, message, token, acc) });
  const send = flights.send;
  const layerPasses = createLayerPasses({ context, host, cost, alive, counters, books: tokenBooks, work, compute, send, later, backoffOf, tensorAt, entryNode: () => entry.node, pipelineOf });
  const expertRole = createExpertRole({ model, settings, compute, send, expertLoad, counters, work: work.expert });
  const register = (token: TokenRecord): void => {
    tokensBySerial[token.serial] = token;
  };
  const entry: Entry = createEntry(context, host, entryOps(context, work, { compute, send, backoffMs: backoffOf, later: (step, atMs) => void later(step, atMs), register, settle: tokenBooks.settle, pipelineOf }));
  const parts: EngineParts = { context, host, routes, flights, backoff, steps, layerPasses, expertRole, entry, tokensBySerial, tokenBooks, expertLoad, attributedUj, counters, entryHere, tally: { uncountedEvents: 0 } };

  return {
    onMessage: flights.onMessage,
    onEvent: (event) => onEngineEvent(parts, event),
    deathKnown: (node, atMs, knownAtMs) => deathKnown(parts, node, atMs, knownAtMs),
    report: () => (report ??= createInferenceReporter(parts))(),
    receive: (value, owns) => receiveInferenceReport(parts, { layers: config.layers, experts: config.experts, positions: config.context }, value, owns),
    causeOf: flights.causeOf,
    frameMeta: flights.frameMeta,
    attribute(node, cause, state, energyUj) {
      if (entryHere && !tokensBySerial[cause]) return;
      tokenBooks.addEnergy(cause, node, state, energyUj);
      attributedUj[node]! += energyUj;
    },
    // The entry runs, and keeps the records, in one process; the others serve it (issue 22).
    start() {
      if (entryHere) entry.start();
    },
    checkpoint: () => checkpointEngine(parts),
    restore: (state) => restoreEngine(parts, state),
    get busy() {
      return entryHere && entry.busy;
    },
    // The records' figures from the nodes' parts (token-books.ts), whenever they are read.
    get tokens() {
      tokenBooks.settleChanged(tokenOf);
      return entry.tokens;
    },
    get requests() {
      tokenBooks.settleChanged(tokenOf);
      return entry.requests;
    },
    get uncountedEvents() {
      return parts.tally.uncountedEvents;
    },
    expertLoad,
    attributedUj,
    counters,
  };
}

function runEngineStep(parts: EngineParts, step: InferenceStep): void {
  switch (step.type) {
    case 'computed': {
      const startMs = parts.host.scheduler.nowMs - step.ms;
      step.acc.queueingMs += startMs - step.queuedAtMs;
      step.acc.computeMs += step.ms;
      return runEngineStep(parts, step.then);
    }
    case 'attended':
    case 'callTimeout':
    case 'retryCalls':
    case 'combined':
      return parts.layerPasses.runStep(step);
    case 'learnDeath':
      // Every process learns; the entry's counts the event.
      if (!parts.entryHere) parts.tally.uncountedEvents++;
      return parts.routes.learnDeath(step.node);
    case 'expertRan':
      return parts.expertRole.runStep(step);
    default:
      return parts.entry.runStep(step);
  }
}

const tensorAt = (data: Int8Array, scale: number | Float64Array): Int8Tensor => (typeof scale === 'number' ? { data, scale } : { data, scale: 1, channelScales: scale });

/** A model message reached `node`: a residual goes to the entry (after the last layer) or a layer's attention node, a call to the expert holder, a reply to its layer pass. */
function deliver(parts: EngineParts, node: number, origin: number, message: ModelMessage, token: TokenRecord, acc: Components): void {
  const layers = parts.context.model.config.layers;
  if (message.kind === 'forward') {
    if (message.layer === layers) parts.entry.onResult(node, message, token, acc, tensorAt(message.x, parts.context.model.scales.residual[layers]!));
    else parts.layerPasses.attention(node, message, token, acc);
  } else if (message.kind === 'call') parts.expertRole.call(node, origin, message, token, acc);
  else parts.layerPasses.reply(node, origin, message, acc);
}

function onEngineEvent(parts: EngineParts, event: SimEvent): void {
  if (event.type === 'messageSent') parts.flights.messageSent(event);
  else if (event.type === 'txStarted') parts.flights.txStarted(event);
  else if (event.type === 'nodeDied') parts.entry.nodeDied(event.node);
}

/**
 * The routing layer learns of a death `deathDetection` after it (until then, calls to the node
 * time out), but never before the end of the window of the death, `knownAtMs`, when every
 * process of the run knows it (0: then).
 */
function deathKnown(parts: EngineParts, node: number, atMs: number, knownAtMs: number): void {
  const learnMs = atMs + parts.context.settings.deathDetection;
  // A worker told later, having sat windows out, had nothing happen since the exchange: learning now is learning then.
  if (learnMs <= knownAtMs) parts.routes.learnDeath(node);
  else parts.steps.later({ type: 'learnDeath', node }, learnMs);
}

/** The entry's operations: the model's embedding and head, and what the entry's units cost its MCU (unit-work.ts, draft.ts). */
function entryOps(context: InferenceContext, work: UnitWork, wiring: Pick<EntryOps, 'compute' | 'send' | 'backoffMs' | 'later' | 'register' | 'settle' | 'pipelineOf'>): EntryOps {
  const { model, specs } = context;
  const draftWork = context.draft && draftStepWork(context.draft);
  const mtpWork = context.mtp && mtpStepWork(model.config, model.bits, groupSizeOf(model));
  return {
    ...wiring,
    embed: (id, position) => embeddingUnit(model, id, position).data,
    head: (x) => headUnit(model, x),
    headWork: work.head,
    embedWork: work.embed,
    draftWork: (node, position) => draftWork!(specs[node]!.mcu, position, work.tierOf('io', node)),
    mtpWork: (node, position, head) => mtpWork!(specs[node]!.mcu, position, head, work.tierOf('io', node)),
  };
}

function checkpointEngine(parts: EngineParts): InferenceEngineState {
  return {
    dead: parts.routes.dead,
    flights: parts.flights.checkpoint(),
    tokensBySerial: parts.tokensBySerial,
    books: parts.tokenBooks.state,
    expertLoad: parts.expertLoad,
    attributedUj: parts.attributedUj,
    counters: parts.counters,
    layerPasses: parts.layerPasses.checkpoint(),
    steps: parts.steps.checkpoint(),
    backoff: parts.backoff.checkpoint(),
    entry: parts.entry.checkpoint(),
    jobs: parts.expertRole.checkpoint(),
  };
}

function restoreEngine(parts: EngineParts, state: InferenceEngineState): void {
  parts.routes.restore(state.dead);
  parts.flights.restore(state.flights);
  replaceArray(parts.tokensBySerial, state.tokensBySerial);
  parts.tokenBooks.restore(state.books);
  state.expertLoad.forEach((loads, l) => replaceArray(parts.expertLoad[l]!, loads));
  replaceArray(parts.attributedUj, state.attributedUj);
  Object.assign(parts.counters, state.counters);
  parts.layerPasses.restore(state.layerPasses);
  parts.steps.restore(state.steps as StepTableState<InferenceStep>);
  parts.backoff.restore(state.backoff);
  parts.entry.restore(state.entry);
  parts.expertRole.restore(state.jobs);
}

/** A token served here whose record the entry keeps in another process: only its serial is read. */
function stubOf(stubs: Map<number, TokenRecord>, serial: number, layers: number): TokenRecord {
  let stub = stubs.get(serial);
  if (!stub) stubs.set(serial, (stub = newTokenRecord(serial, -1, -1, -1, 'generated', Number.NaN, layers)));
  return stub;
}

export { zeroComponents };
