/**
 * A token's part (token-books.ts) as it travels from a worker to the run's process in a window
 * report (engine-report.ts), and the checks it passes there: it crossed the network, so every
 * index is bounded by the run's model before it is used.
 */
import { isCount, isTime } from '../sim/value-checks.ts';
import type { Choice, TokenPart } from './token-books.ts';

/** The figures in a part (token-books.ts). */
export const partLength = 11;

/** A part's row: serial, node, figures, and its choices combined and allowed. */
export type PartRow = [serial: number, node: number, figures: number[], combined: ChoiceRow[], allowed: ChoiceRow[]];
/** A choice's row: key (`choiceKey`), attempt, time, experts (null: all). */
type ChoiceRow = [key: number, attempt: number, atMs: number, experts: number[] | null];

/** The key of a choice at the pass's `position`-th position and `layer`. */
export const choiceKey = (position: number, layer: number): number => position * 256 + layer;

export function rowOfPart(serial: number, node: number, part: TokenPart): PartRow {
  return [serial, node, [...part.figures], choiceRows(part.combined), choiceRows(part.allowed)];
}

export function partFromRow([, , figures, combined, allowed]: PartRow): TokenPart {
  return { figures: Float64Array.from(figures), combined: choicesOf(combined), allowed: choicesOf(allowed) };
}

const choiceRows = (choices: ReadonlyMap<number, Choice>): ChoiceRow[] => [...choices].map(([key, choice]) => [key, choice.attempt, choice.atMs, choice.experts ? [...choice.experts] : null]);
const choicesOf = (rows: readonly ChoiceRow[]): Map<number, Choice> => new Map(rows.map(([key, attempt, atMs, experts]) => [key, { attempt, atMs, experts: experts ?? undefined }]));

/** The bounds a part's indices must keep: the model's layers and experts, and the widest pass. */
export interface PartBounds {
  readonly layers: number;
  readonly experts: number;
  readonly positions: number;
}

/** Why `row` is not a part a worker running `owns`'s nodes may report, or undefined. */
export function partRowProblem(row: unknown, owns: (node: number) => boolean, bounds: PartBounds): string | undefined {
  if (!Array.isArray(row) || row.length !== 5) return 'expected [serial, node, figures, combined, allowed]';
  const [serial, node, figures, combined, allowed] = row as unknown[];
  if (!isCount(serial) || !isCount(node)) return 'expected a serial and a node index';
  if (!owns(node)) return `a part of node ${node}, which it does not run`;
  if (!Array.isArray(figures) || figures.length !== partLength || !figures.every((f) => typeof f === 'number' && Number.isFinite(f))) return `expected ${partLength} finite figures`;
  return choicesProblem(combined, bounds, false) ?? choicesProblem(allowed, bounds, true);
}

function choicesProblem(choices: unknown, bounds: PartBounds, allMayBe: boolean): string | undefined {
  if (!Array.isArray(choices) || choices.length > bounds.positions * bounds.layers) return 'expected lists of choices';
  for (const choice of choices) {
    if (!Array.isArray(choice) || choice.length !== 4) return 'expected choices as [key, attempt, atMs, experts]';
    const [key, attempt, atMs, experts] = choice as unknown[];
    if (!isCount(key) || key % 256 >= bounds.layers || Math.floor(key / 256) >= bounds.positions || !isCount(attempt) || !isTime(atMs)) return 'expected choices as [key, attempt, atMs, experts] within the model';
    if (experts === null && allMayBe) continue;
    if (!Array.isArray(experts) || experts.length > bounds.experts || !experts.every((e) => isCount(e) && e < bounds.experts)) return 'expected experts as a list of the model\'s experts';
  }
  return undefined;
}
