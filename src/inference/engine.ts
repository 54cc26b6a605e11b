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
 * fails. Routes are recomputed at once when a node dies (the routing layer is idealised: it
 * learns of a death without delay; the model layer finds lost frames by timeouts only).
 */
import { groupSizeOf } from '../model/quant/quantized-model.ts';
import { embeddingUnit, headUnit } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { ReceivedMessage } from '../node/lora-node.ts';
import { computeRoutes, type Routes } from '../placement/links.ts';
import { addMessage, zeroComponents, type Components, type FrameTiming } from './components.ts';
import { createEntry, type Entry, type EntryState, type EntryStep } from './entry.ts';
import { createExpertRole, type ExpertStep } from './expert-node.ts';
import { createLayerPasses, type LayerPassesState, type LayerPassStep } from './layer-pass.ts';
import { replaceArray, replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import { createStepTable, type StepTableState } from '../sim/step-table.ts';
import type { NodeApplication } from '../node/application.ts';
import { addEnergy, type RequestRecord, type TokenRecord } from './records.ts';
import { decodeMessage, decodeNetworkHeader, encodeMessage, type ModelMessage } from './wire.ts';
import type { InferenceContext, InferenceHost } from './context.ts';
import { createUnitWork, type McuWork } from './unit-work.ts';
import { draftStepWork, mtpStepWork } from './draft.ts';
import { pipelineChooser } from './pipeline-choice.ts';
import type { RandomStreamState, SavableStream } from '../sim/rng.ts';

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
  readonly inflight: Map<number, unknown>;
  readonly tokensBySerial: TokenRecord[];
  readonly expertLoad: number[][];
  readonly attributedUj: number[];
  readonly counters: Record<string, number>;
  readonly layerPasses: LayerPassesState;
  readonly steps: StepTableState<unknown>;
  readonly backoff: Map<number, RandomStreamState>;
  readonly entry: EntryState;
  readonly jobs: Map<number, number>;
}

interface InFlight {
  readonly token: TokenRecord;
  readonly acc: Components;
  readonly frames: FrameTiming[];
}

export function createInferenceEngine(context: InferenceContext, host: InferenceHost): InferenceEngine {
  const { model, settings, specs } = context;
  const { scheduler } = host;
  const config = model.config;
  const layers = config.layers;
  const n = specs.length;
  const dead = new Array<boolean>(n).fill(false);
  let routes: Routes = computeRoutes(context.graph, dead);
  const cost = (a: number, b: number): number => (a === b ? 0 : routes.costMs[a]![b]!);
  // What the swarm knows: a node is dead once the routing layer has learned of it (deathDetectionMs).
  const alive = (node: number): boolean => !dead[node];
  const pipelineOf = pipelineChooser(context.plan.pipelines, alive);
  const work = createUnitWork(config, model.bits, context.costs, context.plan, specs, groupSizeOf(model));

  const inflight = new Map<number, InFlight>();
  let staged: InFlight | undefined;
  const tokensBySerial: TokenRecord[] = [];
  const expertLoad = Array.from({ length: layers }, () => new Array<number>(config.experts).fill(0));
  const attributedUj = new Array<number>(n).fill(0);
  const counters = { staleMessages: 0, unroutable: 0, refusedCalls: 0, timeouts: 0, retries: 0, unknownMessages: 0 };
  const key = (sender: number, messageId: number): number => sender * 0x10000 + messageId;
  const backoffStreams = new Map<number, SavableStream>();
  /** Steps to come: each runs as an integer event, or as a computation's continuation. */
  const steps = createStepTable(scheduler, runStep);
  const later = (step: InferenceStep, atMs?: number): Continuation => steps.later(step, atMs);
  function runStep(step: InferenceStep): void {
    switch (step.type) {
      case 'computed': {
        const startMs = scheduler.nowMs - step.ms;
        step.acc.queueingMs += startMs - step.queuedAtMs;
        step.acc.computeMs += step.ms;
        return runStep(step.then);
      }
      case 'attended':
      case 'callTimeout':
      case 'retryCalls':
      case 'combined':
        return layerPasses.runStep(step);
      case 'learnDeath':
        return learnDeath(step.node);
      case 'expertRan':
        return expertRole.runStep(step);
      default:
        return entry.runStep(step);
    }
  }
  /**
   * A retry waits a random backoff, uniform up to half the timeout, from the node's own stream:
   * two nodes paced by the same duty cycle otherwise collide again and again at the same phase.
   */
  function backoffOf(node: number): number {
    let stream = backoffStreams.get(node);
    if (!stream) backoffStreams.set(node, (stream = context.rng.stream(`inference/backoff/${node}`)));
    return stream.next() * (settings.timeout / 2);
  }

  /** Runs `work` on `node` for `token`, adding the wait for the MCU and the run to `acc`, then `then`. */
  function compute(node: number, { ms, powerMw }: McuWork, token: TokenRecord, acc: Components, then: InferenceStep): void {
    host.compute(node, ms, later({ type: 'computed', ms, queuedAtMs: scheduler.nowMs, acc, then }), token.serial, powerMw);
  }

  /** Sends a model message from `from` to `to` (over the routes; at once when local). False when unroutable. */
  function send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean {
    if (from === to) {
      deliver(to, from, message, token, acc);
      return true;
    }
    const bytes = encodeMessage({ destination: to, origin: from, hops: 0 }, message);
    return sendBytes(from, to, bytes, token, acc);
  }

  function sendBytes(from: number, to: number, bytes: Uint8Array, token: TokenRecord, acc: Components): boolean {
    const next = routes.next[from]![to]!;
    if (next < 0 || !alive(from)) {
      counters.unroutable++;
      return false;
    }
    token.hops++;
    staged = { token, acc, frames: [] };
    host.send(from, next, bytes, settings.deadline);
    staged = undefined;
    return true;
  }

  function onMessage(node: number, received: ReceivedMessage): void {
    const k = key(received.sender, received.messageId);
    const flight = inflight.get(k);
    inflight.delete(k);
    if (!flight) {
      counters.unknownMessages++;
      return;
    }
    addMessage(flight.acc, flight.frames, scheduler.nowMs);
    const network = decodeNetworkHeader(received.payload);
    if (network.destination !== node) {
      // A relay: on towards the destination, one hop more.
      const bytes = received.payload.slice();
      bytes[4] = Math.min(255, network.hops + 1);
      sendBytes(node, network.destination, bytes, flight.token, flight.acc);
      return;
    }
    const { message } = decodeMessage(received.payload, config.dim);
    deliver(node, network.origin, message, flight.token, flight.acc);
  }

  const tensorAt = (data: Int8Array, scale: number | Float64Array): Int8Tensor => (typeof scale === 'number' ? { data, scale } : { data, scale: 1, channelScales: scale });

  function deliver(node: number, origin: number, message: ModelMessage, token: TokenRecord, acc: Components): void {
    if (message.kind === 'forward') {
      if (message.layer === layers) entry.onResult(node, message, token, acc, tensorAt(message.x, model.scales.residual[layers]!));
      else layerPasses.attention(node, message, token, acc);
    } else if (message.kind === 'call') expertCall(node, origin, message, token, acc);
    else layerPasses.reply(node, origin, message, acc);
  }

  function learnDeath(node: number): void {
    dead[node] = true;
    routes = computeRoutes(context.graph, dead);
  }

  const layerPasses = createLayerPasses({
    context,
    host,
    cost,
    alive,
    counters,
    work,
    compute,
    send,
    later,
    backoffOf,
    tensorAt,
    entryNode: () => entry.node,
    pipelineOf,
  });

  const expertRole = createExpertRole({ model, settings, compute, send, expertLoad, counters, work: work.expert });
  const expertCall = expertRole.call;

  const draftWork = context.draft && draftStepWork(context.draft);
  const mtpWork = context.mtp && mtpStepWork(config, model.bits, groupSizeOf(model));
  const entry: Entry = createEntry(context, host, {
    compute,
    send,
    embed: (id, position) => embeddingUnit(model, id, position).data,
    head: (x) => headUnit(model, x),
    headWork: work.head,
    embedWork: work.embed,
    draftWork: (node, position) => draftWork!(specs[node]!.mcu, position, work.tierOf('io', node)),
    mtpWork: (node, position, head) => mtpWork!(specs[node]!.mcu, position, head, work.tierOf('io', node)),
    backoffMs: backoffOf,
    later: (step, atMs) => void later(step, atMs),
    register: (token) => {
      tokensBySerial[token.serial] = token;
    },
    pipelineOf,
  });

  return {
    onMessage,
    onEvent(event) {
      if (event.type === 'messageSent') {
        if (staged) inflight.set(key(event.sender, event.messageId), staged);
      } else if (event.type === 'txStarted') {
        const flight = inflight.get(key(event.tx.sender, event.tx.messageId));
        if (!flight) return;
        const { tx } = event;
        flight.frames.push({ queuedAtMs: event.queuedAtMs, queueWaitMs: event.queueWaitMs, dutyCycleWaitMs: event.dutyCycleWaitMs, wakeWaitMs: event.wakeWaitMs, startMs: tx.startMs, airtimeMs: tx.airtimeMs, endMs: tx.endMs });
        flight.token.frames++;
        flight.token.phyBytes += tx.bytes.length;
        flight.token.framesAirtimeMs += tx.airtimeMs;
      } else if (event.type === 'nodeDied') {
        entry.nodeDied(event.node);
        // The routing layer learns of a death after deathDetection (0: at once); until then, calls to the node time out.
        if (settings.deathDetection > 0) later({ type: 'learnDeath', node: event.node }, scheduler.nowMs + settings.deathDetection);
        else learnDeath(event.node);
      }
    },
    causeOf(tx) {
      return inflight.get(key(tx.sender, tx.messageId))?.token.serial;
    },
    attribute(node, cause, state, energyUj) {
      const token = tokensBySerial[cause];
      if (!token) return;
      addEnergy(token, state, energyUj);
      attributedUj[node]! += energyUj;
    },
    start: () => entry.start(),
    checkpoint: () => ({
      dead,
      inflight,
      tokensBySerial,
      expertLoad,
      attributedUj,
      counters,
      layerPasses: layerPasses.checkpoint(),
      steps: steps.checkpoint(),
      backoff: new Map([...backoffStreams].map(([node, stream]) => [node, stream.checkpoint()])),
      entry: entry.checkpoint(),
      jobs: expertRole.checkpoint(),
    }),
    restore(state) {
      replaceArray(dead, state.dead);
      routes = computeRoutes(context.graph, dead);
      replaceMap(inflight, state.inflight as Map<number, InFlight>);
      replaceArray(tokensBySerial, state.tokensBySerial);
      state.expertLoad.forEach((loads, l) => replaceArray(expertLoad[l]!, loads));
      replaceArray(attributedUj, state.attributedUj);
      Object.assign(counters, state.counters);
      layerPasses.restore(state.layerPasses);
      steps.restore(state.steps as StepTableState<InferenceStep>);
      backoffStreams.clear();
      for (const [node, saved] of state.backoff) {
        const stream = context.rng.stream(`inference/backoff/${node}`);
        stream.restore(saved);
        backoffStreams.set(node, stream);
      }
      entry.restore(state.entry);
      expertRole.restore(state.jobs);
    },
    get busy() {
      return entry.busy;
    },
    get tokens() {
      return entry.tokens;
    },
    get requests() {
      return entry.requests;
    },
    expertLoad,
    attributedUj,
    counters,
  };
}

export { zeroComponents };
