/**
 * What swarm inference records: one row per token pass and per request (tokens.csv,
 * requests.csv), and the figures summary.json adds. Times are virtual; nothing here reads the
 * wall clock.
 */
import { zeroComponents, type Components } from './components.ts';

/**
 * One token pass through the swarm. In plain decoding a pass carries one position and emits
 * one token; in speculative decoding (inference.speculative) it carries the position and the
 * draft's guesses after it, and emits the guesses the model confirms and one token of its own.
 */
export interface TokenRecord {
  /** Run-wide serial: the cause id its frames and computations carry for energy attribution. */
  readonly serial: number;
  readonly request: number;
  /** The pass's first position. */
  readonly position: number;
  /** The token fed in at this position. */
  readonly input: number;
  /** Positions the pass carries: its input, prompt characters after it, the draft's tokens. */
  readonly positions: number;
  /** Draft tokens among them, and how many of them the model confirmed. */
  readonly drafted: number;
  accepted: number;
  /** Generated tokens the pass emitted (the boundary that ends a name included): 1 for a plain generated pass. */
  emitted: number;
  /** A pass that emits a generated token is `generated`; one that only reads the prompt, `prompt`. */
  kind: 'prompt' | 'generated';
  /** The last token emitted (the next prompt character for prompt passes); −1 while running or failed. */
  output: number;
  readonly startMs: number;
  endMs: number;
  components: Components;
  // hops … framesAirtimeMs, energyUj and the experts dropped and skipped are the sums of the
  // nodes' parts (token-books.ts), set whenever the engine's records are read.
  /** Link-level messages sent for the token (every hop of every branch). */
  hops: number;
  frames: number;
  phyBytes: number;
  /** Time on air of all its frames (every branch, every hop). */
  framesAirtimeMs: number;
  readonly energyUj: Record<'transmit' | 'receive' | 'compute' | 'idle', number>;
  /** Routed experts combined, per position of the pass and layer: [offset · layers + layer]. */
  readonly experts: (readonly number[])[];
  /** Routed experts the gate chose that were dropped (unreachable, refused, or timed out). */
  expertsDropped: number;
  /** Routed experts the gate chose and skipped for the cost of their call (inference.skipExperts). */
  expertsSkipped: number;
  /** Shared experts dropped the same ways. */
  sharedExpertsDropped: number;
  /** The candidate experts the gate allowed, per position of the pass and layer (undefined: all), for the reference. */
  readonly candidates: (readonly number[] | undefined)[][];
  attempts: number;
  matchesReference: boolean | undefined;
  status: 'running' | 'ok' | 'failed';
}

export interface RequestRecord {
  readonly request: number;
  readonly entry: number;
  readonly arrivalMs: number;
  admittedMs: number;
  firstTokenMs: number;
  endMs: number;
  /** Generated token ids (the boundary that ends a name excluded). */
  readonly generated: number[];
  text: string;
  status: 'waiting' | 'running' | 'complete' | 'failed';
  readonly tokens: TokenRecord[];
}

export interface PassShape {
  readonly positions: number;
  readonly drafted: number;
}

export function newTokenRecord(serial: number, request: number, position: number, input: number, kind: TokenRecord['kind'], startMs: number, layers: number, shape: PassShape = { positions: 1, drafted: 0 }): TokenRecord {
  return {
    serial,
    request,
    position,
    input,
    positions: shape.positions,
    drafted: shape.drafted,
    accepted: 0,
    emitted: 0,
    kind,
    output: -1,
    startMs,
    endMs: Number.NaN,
    components: zeroComponents(),
    hops: 0,
    frames: 0,
    phyBytes: 0,
    framesAirtimeMs: 0,
    energyUj: { transmit: 0, receive: 0, compute: 0, idle: 0 },
    experts: Array.from({ length: layers * shape.positions }, () => []),
    expertsDropped: 0,
    expertsSkipped: 0,
    sharedExpertsDropped: 0,
    candidates: Array.from({ length: shape.positions }, () => new Array<readonly number[] | undefined>(layers).fill(undefined)),
    attempts: 1,
    matchesReference: undefined,
    status: 'running',
  };
}

export const tokenJoules = (token: TokenRecord): number => (token.energyUj.transmit + token.energyUj.receive + token.energyUj.compute + token.energyUj.idle) / 1e6;
