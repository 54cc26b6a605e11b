/**
 * `loraswarm size <scenario> --vary nodes=4..128 [--target-p95-latency 60s]
 * [--target-lifetime 30d] [--target-tokens-per-hour N] [--target-delivery-ratio 0.95]
 * [--target-accuracy 0.85] [--target-energy 3kJ] [--target-time-to-accuracy 6h]`: runs the
 * scenario at each count of one group (memory transport, several seeds, each MCU of --mcus and
 * each value of the other varied keys), and prints the count that meets every target (the
 * smallest, or the best by an objective), with 95 % confidence intervals and why; writes
 * sizing.csv, sizing-runs.csv and sizing.svg. Any workload: a served model (the group that holds
 * it), federated learning (the clients), or sensor traffic (any group: gateways, say).
 */
import { join } from 'node:path';
import { sizingSvg } from '../../metrics/sizing-plot.ts';
import { chooseBy, meets, nextBisection, objectives, parseCounts, SizingError, type CountResult, type Objective, type Targets } from '../../placement/sizing.ts';
import { mcuProfiles, type McuProfile } from '../../hw/mcu-profiles.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import { byObjective, sizeReport } from './size-report.ts';
import { capacityOf } from './size-capacity.ts';
import { sizingCsv, sizingRunsCsv } from './size-files.ts';
import { failureDraws, faultsSet } from './size-failures.ts';
import { inferenceFor } from '../../inference/load-model.ts';
import { PlacementError } from '../../placement/place.ts';
import { figuresOf, resultOf, simulatedLifetime, type RunFigures, type Workload } from './size-runs.ts';
import { batchSummaries } from './size-batch.ts';
import { jobsOption } from './sweep-options.ts';
import { UsageError } from '../exit.ts';
import { createProgress } from '../progress.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { openSweepDirectory, sweepDirectoryProblem } from './sweep.ts';
import { outPathOf } from '../../metrics/run-directory.ts';

export interface SizeCommandOptions {
  /** `nodes=…`, and any number of other `key=v1,v2` (a single string is taken as one). */
  readonly vary: string | readonly string[];
  readonly group?: string;
  readonly mcus?: string;
  readonly seeds: string;
  readonly seed?: number;
  readonly set: readonly string[];
  readonly targetP95Latency?: string;
  readonly targetLifetime?: string;
  readonly targetTokensPerHour?: string;
  readonly targetDeliveryRatio?: string;
  readonly targetAccuracy?: string;
  readonly targetEnergy?: string;
  readonly targetTimeToAccuracy?: string;
  readonly out?: string;
  readonly quiet?: boolean;
  /** Simulate each run to its first battery death instead of extrapolating the lifetime. */
  readonly toEnd?: boolean;
  /** What to choose by among the cases that meet the targets (default: nodes). */
  readonly objective?: string;
  /** Search each serving case's capacity (size-capacity.ts); implied by a tokens/h target. */
  readonly capacity?: boolean;
  /** N + k: nodes of the group that fail at the start of every run (size-failures.ts), and the draws per seed. */
  readonly failures?: string;
  readonly failureDraws?: string;
  /** Child processes that run the cases at once (default 1: in this process). */
  readonly jobs?: string;
}

/** One run of a sizing case: the variant at a count, a seed, and the nodes failed from the start (`tooFew`: fewer nodes than failures). */
interface CaseRun {
  readonly variant: string;
  readonly nodes: number;
  readonly seed: number;
  readonly sets: readonly string[];
  readonly failed: readonly string[];
  readonly tooFew: boolean;
}

function targetsOf(options: SizeCommandOptions): Targets {
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(text.trim()) ? `${text}s` : text);
    if (ms === undefined || !(ms > 0)) throw new UsageError(`${flag}: expected a duration such as 60s, 15min or 30d, found ${JSON.stringify(text)}`);
    return ms;
  };
  const positive = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value > 0)) throw new UsageError(`${flag}: expected a number > 0, found ${JSON.stringify(text)}`);
    return value;
  };
  const share = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value > 0 && value <= 1)) throw new UsageError(`${flag}: expected a share in (0, 1], e.g. 0.95, found ${JSON.stringify(text)}`);
    return value;
  };
  const lifetime = duration('--target-lifetime', options.targetLifetime);
  const targets: Record<keyof Targets, number | undefined> = {
    p95LatencyMs: duration('--target-p95-latency', options.targetP95Latency),
    lifetimeDays: lifetime === undefined ? undefined : lifetime / 86_400_000,
    tokensPerHour: positive('--target-tokens-per-hour', options.targetTokensPerHour),
    deliveryRatio: share('--target-delivery-ratio', options.targetDeliveryRatio),
    accuracy: share('--target-accuracy', options.targetAccuracy),
    energyJ: joules(options.targetEnergy),
    timeToAccuracyMs: duration('--target-time-to-accuracy', options.targetTimeToAccuracy),
  };
  return Object.fromEntries(Object.entries(targets).filter(([, value]) => value !== undefined)) as Targets;
}

/** A serving case's entry node (named, or where placement puts it; none when the model does not fit). */
function entryOf(file: string, sets: readonly string[], seed: number): string | undefined {
  const { scenario, swarm } = readScenario(file, { sets, seed });
  if (!scenario.inference) return undefined;
  if (scenario.inference.entry !== undefined) return scenario.inference.entry;
  try {
    return swarm.nodes[inferenceFor(scenario, swarm)!.plan.entry]?.id;
  } catch (error) {
    if (error instanceof PlacementError) return undefined;
    throw error;
  }
}

/** `--target-energy`: joules, e.g. 3000, 3000J, 3kJ or 2.5MJ. */
function joules(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(J|kJ|MJ)?\s*$/.exec(text);
  const value = match ? Number(match[1]) * ({ J: 1, kJ: 1e3, MJ: 1e6 } as Record<string, number>)[match[2] ?? 'J']! : Number.NaN;
  if (!(value > 0)) throw new UsageError(`--target-energy: expected joules such as 3000, 3000J or 3kJ, found ${JSON.stringify(text)}`);
  return value;
}

/** The group sized by default: the one that holds the model, the federated clients, or the first with a count. */
function defaultGroup(groups: readonly { count?: number | undefined; role: string; holdsUnits?: boolean | undefined }[], workload: Workload): number {
  if (workload === 'inference') return groups.findIndex((g) => g.count !== undefined && (g.holdsUnits ?? g.role === 'node'));
  if (workload === 'federated') return groups.findIndex((g) => g.count !== undefined && g.role !== 'sink');
  return groups.findIndex((g) => g.count !== undefined);
}

/** What a size command will run, from its options, every option checked before the first run (exit 2 with the reason). */
function sizePlan(file: string, options: SizeCommandOptions) {
  const varied = typeof options.vary === 'string' ? [options.vary] : options.vary;
  const nodeVaries = varied.filter((v) => /^\s*nodes\s*=/.test(v));
  const vary = nodeVaries.length === 1 ? /^\s*nodes\s*=\s*(.+)$/.exec(nodeVaries[0]!) : null;
  if (!vary) throw new UsageError(`--vary: expected exactly one nodes=a..b (or a list), found ${JSON.stringify(varied.join(' '))}`);
  const settings = otherSettings(varied.filter((v) => !nodeVaries.includes(v)));
  let counts: number[];
  try {
    counts = parseCounts(vary[1]!);
  } catch (error) {
    if (error instanceof SizingError) throw new UsageError(`--vary: ${error.message}`);
    throw error;
  }
  const seeds = Number(options.seeds);
  if (!/^\d+$/.test(options.seeds.trim()) || seeds < 1 || seeds > 100) throw new UsageError(`--seeds: expected a whole number 1..100, found ${JSON.stringify(options.seeds)}`);
  const targets = targetsOf(options);
  const objective = (options.objective ?? 'nodes') as Objective;
  if (!objectives.includes(objective)) throw new UsageError(`--objective: expected one of ${objectives.join(', ')}, found ${JSON.stringify(options.objective)}`);
  const base = readScenario(file, { sets: options.set, ...(options.seed !== undefined && { seed: options.seed }) });
  const workload: Workload = base.scenario.inference ? 'inference' : base.scenario.federated ? 'federated' : 'traffic';
  for (const [flag, key, needs] of [['--target-p95-latency', 'p95LatencyMs', 'inference'], ['--target-tokens-per-hour', 'tokensPerHour', 'inference'], ['--target-accuracy', 'accuracy', 'federated'], ['--target-time-to-accuracy', 'timeToAccuracyMs', 'federated']] as const) {
    if (targets[key] !== undefined && workload !== needs) throw new UsageError(`${flag}: expected a scenario that ${needs === 'inference' ? 'serves a model ("model" and "inference" blocks)' : 'trains a model ("federated" block)'}, found ${workload === 'traffic' ? 'neither' : `one that ${workload === 'inference' ? 'serves' : 'trains'} a model`} in ${file}`);
  }
  const groupIndex = options.group === undefined ? defaultGroup(base.scenario.groups, workload) : base.scenario.groups.findIndex((g) => g.name === options.group);
  const group = base.scenario.groups[groupIndex];
  const wantedGroup = workload === 'inference' ? 'a group with a count that holds model units' : 'a group with a count (a node list cannot vary)';
  if (!group || group.count === undefined) throw new UsageError(`--group: expected ${wantedGroup}${options.group ? `, found ${JSON.stringify(options.group)}` : ' in the scenario, found none'}`);
  // The accuracy target is the scenario's, so that the energy and time to reach it are measured against it.
  const targetSets = targets.accuracy !== undefined ? [`federated.targetAccuracy=${targets.accuracy}`] : [];
  // What a serving case sustains: asked for, or needed by a tokens/h target (capacity, not the scenario's request rate).
  const withCapacity = workload === 'inference' && (options.capacity === true || targets.tokensPerHour !== undefined);
  const failures = options.failures === undefined ? 0 : Number(options.failures);
  if (!Number.isInteger(failures) || failures < 0 || failures > 64) throw new UsageError(`--failures: expected a whole number of nodes 0..64, found ${JSON.stringify(options.failures)}`);
  const drawsPerSeed = options.failureDraws === undefined ? 3 : Number(options.failureDraws);
  if (!Number.isInteger(drawsPerSeed) || drawsPerSeed < 1 || drawsPerSeed > 100) throw new UsageError(`--failure-draws: expected a whole number 1..100, found ${JSON.stringify(options.failureDraws)}`);
  if (options.capacity && workload !== 'inference') throw new UsageError(`--capacity: expected a scenario that serves a model ("model" and "inference" blocks), found ${workload === 'federated' ? 'one that trains a model' : 'neither'} in ${file}`);
  const mcus = options.mcus === undefined ? [base.swarm.nodes.find((n) => n.group === group.name)!.mcu.id] : options.mcus.split(',').map((m) => m.trim());
  // A variant: an MCU and one value of each other varied key; its label names them.
  const combos = settings.reduce<string[][]>((acc, { key, values }) => acc.flatMap((sets) => values.map((value) => [...sets, `${key}=${value}`])), [[]]);
  const variantSets = new Map<string, { mcu: string; sets: string[] }>();
  for (const mcu of mcus) for (const sets of combos) variantSets.set([mcu, ...sets].join(' '), { mcu, sets: [...(options.mcus === undefined ? [] : [`groups.${groupIndex}.node.mcu=${mcu}`]), ...sets] });
  const variants = [...variantSets.keys()];
  const firstSeed = base.scenario.seed;
  const setsFor = (variant: string, nodes: number): string[] => [...options.set, ...targetSets, `groups.${groupIndex}.count=${nodes}`, ...variantSets.get(variant)!.sets];
  const mcuOf = (variant: string): string => variantSets.get(variant)!.mcu;
  // Every combination is validated before the first run (a bad MCU name, say).
  for (const variant of variants) readScenario(file, { sets: setsFor(variant, counts[0]!), seed: firstSeed });
  return { counts, seeds, targets, objective, base, workload, groupIndex, group, withCapacity, failures, drawsPerSeed, variantSets, variants, firstSeed, setsFor, mcuOf };
}

export async function sizeCommand(file: string, options: SizeCommandOptions, print: (text: string) => void, note: (text: string) => void): Promise<string> {
  const { counts, seeds, targets, objective, base, workload, groupIndex, group, withCapacity, failures, drawsPerSeed, variantSets, variants, firstSeed, setsFor, mcuOf } = sizePlan(file, options);
  // In this process unless asked: a child costs ~0.3 s to start, and the shipped sizings' runs
  // are shorter than that (docs/reference/cli.md, size).
  const jobs = options.jobs === undefined ? 1 : jobsOption(options.jobs);
  const outPath = outPathOf(options.out ?? join('runs', `${base.name}-sizing`));
  const problem = sweepDirectoryProblem(outPath, 'sizing.csv');
  if (problem) throw new UsageError(`--out: ${problem}`);
  const dir = openSweepDirectory(outPath);
  try {
    const progress = createProgress(`size ${base.name}`, note);
    const runs: RunFigures[] = [];
    let planned = variants.length * counts.length * seeds * (failures > 0 ? drawsPerSeed : 1);
    /** A run's figures, with the lifetime simulated to the end and the capacity when asked for. */
    const followedUp = async (figures: RunFigures, sets: readonly string[], seed: number): Promise<RunFigures> => {
      let followed = figures;
      if (options.toEnd && followed.feasible && Number.isFinite(followed.lifetimeDays)) followed = { ...followed, lifetimeDays: await simulatedLifetime(file, sets, seed, followed.lifetimeDays) };
      if (withCapacity && followed.feasible) {
        const capacity = await capacityOf(file, sets, seed, targets.p95LatencyMs);
        followed = { ...followed, capacityTokensPerHour: capacity.tokensPerHour, capacityBound: capacity.bound };
      }
      return followed;
    };
    /** The sized group's node ids in a case. */
    const groupNodeIds = (sets: readonly string[], seed: number): string[] => readScenario(file, { sets, seed }).swarm.nodes.filter((n) => n.group === group.name).map((n) => n.id);
    /** A case's runs: per seed, each draw of failing nodes (N + k; the entry never), or the case as it is. */
    const caseRuns = (variant: string, nodes: number): CaseRun[] =>
      Array.from({ length: seeds }, (_, s) => firstSeed + s).flatMap((seed): CaseRun[] => {
        const sets = setsFor(variant, nodes);
        const draws = failures === 0 ? [[]] : failureDraws(groupNodeIds(sets, seed).filter((id) => id !== entryOf(file, sets, seed)), failures, drawsPerSeed, seed, nodes);
        if (draws.length === 0) return [{ variant, nodes, seed, sets, failed: [], tooFew: true }];
        return draws.map((failed) => ({ variant, nodes, seed, sets: failed.length > 0 ? [...sets, faultsSet(base.scenario.faults ?? [], failed)] : sets, failed, tooFew: false }));
      });
    /** Runs the cases (variant, count) as one batch over the jobs, then takes their figures in order. */
    const runCases = async (cases: readonly (readonly [string, number])[]): Promise<CountResult[]> => {
      const batch = cases.flatMap(([variant, nodes]) => caseRuns(variant, nodes));
      const before = runs.length;
      const summaries = await batchSummaries(file, base.name, batch, jobs, (finished) => progress.update((before + finished) / planned));
      for (const [i, run] of batch.entries()) {
        const figures = figuresOf(file, run.sets, run.seed, run.variant, run.nodes, summaries[i]!);
        if (run.tooFew) {
          runs.push({ ...figures, feasible: false, why: `fewer than ${failures} nodes that may fail` });
          continue;
        }
        runs.push({ ...(await followedUp(figures, run.sets, run.seed)), failed: run.failed.join(' ') });
        progress.update(runs.length / planned);
        if (!process.stderr.isTTY && !options.quiet) note(`size: ${run.variant} × ${run.nodes}, seed ${run.seed}${run.failed.length > 0 ? `, failed ${run.failed.join(' ')}` : ''} (${runs.length}/${planned})\n`);
      }
      return cases.map(([variant, nodes]) => resultOf(runs, variant, nodes));
    };
    const results: CountResult[] = await runCases(variants.flatMap((variant) => counts.map((nodes) => [variant, nodes] as const)));
    // The true minimum: bisect between the ladder's last failing and first passing count.
    const bisected = new Set<string>();
    for (const variant of variants) {
      for (let next = nextBisection(results, targets, variant); next !== undefined; next = nextBisection(results, targets, variant)) {
        planned += seeds * (failures > 0 ? drawsPerSeed : 1);
        bisected.add(`${variant}/${next}`);
        results.push((await runCases([[variant, next]]))[0]!);
      }
    }
    progress.stop();
    results.sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.nodes - b.nodes);
    const priceOf = (variant: string): number | undefined => base.scenario.profiles?.mcus?.[mcuOf(variant)]?.unitPrice?.usd ?? (mcuProfiles as Readonly<Record<string, McuProfile>>)[mcuOf(variant)]?.unitPrice?.usd;
    const chosen = chooseBy(results, targets, variants, objective, priceOf);
    const setting = (variant: string): string => variantSets.get(variant)!.sets.filter((set) => !set.startsWith(`groups.${groupIndex}.node.mcu=`)).join(' ');
    const sizingFiles = { variants, mcuOf, setting, meetsTargets: (r: CountResult) => meets(r, targets), bisected: (r: CountResult) => bisected.has(`${r.variant}/${r.nodes}`) };
    dir.write('sizing.csv', sizingCsv(results, runs, sizingFiles));
    dir.write('sizing-runs.csv', sizingRunsCsv(runs, sizingFiles));
    dir.write('sizing.svg', sizingSvg(results, variants, { title: `${base.name}: sizing over ${seeds} seed${seeds > 1 ? 's' : ''}`, ...(chosen && { chosen }), targets, countLabel: `${group.name} (count)` }));
    dir.commit();
    const alternatives = variants.length > 1 || objective !== 'nodes' ? byObjective(results, targets, variants, priceOf) : '';
    const counted = [...counts, ...[...bisected].map((key) => Number(key.split('/')[1]))];
    const groupNote = workload === 'inference' && options.group === undefined ? '' : ` (group ${group.name})`;
    if (!options.quiet) print(sizeReport({ results, chosen, targets, counts: counted, variants, outPath, toEnd: options.toEnd === true, objective, alternatives, workload, groupNote, failureNote: failures > 0 ? ` after ${failures} node failure${failures > 1 ? 's' : ''} (${drawsPerSeed} draw${drawsPerSeed > 1 ? 's' : ''} per seed, every draw)` : '' }));
    return outPath;
  } catch (error) {
    dir.fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
}

/** The other keys varied (`key=v1,v2`), each with its values; a key may be given once. */
function otherSettings(varies: readonly string[]): { key: string; values: string[] }[] {
  const seen = new Set<string>();
  return varies.map((text) => {
    const match = /^\s*([A-Za-z][\w.-]*)\s*=\s*(.+)$/.exec(text);
    if (!match) throw new UsageError(`--vary: expected key=value1,value2 (a scenario key and its values), found ${JSON.stringify(text)}`);
    const key = match[1]!;
    if (seen.has(key)) throw new UsageError(`--vary: expected each key once, found ${key} twice`);
    seen.add(key);
    const values = match[2]!.split(',').map((value) => value.trim()).filter((value) => value !== '');
    if (values.length === 0) throw new UsageError(`--vary: expected values for ${key}, found none`);
    return { key, values };
  });
}
