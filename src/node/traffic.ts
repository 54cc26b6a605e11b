/**
 * Application traffic of sensor-like nodes: periodic or Poisson messages of a fixed size to
 * the sink, to a random neighbour, or to everyone in range. One table for every node with
 * traffic; each node's next message is an integer event.
 *
 * Every draw comes from the node's own traffic stream, one fixed number of draws per message,
 * so that adding a node never shifts another node's times.
 */
import { exponential, generatorState, setGeneratorState, uniform, type RandomGenerator } from '../sim/rng.ts';
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import { createStepTable, type StepTableState } from '../sim/step-table.ts';
import type { Continuation, Scheduler } from '../sim/scheduler.ts';

export type TrafficKind = 'periodic' | 'poisson';

/** A node index (or a special destination), or a pick from a uniform draw in [0, 1). */
export type TrafficDestination = number | ((draw: number) => number);

/** One node's traffic. */
export interface TrafficNode {
  readonly index: number;
  readonly kind: TrafficKind;
  /** Period (periodic) or mean interval (Poisson) between messages. */
  readonly intervalMs: number;
  /** Periodic only: each interval varies uniformly by ±jitter. */
  readonly jitterMs: number;
  readonly payloadBytes: number;
  readonly deadlineMs: number;
  /** The destination of every message, or its pick from a uniform draw in [0, 1) (drawn either way). */
  readonly destination: TrafficDestination;
  /** The node's traffic stream. */
  readonly rng: RandomGenerator;
  /** MCU time before each message (an on-device inference, say); undefined: none. */
  readonly computeMs: number | undefined;
}

export interface TrafficConfig {
  readonly scheduler: Scheduler;
  /** No message is created at or after this time. */
  readonly endMs: number;
  /** False once the node is dead: it creates nothing more. */
  readonly alive: (node: number) => boolean;
  /** Hands a message to the node's radio stack. */
  readonly send: (node: number, destination: number, payload: Uint8Array, deadlineMs: number) => void;
  /** Runs `durationMs` of the node's MCU, then `then`. */
  readonly compute: (node: number, durationMs: number, then: Continuation) => void;
}

/**
 * Schedules every node's messages. The first message comes at a uniform time within the first
 * interval (periodic) or after an exponential gap (Poisson), so that nodes do not start in
 * lockstep.
 */
/** Every node's traffic draws so far, by node, and the messages waiting for their computation (a checkpoint: checkpoint-state.ts). */
export interface TrafficState {
  readonly rngs: (number[] | undefined)[];
  readonly computing: StepTableState<ComputingMessage>;
}

interface ComputingMessage {
  readonly node: number;
  readonly destination: number;
  readonly createdAtMs: number;
}

export function startTraffic(nodes: readonly TrafficNode[], config: TrafficConfig): Checkpointable<TrafficState> {
  const { scheduler, endMs } = config;
  const byIndex: TrafficNode[] = [];
  for (const node of nodes) byIndex[node.index] = node;
  const emitKind = scheduler.kind(emitOne);
  /** Messages whose computation runs: their continuation is data (a checkpoint holds it). */
  const computing = createStepTable<ComputingMessage>(scheduler, (message) => send(byIndex[message.node]!, message.destination, message.createdAtMs));

  const nextGapMs = (node: TrafficNode): number =>
    node.kind === 'poisson' ? exponential(node.rng, node.intervalMs) : node.intervalMs + (2 * uniform(node.rng) - 1) * node.jitterMs;

  function schedule(node: TrafficNode, atMs: number): void {
    if (atMs < endMs) scheduler.atKind(atMs, emitKind, node.index);
  }

  function send(node: TrafficNode, destination: number, createdAtMs: number): void {
    if (!config.alive(node.index)) return;
    const payload = fill(new Uint8Array(node.payloadBytes), createdAtMs);
    config.send(node.index, destination, payload, node.deadlineMs);
  }

  function emitOne(i: number): void {
    if (!config.alive(i)) return;
    const node = byIndex[i]!;
    const draw = uniform(node.rng);
    const pick = node.destination;
    const destination = typeof pick === 'number' ? pick : pick(draw);
    const createdAtMs = scheduler.nowMs;
    if (node.computeMs !== undefined) config.compute(node.index, node.computeMs, computing.later({ node: node.index, destination, createdAtMs }));
    else send(node, destination, createdAtMs);
    schedule(node, scheduler.nowMs + nextGapMs(node));
  }

  for (const node of nodes) schedule(node, node.kind === 'poisson' ? exponential(node.rng, node.intervalMs) : uniform(node.rng) * node.intervalMs);
  return {
    checkpoint: () => ({ rngs: byIndex.map((node) => node && generatorState(node.rng)), computing: computing.checkpoint() }),
    restore(state) {
      byIndex.forEach((node, i) => setGeneratorState(node.rng, state.rngs[i]!));
      computing.restore(state.computing);
    },
  };
}

/** Sensor-like content: a deterministic byte pattern derived from the creation time. */
function fill(payload: Uint8Array, atMs: number): Uint8Array {
  let value = Math.floor(atMs) >>> 0;
  for (let i = 0; i < payload.length; i++) {
    value = (Math.imul(value, 1103515245) + 12345) >>> 0;
    payload[i] = value >>> 24;
  }
  return payload;
}
