/**
 * What the nodes add to a token's record (records.ts) as it passes them: its hops and frames,
 * the energy attributed to it, the experts dropped or skipped. Each node adds to its own part of
 * the token, in its own order of events; a record's figures are the sum of its parts in node
 * order, worked out from scratch whenever the records are read. The figures are thus the same
 * whichever process each node ran in (a part travels whole: issue 22), and reading them, as the
 * live dashboard does mid-run, changes nothing.
 */
import type { EnergyState } from '../hw/energy-ledger.ts';
import type { TokenRecord } from './records.ts';

/** The figures of a token's part at one node, by index in a part. */
export const HOPS = 0;
export const FRAMES = 1;
export const PHY_BYTES = 2;
export const FRAMES_AIRTIME_MS = 3;
const ENERGY = 4;
export const EXPERTS_DROPPED = 8;
export const EXPERTS_SKIPPED = 9;
export const SHARED_EXPERTS_DROPPED = 10;
const partLength = 11;

const energyStates = ['transmit', 'receive', 'compute', 'idle'] as const;
type TokenEnergyState = (typeof energyStates)[number];

/** Per token serial, its parts by node (a checkpoint holds these). */
export type TokenBooksState = Map<number, Map<number, Float64Array>>;

export interface TokenBooks {
  /** Adds `amount` to figure `field` of the token's part at `node`. */
  add(serial: number, node: number, field: number, amount: number): void;
  /** Adds energy the ledger attributed to the token, if in a state the record counts. */
  addEnergy(serial: number, node: number, state: EnergyState, energyUj: number): void;
  /** Sets the record's figures to the sums of its parts, in node order. */
  settle(token: TokenRecord): void;
  readonly state: TokenBooksState;
  restore(state: TokenBooksState): void;
}

const isTokenEnergy = (state: EnergyState): state is TokenEnergyState => state === 'transmit' || state === 'receive' || state === 'compute' || state === 'idle';

export function createTokenBooks(): TokenBooks {
  const books: TokenBooksState = new Map();

  function partOf(serial: number, node: number): Float64Array {
    let parts = books.get(serial);
    if (!parts) books.set(serial, (parts = new Map()));
    let part = parts.get(node);
    if (!part) parts.set(node, (part = new Float64Array(partLength)));
    return part;
  }

  return {
    add(serial, node, field, amount) {
      partOf(serial, node)[field]! += amount;
    },
    addEnergy(serial, node, state, energyUj) {
      if (isTokenEnergy(state)) partOf(serial, node)[ENERGY + energyStates.indexOf(state)]! += energyUj;
    },
    settle(token) {
      const sums = new Float64Array(partLength);
      const parts = books.get(token.serial);
      if (parts) {
        for (const node of [...parts.keys()].sort((a, b) => a - b)) {
          const part = parts.get(node)!;
          for (let f = 0; f < partLength; f++) sums[f]! += part[f]!;
        }
      }
      token.hops = sums[HOPS]!;
      token.frames = sums[FRAMES]!;
      token.phyBytes = sums[PHY_BYTES]!;
      token.framesAirtimeMs = sums[FRAMES_AIRTIME_MS]!;
      energyStates.forEach((state, k) => (token.energyUj[state] = sums[ENERGY + k]!));
      token.expertsDropped = sums[EXPERTS_DROPPED]!;
      token.expertsSkipped = sums[EXPERTS_SKIPPED]!;
      token.sharedExpertsDropped = sums[SHARED_EXPERTS_DROPPED]!;
    },
    state: books,
    restore(state) {
      books.clear();
      for (const [serial, parts] of state) books.set(serial, new Map([...parts].map(([node, part]) => [node, part.slice()])));
    },
  };
}
