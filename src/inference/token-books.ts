/**
 * What the nodes add to a token's record (records.ts) as it passes them: its hops and frames,
 * the energy attributed to it, the experts dropped or skipped, and what each layer's gate
 * allowed and combined. Each node adds to its own part of the token, in its own order of
 * events. A record's figures are the sum of its parts in node order, and each position and
 * layer's experts the choice of the latest attempt (then the latest time, then the highest
 * node), worked out from scratch for the tokens whose parts changed. The figures are thus the
 * same whichever process each node ran in (a part travels whole: issue 22), and reading them, as
 * the live dashboard does mid-run, changes nothing.
 */
import { attributedIndex, attributedStates, type EnergyState } from '../hw/energy-ledger-types.ts';
import type { TokenRecord } from './records.ts';
import { choiceKey, partFromRow, partLength, rowOfPart, type PartRow } from './token-part-rows.ts';
import { createPartBooks, type PartBooksState } from '../sim/part-books.ts';

/** The figures of a token's part at one node, by index in a part. */
export const HOPS = 0;
export const FRAMES = 1;
export const PHY_BYTES = 2;
export const FRAMES_AIRTIME_MS = 3;
const ENERGY = 4;
export const EXPERTS_DROPPED = 8;
export const EXPERTS_SKIPPED = 9;
export const SHARED_EXPERTS_DROPPED = 10;


/** A gate's choice at one position and layer: on which attempt of the token, when, and the experts. */
export interface Choice {
  readonly attempt: number;
  readonly atMs: number;
  readonly experts: readonly number[] | undefined;
}

/** A token's part at one node: its figures, and its choices by `choiceKey(position, layer)`. */
export interface TokenPart {
  readonly figures: Float64Array;
  readonly combined: Map<number, Choice>;
  readonly allowed: Map<number, Choice>;
}

/** Per token serial, its parts by node (a checkpoint holds these). */
export type TokenBooksState = PartBooksState<TokenPart>;

/** Where a gate's choice was made: the token, the node, the position in the pass and the layer, the attempt, the time. */
export interface ChoiceAt {
  readonly serial: number;
  readonly node: number;
  readonly position: number;
  readonly layer: number;
  readonly attempt: number;
  readonly atMs: number;
}

export interface TokenBooks {
  /** Adds `amount` to figure `field` of the token's part at `node`. */
  add(serial: number, node: number, field: number, amount: number): void;
  /** Adds energy the ledger attributed to the token, if in a state the record counts. */
  addEnergy(serial: number, node: number, state: EnergyState, energyUj: number): void;
  /** The routed experts combined there. */
  combined(at: ChoiceAt, experts: readonly number[]): void;
  /** The candidate experts the gate allowed there (undefined: all). */
  allowed(at: ChoiceAt, experts: readonly number[] | undefined): void;
  /** Sets the record's figures and choices from its parts. */
  settle(token: TokenRecord): void;
  /** Settles the tokens whose parts changed since they were last settled. */
  settleChanged(tokenOf: (serial: number) => TokenRecord | undefined): void;
  /** The parts changed since the last call, whole (what a worker reports after a window). */
  takeChanged(): PartRow[];
  /** Puts a part another process reported in place of the one held. */
  put(row: PartRow): void;
  readonly state: TokenBooksState;
  restore(state: TokenBooksState): void;
}


/** The books of a model of `layers` layers; `reports`: the changed parts are kept for `takeChanged` (a worker's). */
export function createTokenBooks(layers: number, reports = false): TokenBooks {
  const books = createPartBooks<TokenPart>(() => ({ figures: new Float64Array(partLength), combined: new Map(), allowed: new Map() }), reports);
  const partOf = books.partOf;

  function settle(token: TokenRecord): void {
    const sums = new Float64Array(partLength);
    const combined = new Map<number, Choice>();
    const allowed = new Map<number, Choice>();
    for (const part of books.settle(token.serial)) {
      for (let f = 0; f < partLength; f++) sums[f]! += part.figures[f]!;
      keepLatest(combined, part.combined);
      keepLatest(allowed, part.allowed);
    }
    token.hops = sums[HOPS]!;
    token.frames = sums[FRAMES]!;
    token.phyBytes = sums[PHY_BYTES]!;
    token.framesAirtimeMs = sums[FRAMES_AIRTIME_MS]!;
    attributedStates.forEach((state, k) => (token.energyUj[state] = sums[ENERGY + k]!));
    token.expertsDropped = sums[EXPERTS_DROPPED]!;
    token.expertsSkipped = sums[EXPERTS_SKIPPED]!;
    token.sharedExpertsDropped = sums[SHARED_EXPERTS_DROPPED]!;
    for (const [key, choice] of combined) {
      const position = Math.floor(key / 256);
      if (position < token.positions) token.experts[position * layers + (key % 256)] = choice.experts ?? [];
    }
    for (const [key, choice] of allowed) {
      const row = token.candidates[Math.floor(key / 256)];
      if (row && key % 256 < row.length) row[key % 256] = choice.experts;
    }
  }

  return {
    add(serial, node, field, amount) {
      partOf(serial, node).figures[field]! += amount;
    },
    addEnergy(serial, node, state, energyUj) {
      const k = attributedIndex(state);
      if (k >= 0) partOf(serial, node).figures[ENERGY + k]! += energyUj;
    },
    combined(at, experts) {
      partOf(at.serial, at.node).combined.set(choiceKey(at.position, at.layer), { attempt: at.attempt, atMs: at.atMs, experts });
    },
    allowed(at, experts) {
      partOf(at.serial, at.node).allowed.set(choiceKey(at.position, at.layer), { attempt: at.attempt, atMs: at.atMs, experts });
    },
    settle,
    settleChanged(tokenOf) {
      for (const serial of [...books.unsettled]) {
        const token = tokenOf(serial);
        if (token) settle(token);
      }
    },
    takeChanged: () => books.takeChanged().map(([serial, node, part]) => rowOfPart(serial, node, part)),
    put(row) {
      const [serial, node] = row;
      books.put(serial, node, partFromRow(row));
    },
    state: books.state,
    restore: (state) => books.restore(state, (part) => ({ figures: part.figures.slice(), combined: new Map(part.combined), allowed: new Map(part.allowed) })),
  };
}

/**
 * Keeps in `into` each key's choice of the latest attempt, then the latest time; the nodes come
 * in order, so a later node wins a tie. A stale attempt's choice, made after a new attempt's,
 * does not count.
 */
function keepLatest(into: Map<number, Choice>, choices: ReadonlyMap<number, Choice>): void {
  for (const [key, choice] of choices) {
    const held = into.get(key);
    if (!held || choice.attempt > held.attempt || (choice.attempt === held.attempt && choice.atMs >= held.atMs)) into.set(key, choice);
  }
}
