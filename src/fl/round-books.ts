/**
 * What the nodes add to a round's figures (round-types.ts) as its frames go out and its energy
 * is booked: frames, airtime, bytes up and down, the ledger energy attributed to it, the
 * clients that straggled, the chunks sent again or rebuilt from parity, and the clients'
 * training losses (summed with their count: the round's training loss is their mean). Each
 * node adds to its own part of the round, in its own order of events; a round's figures are its
 * parts summed in node order, set afresh for the rounds whose parts changed whenever the rounds
 * are read. The figures are thus the same whichever process each node runs in (issue 22).
 */
import { attributedIndex, attributedStates, type EnergyState } from '../hw/energy-ledger-types.ts';
import type { RoundStats } from './round-types.ts';
import { createPartBooks, type PartBooksState } from '../sim/part-books.ts';

const FRAMES = 0;
const AIRTIME_MS = 1;
const BYTES_UP = 2;
const BYTES_DOWN = 3;
const ENERGY = 4;
const counted = ['stragglers', 'resentChunks', 'recoveredChunks'] as const;
const COUNTS = 8;
const LOSS_SUM = COUNTS + counted.length;
const LOSS_COUNT = LOSS_SUM + 1;
const partLength = LOSS_COUNT + 1;

/** What a node counts towards a round beside its frames. */
export type RoundCount = (typeof counted)[number];

/** Per round number, its parts by node (a checkpoint holds these). */
export type RoundBooksState = PartBooksState<Float64Array>;

/** A node's part of a round as a worker reports it: [round, node, figures…] (partLength figures). */
export type RoundPartRow = number[];

/** How many figures a part holds. */
export const roundPartLength = partLength;

/** What is wrong with a part's figures from another process: counts are whole and ≥ 0, airtime and energy finite and ≥ 0, the loss sum finite. */
export function partFiguresProblem(figures: readonly unknown[]): string | undefined {
  for (let f = 0; f < partLength; f++) {
    const v = figures[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) return `figure ${f} is not a finite number`;
    if (f === LOSS_SUM) continue;
    if (v < 0) return `figure ${f} is negative`;
    const whole = f === FRAMES || f === BYTES_UP || f === BYTES_DOWN || f === LOSS_COUNT || (f >= COUNTS && f < LOSS_SUM);
    if (whole && !Number.isSafeInteger(v)) return `figure ${f} is not a whole number`;
  }
  return undefined;
}

export interface RoundBooks {
  /** A frame of `round` went on the air from `node`: downlink when the coordinator sent it. */
  frame(round: number, node: number, airtimeMs: number, bytes: number, downlink: boolean): void;
  /** Energy `node`'s ledger attributed to `round`, if in a state the figures count. */
  energy(round: number, node: number, state: EnergyState, energyUj: number): void;
  /** `node` counts `n` more of `what` towards `round`. */
  count(round: number, node: number, what: RoundCount, n: number): void;
  /** `node`'s training loss in `round` (a round's training loss is the mean of its clients'). */
  loss(round: number, node: number, loss: number): void;
  /** Sets the figures of the rounds whose parts changed since they were last set. */
  settle(rounds: readonly RoundStats[]): void;
  /** The parts changed since the last call, whole (a worker's report). */
  takeChanged(): RoundPartRow[];
  /** Puts a part another process reported in place of the one held. */
  put(row: RoundPartRow): void;
  readonly state: RoundBooksState;
  restore(state: RoundBooksState): void;
}

/** `reports`: the changed parts are kept for `takeChanged` (a worker's books). */
export function createRoundBooks(reports = false): RoundBooks {
  const books = createPartBooks<Float64Array>(() => new Float64Array(partLength), reports);
  const partOf = books.partOf;

  return {
    frame(round, node, airtimeMs, bytes, downlink) {
      const part = partOf(round, node);
      part[FRAMES]!++;
      part[AIRTIME_MS]! += airtimeMs;
      part[downlink ? BYTES_DOWN : BYTES_UP]! += bytes;
    },
    energy(round, node, state, energyUj) {
      const k = attributedIndex(state);
      if (k >= 0) partOf(round, node)[ENERGY + k]! += energyUj;
    },
    count(round, node, what, n) {
      partOf(round, node)[COUNTS + counted.indexOf(what)]! += n;
    },
    loss(round, node, loss) {
      const part = partOf(round, node);
      part[LOSS_SUM]! += loss;
      part[LOSS_COUNT]!++;
    },
    settle(rounds) {
      for (const round of [...books.unsettled]) {
        const stats = rounds[round - 1];
        if (!stats) continue;
        const sums = new Float64Array(partLength);
        for (const part of books.settle(round)) for (let f = 0; f < partLength; f++) sums[f]! += part[f]!;
        stats.frames = sums[FRAMES]!;
        stats.airtimeMs = sums[AIRTIME_MS]!;
        stats.bytesUp = sums[BYTES_UP]!;
        stats.bytesDown = sums[BYTES_DOWN]!;
        attributedStates.forEach((state, k) => (stats.energyUj[state] = sums[ENERGY + k]!));
        counted.forEach((what, k) => (stats[what] = sums[COUNTS + k]!));
        stats.trainLoss = sums[LOSS_COUNT]! > 0 ? sums[LOSS_SUM]! / sums[LOSS_COUNT]! : Number.NaN;
      }
    },
    takeChanged: () => books.takeChanged().map(([round, node, part]) => [round, node, ...part]),
    put(row) {
      const [round, node] = row as [number, number];
      books.put(round, node, Float64Array.from(row.slice(2)));
    },
    state: books.state,
    restore: (state) => books.restore(state, (part) => part.slice()),
  };
}
