/**
 * Parameter sweeps, the pure part: `--set key=v1,v2,…` flags expanded into the cartesian
 * product of their values, and sweep.csv written from the runs' summaries. Running the
 * combinations is the CLI's (src/cli/commands/sweep.ts), through the same code as `run`.
 *
 * In a sweep, a comma separates values, except inside YAML flow collections and quotes, so
 * `radio.channelsMhz=[868.1],[868.1,868.3]` sweeps two channel plans. A `--set` with one
 * value is a plain override for every run, exactly as `loraswarm run` reads it.
 */
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../scenario/errors.ts';
import { parseOverride } from '../scenario/overrides.ts';

/** The most combinations one sweep may expand to. */
export const maxSweepCombinations = 10_000;

/** One `--set` flag of a sweep: its key and its values (one value: a plain override). */
export interface SweepSet {
  readonly key: string;
  readonly values: readonly string[];
  /** The flag as given. */
  readonly text: string;
}

/** A swept key and the value it takes in one combination, both as given. */
export interface SweptValue {
  readonly key: string;
  readonly value: string;
}

export interface SweepCombination {
  /** Every `--set` override of this combination, in the order of the flags. */
  readonly sets: readonly string[];
  /** The swept keys (those with several values) and their value here, in the order of the flags. */
  readonly swept: readonly SweptValue[];
}

/** One finished run of a sweep: a row of sweep.csv. */
export interface SweepRow {
  /** 1-based, in the order of the runs. */
  readonly run: number;
  readonly swept: readonly SweptValue[];
  readonly seed: number;
  /** The run's summary.json, parsed. */
  readonly summary: Readonly<Record<string, unknown>>;
}

type Scalar = string | number | boolean | null;

/**
 * Splits one `--set key=v1,v2,…` into its key and values. Keys and YAML values are checked
 * as `loraswarm run` checks them; an empty value between commas is refused.
 *
 * @example
 * parseSweepSet('groups.1.count=10,20') // { key: 'groups.1.count', values: ['10', '20'], text: … }
 */
export function parseSweepSet(text: string): SweepSet {
  const eq = text.indexOf('=');
  // parseOverride words the error for a flag with no key or an invalid one.
  if (eq <= 0) parseOverride(text);
  const key = text.slice(0, eq).trim();
  const pieces = splitTopLevel(text.slice(eq + 1));
  if (pieces.length === 1) {
    parseOverride(text);
    return { key, values: [text.slice(eq + 1)], text };
  }
  const values = pieces.map((piece) => piece.trim());
  const empty = values.findIndex((value) => value === '');
  if (empty >= 0) {
    throw new InputError([
      { path: key, message: `--set ${text}: expected a value between every two commas, found an empty value (value ${empty + 1} of ${values.length})` },
    ]);
  }
  for (const value of values) {
    try {
      parseOverride(`${key}=${value}`);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(error.issues.map((issue) => ({ ...issue, message: `${issue.message} (in --set ${text})` })));
    }
  }
  return { key, values, text };
}

/**
 * The cartesian product of the `--set` flags' values, the first flag varying slowest.
 *
 * @example
 * expandSweep(['a=1,2', 'b=x,y', 'c=0']).map((c) => c.sets)
 * // [['a=1', 'b=x', 'c=0'], ['a=1', 'b=y', 'c=0'], ['a=2', 'b=x', 'c=0'], ['a=2', 'b=y', 'c=0']]
 */
export function expandSweep(flags: readonly string[]): SweepCombination[] {
  const sets = flags.map(parseSweepSet);
  const swept = sets.filter((set) => set.values.length > 1);
  for (const set of swept) {
    const again = sets.find((other) => other !== set && other.key === set.key);
    if (again) {
      throw new InputError([{ path: set.key, message: `--set ${set.text}: expected a swept key to be set once, found it again in --set ${again.text}` }]);
    }
  }
  let count = 1;
  for (const set of swept) count *= set.values.length;
  if (count > maxSweepCombinations) {
    const factors = swept.map((set) => `${set.key}: ${set.values.length}`).join(' × ');
    throw new InputError([{ path: '', message: `--set: expected at most ${maxSweepCombinations} combinations, found ${count} (${factors})` }]);
  }
  const combinations: SweepCombination[] = [];
  for (let index = 0; index < count; index++) {
    // Mixed-radix digits of the index, the last swept flag the fastest.
    const chosen = new Map<SweepSet, string>();
    let rest = index;
    for (let i = swept.length - 1; i >= 0; i--) {
      const set = swept[i]!;
      chosen.set(set, set.values[rest % set.values.length]!);
      rest = Math.floor(rest / set.values.length);
    }
    combinations.push({
      sets: sets.map((set) => (chosen.has(set) ? `${set.key}=${chosen.get(set)!}` : set.text)),
      swept: swept.map((set) => ({ key: set.key, value: chosen.get(set)! })),
    });
  }
  return combinations;
}

/**
 * The scalar leaves of a summary with their dot paths, in the summary's key order. Nulls are
 * kept (an empty cell), so a figure that is null in one run keeps its column; lists
 * (`perNode`) are left out: per-node figures belong in nodes.csv, not in a column each.
 */
export function flattenSummary(summary: Readonly<Record<string, unknown>>): [string, Scalar][] {
  const leaves: [string, Scalar][] = [];
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') leaves.push([path, value]);
    else if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, path === '' ? key : `${path}.${key}`);
    }
  };
  visit(summary, '');
  return leaves;
}

/**
 * sweep.csv: `run`, the swept keys, `seed`, then every scalar leaf of the summaries
 * ({@link flattenSummary}) in the first run's order, keys first seen in later runs appended.
 * A leaf named like a leading column (`seed`) is not repeated.
 *
 * @example
 * sweepCsv([{ run: 1, swept: [{ key: 'radio.sf', value: '7' }], seed: 1, summary: { seed: 1, der: 0.9 } }])
 * // 'run,radio.sf,seed,der\n1,7,1,0.9\n'
 */
export function sweepCsv(rows: readonly SweepRow[]): string {
  // A swept `seed` shares the seed column, which holds the run's actual seed.
  const known = new Set(['run', ...(rows[0]?.swept.map((value) => value.key) ?? []), 'seed']);
  const columns = [...known];
  const cells = rows.map((row) => {
    const byColumn = new Map<string, Scalar>(flattenSummary(row.summary));
    for (const [path] of byColumn) {
      if (!known.has(path)) {
        known.add(path);
        columns.push(path);
      }
    }
    byColumn.set('run', row.run);
    for (const { key, value } of row.swept) byColumn.set(key, value);
    byColumn.set('seed', row.seed);
    return byColumn;
  });
  // A figure that is an object in some runs and null in others (`accuracy.toTarget` when a run
  // never reached the target) has its leaves' columns, empty in those runs; not a column of its own.
  const kept = columns.filter((column) => !(cells.every((byColumn) => (byColumn.get(column) ?? null) === null) && columns.some((other) => other.startsWith(`${column}.`))));
  const body = cells.map((byColumn) => kept.map((column) => byColumn.get(column) ?? null));
  return stringify([kept, ...body], { cast: { boolean: (value) => String(value) } });
}

/**
 * Splits at the commas that end a YAML node: those outside quoted scalars and flow
 * collections ([…], {…}). As in YAML, a quote or bracket opens one only where a node starts
 * (`it's` and `a[1]` are plain scalars).
 */
function splitTopLevel(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let atNodeStart = true;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      // Escapes: \" in double quotes, '' in single quotes.
      if (char === '\\' && quote === '"') i++;
      else if (char === "'" && quote === "'" && text[i + 1] === "'") i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === ',' && depth === 0) {
      pieces.push(text.slice(start, i));
      start = i + 1;
      atNodeStart = true;
    } else if (atNodeStart && (char === '"' || char === "'")) {
      quote = char;
      atNodeStart = false;
    } else if ((atNodeStart || depth > 0) && (char === '[' || char === '{')) {
      depth++;
      atNodeStart = true;
    } else if (depth > 0 && (char === ']' || char === '}')) {
      depth--;
      atNodeStart = false;
    } else if (depth > 0 && (char === ',' || char === ':')) {
      atNodeStart = true;
    } else if (char !== ' ' && char !== '\t') {
      atNodeStart = false;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}
