/**
 * What the nodes add to a token's record (records.ts) as it passes them: its hops and frames,
 * the energy attributed to it, the experts dropped or skipped, and what each layer's gate allowed
 * and combined. Each node adds to its own part of the token, in its own order of events; a
 * record's figures are the sum of its parts in node order, and each position and layer's
 * experts the latest choice (by time, then node), worked out from scratch whenever the record is
 * read. The figures are thus the same
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

/** A gate's choice at one position and layer, and when it was made. */
interface Choice {
  readonly atMs: number;
  readonly experts: readonly number[] | undefined;
}

/** A token's part at one node: its figures, and its choices by (position << 8 | layer). */
interface TokenPart {
  readonly figures: Float64Array;
  readonly combined: Map<number, Choice>;
  readonly allowed: Map<number, Choice>;
}

/** Per token serial, its parts by node (a checkpoint holds these). */
export type TokenBooksState = Map<number, Map<number, TokenPart>>;

/** A part as it travels from a worker to the coordinator: serial, node, figures, choices combined and allowed as [key, atMs, experts or null]. */
export type PartRow = [serial: number, node: number, figures: number[], combined: ChoiceRow[], allowed: ChoiceRow[]];
type ChoiceRow = [key: number, atMs: number, experts: number[] | null];

export interface TokenBooks {
  /** Adds `amount` to figure `field` of the token's part at `node`. */
  add(serial: number, node: number, field: number, amount: number): void;
  /** Adds energy the ledger attributed to the token, if in a state the record counts. */
  addEnergy(serial: number, node: number, state: EnergyState, energyUj: number): void;
  /** The routed experts combined at `node` for the pass's `position`-th position at `layer`, at `atMs`. */
  combined(serial: number, node: number, position: number, layer: number, atMs: number, experts: readonly number[]): void;
  /** The candidate experts the gate at `node` allowed there (undefined: all). */
  allowed(serial: number, node: number, position: number, layer: number, atMs: number, experts: readonly number[] | undefined): void;
  /** Sets the record's figures to the sums of its parts, in node order. */
  settle(token: TokenRecord): void;
  /** The parts changed since the last call, whole (what a worker reports after a window). */
  takeChanged(): PartRow[];
  /** Puts a part another process reported in place of the one held. */
  put(row: PartRow): void;
  readonly state: TokenBooksState;
  restore(state: TokenBooksState): void;
}

const isTokenEnergy = (state: EnergyState): state is TokenEnergyState => state === 'transmit' || state === 'receive' || state === 'compute' || state === 'idle';

/** The books of a model of `layers` layers; `reports`: the changed parts are kept for `takeChanged` (a worker's). */
export function createTokenBooks(layers: number, reports = false): TokenBooks {
  const books: TokenBooksState = new Map();
  /** The parts changed since `takeChanged`, as [serial, node]. */
  let changed = new Map<TokenPart, [number, number]>();

  function partOf(serial: number, node: number): TokenPart {
    let parts = books.get(serial);
    if (!parts) books.set(serial, (parts = new Map()));
    let part = parts.get(node);
    if (!part) parts.set(node, (part = { figures: new Float64Array(partLength), combined: new Map(), allowed: new Map() }));
    if (reports && !changed.has(part)) changed.set(part, [serial, node]);
    return part;
  }

  return {
    add(serial, node, field, amount) {
      partOf(serial, node).figures[field]! += amount;
    },
    addEnergy(serial, node, state, energyUj) {
      if (isTokenEnergy(state)) partOf(serial, node).figures[ENERGY + energyStates.indexOf(state)]! += energyUj;
    },
    combined(serial, node, position, layer, atMs, experts) {
      partOf(serial, node).combined.set((position << 8) | layer, { atMs, experts });
    },
    allowed(serial, node, position, layer, atMs, experts) {
      partOf(serial, node).allowed.set((position << 8) | layer, { atMs, experts });
    },
    settle(token) {
      const sums = new Float64Array(partLength);
      const parts = books.get(token.serial);
      const combined = new Map<number, Choice>();
      const allowed = new Map<number, Choice>();
      if (parts) {
        for (const node of [...parts.keys()].sort((a, b) => a - b)) {
          const part = parts.get(node)!;
          for (let f = 0; f < partLength; f++) sums[f]! += part.figures[f]!;
          latest(combined, part.combined);
          latest(allowed, part.allowed);
        }
      }
      for (const [key, choice] of combined) token.experts[(key >> 8) * layers + (key & 0xff)] = choice.experts!;
      for (const [key, choice] of allowed) token.candidates[key >> 8]![key & 0xff] = choice.experts;
      token.hops = sums[HOPS]!;
      token.frames = sums[FRAMES]!;
      token.phyBytes = sums[PHY_BYTES]!;
      token.framesAirtimeMs = sums[FRAMES_AIRTIME_MS]!;
      energyStates.forEach((state, k) => (token.energyUj[state] = sums[ENERGY + k]!));
      token.expertsDropped = sums[EXPERTS_DROPPED]!;
      token.expertsSkipped = sums[EXPERTS_SKIPPED]!;
      token.sharedExpertsDropped = sums[SHARED_EXPERTS_DROPPED]!;
    },
    takeChanged() {
      const rows: PartRow[] = [...changed].map(([part, [serial, node]]) => [serial, node, [...part.figures], choiceRows(part.combined), choiceRows(part.allowed)]);
      changed = new Map();
      return rows;
    },
    put([serial, node, figures, combined, allowed]) {
      let parts = books.get(serial);
      if (!parts) books.set(serial, (parts = new Map()));
      parts.set(node, { figures: Float64Array.from(figures), combined: choicesOf(combined), allowed: choicesOf(allowed) });
    },
    state: books,
    restore(state) {
      books.clear();
      for (const [serial, parts] of state) {
        books.set(serial, new Map([...parts].map(([node, part]) => [node, { figures: part.figures.slice(), combined: new Map(part.combined), allowed: new Map(part.allowed) }])));
      }
    },
  };
}

/** Keeps in `into` each key's latest choice; the nodes come in order, so a later node wins a tie. */
function latest(into: Map<number, Choice>, choices: ReadonlyMap<number, Choice>): void {
  for (const [key, choice] of choices) {
    const held = into.get(key);
    if (!held || choice.atMs >= held.atMs) into.set(key, choice);
  }
}

const choiceRows = (choices: ReadonlyMap<number, Choice>): ChoiceRow[] => [...choices].map(([key, choice]) => [key, choice.atMs, choice.experts ? [...choice.experts] : null]);
const choicesOf = (rows: readonly ChoiceRow[]): Map<number, Choice> => new Map(rows.map(([key, atMs, experts]) => [key, { atMs, experts: experts ?? undefined }]));

/** Why `row` is not a part a worker running `owns`'s nodes may report, or undefined (it crossed a trust boundary). */
export function partRowProblem(row: unknown, owns: (node: number) => boolean, layers: number): string | undefined {
  if (!Array.isArray(row) || row.length !== 5) return 'expected [serial, node, figures, combined, allowed]';
  const [serial, node, figures, combined, allowed] = row as unknown[];
  if (!isIndex(serial) || !isIndex(node)) return 'expected a serial and a node index';
  if (!owns(node)) return `a part of node ${node}, which it does not run`;
  if (!Array.isArray(figures) || figures.length !== partLength || !figures.every((f) => typeof f === 'number' && Number.isFinite(f))) return `expected ${partLength} finite figures`;
  for (const choices of [combined, allowed]) {
    if (!Array.isArray(choices) || choices.length > 256 * layers) return 'expected lists of choices';
    for (const choice of choices) {
      if (!Array.isArray(choice) || choice.length !== 3 || !isIndex(choice[0]) || (choice[0] & 0xff) >= layers || typeof choice[1] !== 'number' || !Number.isFinite(choice[1])) return 'expected choices as [key, atMs, experts]';
      const experts = choice[2] as unknown;
      if (experts !== null && (!Array.isArray(experts) || experts.length > 256 || !experts.every(isIndex))) return 'expected experts as a list of indices or null';
    }
  }
  return undefined;
}

const isIndex = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
