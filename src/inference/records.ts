/**
 * What swarm inference records: one row per token pass and per request (tokens.csv,
 * requests.csv), and the figures summary.json adds. Times are virtual; nothing here reads the
 * wall clock.
 */
import type { EnergyState } from '../hw/energy-ledger.ts';
import { zeroComponents, type Components } from './components.ts';

export interface TokenRecord {
  /** Run-wide serial: the cause id its frames and computations carry for energy attribution. */
  readonly serial: number;
  readonly request: number;
  readonly position: number;
  /** The token fed in at this position. */
  readonly input: number;
  kind: 'prompt' | 'generated';
  /** The token emitted (the next prompt character for prompt passes); −1 while running or failed. */
  output: number;
  readonly startMs: number;
  endMs: number;
  components: Components;
  /** Link-level messages sent for the token (every hop of every branch). */
  hops: number;
  frames: number;
  phyBytes: number;
  /** Time on air of all its frames (every branch, every hop). */
  framesAirtimeMs: number;
  readonly energyUj: Record<'transmit' | 'receive' | 'compute' | 'idle', number>;
  /** Routed experts combined, per layer. */
  readonly experts: (readonly number[])[];
  /** Routed experts the gate chose that were dropped (unreachable, refused, or timed out). */
  expertsDropped: number;
  /** Routed experts the gate chose and skipped for the cost of their call (inference.skipExperts). */
  expertsSkipped: number;
  /** Shared experts dropped the same ways. */
  sharedExpertsDropped: number;
  /** The candidate experts the gate allowed, per layer (undefined: all), for the reference. */
  readonly candidates: (readonly number[] | undefined)[];
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

export function newTokenRecord(serial: number, request: number, position: number, input: number, kind: TokenRecord['kind'], startMs: number, layers: number): TokenRecord {
  return {
    serial,
    request,
    position,
    input,
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
    experts: Array.from({ length: layers }, () => []),
    expertsDropped: 0,
    expertsSkipped: 0,
    sharedExpertsDropped: 0,
    candidates: new Array<readonly number[] | undefined>(layers).fill(undefined),
    attempts: 1,
    matchesReference: undefined,
    status: 'running',
  };
}

/** Adds attributed ledger energy to a token. */
export function addEnergy(token: TokenRecord, state: EnergyState, energyUj: number): void {
  if (state === 'transmit' || state === 'receive' || state === 'compute' || state === 'idle') token.energyUj[state] += energyUj;
}

export const tokenJoules = (token: TokenRecord): number => (token.energyUj.transmit + token.energyUj.receive + token.energyUj.compute + token.energyUj.idle) / 1e6;
