/**
 * A sweep's plan: the `--set` flags expanded into combinations (run/sweep.ts), every
 * combination checked against the scenario schema before anything runs, and one planned run
 * per combination and seed, numbered in the order sweep.csv lists them. However the runs are
 * then spread (one process, child processes, shards on other machines), the plan is the same.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../scenario/errors.ts';
import { readScenario } from '../scenario/read-scenario.ts';
import { expandSweep, maxSweepCombinations, type SweptValue } from './sweep.ts';

export interface SweepOptions {
  /** The `--set` flags: several comma-separated values sweep a key, one value overrides it. */
  readonly sets: readonly string[];
  /** Seeds per combination (1 by default): the base seed, base + 1, … */
  readonly repeats?: number;
  /** The base seed; by default each combination's scenario seed. */
  readonly seed?: number;
}

/** One run of a sweep, checked and ready to simulate. */
export interface PlannedRun {
  /** 1-based, the row's place in sweep.csv. */
  readonly index: number;
  /** The `--set` overrides of this run. */
  readonly sets: readonly string[];
  readonly swept: readonly SweptValue[];
  readonly seed: number;
}

export interface SweepPlan {
  readonly file: string;
  /** The scenario's name (in the first combination). */
  readonly name: string;
  /** The scenario file's bytes, hashed: shards of one sweep must have read the same file. */
  readonly scenarioSha256: string;
  /** The `--set` flags as given. */
  readonly sets: readonly string[];
  /** The `--seed` given, if any. */
  readonly seed?: number;
  readonly combinations: number;
  readonly repeats: number;
  readonly runs: readonly PlannedRun[];
}

/**
 * Expands the sweep and checks every combination against the scenario schema before
 * anything runs, so that a bad value costs nothing and writes nothing.
 *
 * @example
 * planSweep('scenarios/aloha.yaml', { sets: ['groups.1.count=10,20'], repeats: 2 }).runs.map((run) => run.seed) // [1, 2, 1, 2]
 */
export function planSweep(file: string, options: SweepOptions): SweepPlan {
  const repeats = options.repeats ?? 1;
  if (!Number.isSafeInteger(repeats) || repeats < 1) throw new RangeError(`repeats must be an integer ≥ 1, got ${repeats}`);
  const combinations = expandSweep(options.sets);
  const total = combinations.length * repeats;
  if (total > maxSweepCombinations) {
    throw new InputError([{ path: '', message: `--repeats: expected at most ${maxSweepCombinations} runs in all, found ${combinations.length} combinations × ${repeats} seeds = ${total}` }]);
  }
  const scenarioSha256 = hashScenarioFile(file);
  let name: string | undefined;
  const runs: PlannedRun[] = [];
  for (const combination of combinations) {
    const first = runs.length + 1;
    let loaded;
    try {
      loaded = readScenario(file, { sets: combination.sets, ...(options.seed !== undefined && { seed: options.seed }) });
    } catch (error) {
      if (!(error instanceof InputError) || combination.swept.length === 0) throw error;
      const which = repeats > 1 ? `runs ${first}-${first + repeats - 1}` : `run ${first}`;
      throw new InputError([{ path: '', message: `in sweep ${which} of ${total} (${describeSwept(combination.swept)}):` }, ...error.issues]);
    }
    name ??= loaded.name;
    const base = loaded.scenario.seed;
    if (!Number.isSafeInteger(base + repeats - 1)) {
      throw new InputError([{ path: '', message: `--repeats: expected seeds up to ${Number.MAX_SAFE_INTEGER}, found seed ${base} + ${repeats - 1} repeats` }]);
    }
    for (let repeat = 0; repeat < repeats; repeat++) runs.push({ index: runs.length + 1, sets: combination.sets, swept: combination.swept, seed: base + repeat });
  }
  return { file, name: name!, scenarioSha256, sets: options.sets, ...(options.seed !== undefined && { seed: options.seed }), combinations: combinations.length, repeats, runs };
}

/**
 * A run as messages name it: its number, its swept values and its seed.
 *
 * @example
 * describeRun(plan, plan.runs[2]!) // 'run 3 of 4 (groups.1.count=20, seed 1)'
 */
export function describeRun(plan: SweepPlan, run: PlannedRun): string {
  const swept = describeSwept(run.swept.filter((value) => value.key !== 'seed'));
  return `run ${run.index} of ${plan.runs.length} (${swept === '' ? '' : `${swept}, `}seed ${run.seed})`;
}

function describeSwept(swept: readonly SweptValue[]): string {
  return swept.map(({ key, value }) => `${key}=${value}`).join(', ');
}

/** The file's SHA-256; an unreadable file is no combination's fault, so its error comes without a run's context. */
function hashScenarioFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    readScenario(file);
    throw new RangeError(`cannot read ${file}`);
  }
  return createHash('sha256').update(bytes).digest('hex');
}
