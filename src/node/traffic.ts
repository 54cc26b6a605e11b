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

// A node's traffic in its row of `TrafficTable.row` (what each message reads, side by side: its
// TrafficNode object and its fields were a cache miss each in a city).
const POISSON = 0;
const INTERVAL_MS = 1;
const JITTER_MS = 2;
const PAYLOAD_BYTES = 3;
const DEADLINE_MS = 4;
/** The destination, or NaN when it is picked from the draw (`TrafficTable.picks`). */
const DESTINATION = 5;
/** NaN: no computation before a message. */
const COMPUTE_MS = 6;
const TRAFFIC_ROW = 8;

interface TrafficTable {
  readonly row: Float64Array;
  /** Each node's traffic stream (holes where a node has no traffic). */
  readonly rngs: RandomGenerator[];
  readonly picks: ((draw: number) => number)[];
}

function trafficTable(nodes: readonly TrafficNode[]): TrafficTable {
  const count = nodes.reduce((most, node) => Math.max(most, node.index + 1), 0);
  const t: TrafficTable = { row: new Float64Array(count * TRAFFIC_ROW), rngs: [], picks: [] };
  for (const node of nodes) {
    const o = node.index * TRAFFIC_ROW;
    t.row[o + POISSON] = node.kind === 'poisson' ? 1 : 0;
    t.row[o + INTERVAL_MS] = node.intervalMs;
    t.row[o + JITTER_MS] = node.jitterMs;
    t.row[o + PAYLOAD_BYTES] = node.payloadBytes;
    t.row[o + DEADLINE_MS] = node.deadlineMs;
    t.row[o + DESTINATION] = typeof node.destination === 'number' ? node.destination : Number.NaN;
    t.row[o + COMPUTE_MS] = node.computeMs ?? Number.NaN;
    t.rngs[node.index] = node.rng;
    if (typeof node.destination !== 'number') t.picks[node.index] = node.destination;
  }
  return t;
}

export function startTraffic(nodes: readonly TrafficNode[], config: TrafficConfig): Checkpointable<TrafficState> {
  const { scheduler, endMs } = config;
  const { row, rngs, picks } = trafficTable(nodes);
  const emitKind = scheduler.kind(emitOne);
  /** Messages whose computation runs: their continuation is data (a checkpoint holds it). */
  const computing = createStepTable<ComputingMessage>(scheduler, (message) => send(message.node, message.destination, message.createdAtMs));

  const nextGapMs = (i: number): number => {
    const o = i * TRAFFIC_ROW;
    return row[o + POISSON] === 1 ? exponential(rngs[i]!, row[o + INTERVAL_MS]!) : row[o + INTERVAL_MS]! + (2 * uniform(rngs[i]!) - 1) * row[o + JITTER_MS]!;
  };

  function schedule(i: number, atMs: number): void {
    if (atMs < endMs) scheduler.atKind(atMs, emitKind, i);
  }

  function send(i: number, destination: number, createdAtMs: number): void {
    if (!config.alive(i)) return;
    const payload = fill(new Uint8Array(row[i * TRAFFIC_ROW + PAYLOAD_BYTES]!), createdAtMs);
    config.send(i, destination, payload, row[i * TRAFFIC_ROW + DEADLINE_MS]!);
  }

  function emitOne(i: number): void {
    if (!config.alive(i)) return;
    const draw = uniform(rngs[i]!);
    const o = i * TRAFFIC_ROW;
    const fixed = row[o + DESTINATION]!;
    const destination = Number.isNaN(fixed) ? picks[i]!(draw) : fixed;
    const createdAtMs = scheduler.nowMs;
    const computeMs = row[o + COMPUTE_MS]!;
    if (!Number.isNaN(computeMs)) config.compute(i, computeMs, computing.later({ node: i, destination, createdAtMs }));
    else send(i, destination, createdAtMs);
    schedule(i, scheduler.nowMs + nextGapMs(i));
  }

  for (const node of nodes) schedule(node.index, node.kind === 'poisson' ? exponential(node.rng, node.intervalMs) : uniform(node.rng) * node.intervalMs);
  return {
    checkpoint: () => ({ rngs: rngs.map((rng) => rng && generatorState(rng)), computing: computing.checkpoint() }),
    restore(state) {
      rngs.forEach((rng, i) => setGeneratorState(rng, state.rngs[i]!));
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
