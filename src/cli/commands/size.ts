/**
 * `loraswarm size <scenario> --vary nodes=4..128 [--target-p95-latency 60s]
 * [--target-lifetime 30d] [--target-tokens-per-hour N]`: runs the scenario at each node count
 * (memory transport, several seeds, and each MCU of --mcus), and prints the smallest count that
 * meets every target, with 95 % confidence intervals; writes sizing.csv, sizing-runs.csv and
 * sizing.svg.
 */
import { humanDuration, humanEnergy } from '../../metrics/human-units.ts';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { round } from '../../metrics/stats.ts';
import { sizingSvg } from '../../metrics/sizing-plot.ts';
import { checkTargets, chooseBy, estimate, meets, nextBisection, objectives, parseCounts, SizingError, type CountResult, type Estimate, type Objective, type Targets } from '../../placement/sizing.ts';
import { mcuProfiles, type McuProfile } from '../../hw/mcu-profiles.ts';
import { PlacementError } from '../../placement/place.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import { UsageError } from '../exit.ts';
import { createProgress } from '../progress.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { simulateSummary } from '../../run/simulate-summary.ts';
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
  readonly out?: string;
  readonly quiet?: boolean;
  /** Simulate each run to its first battery death instead of extrapolating the lifetime. */
  readonly toEnd?: boolean;
  /** What to choose by among the cases that meet the targets (default: nodes). */
  readonly objective?: string;
}

interface RunFigures {
  readonly variant: string;
  readonly nodes: number;
  readonly seed: number;
  readonly feasible: boolean;
  readonly p95LatencyMs: number;
  readonly joulesPerToken: number;
  readonly lifetimeDays: number;
  readonly tokensPerHour: number;
  readonly completedShare: number;
  readonly nodesHoldingUnits: number;
  /** What binds: the memory that ran out, or the latency's largest part and the first battery to empty. */
  readonly why: string;
}

function targetsOf(options: SizeCommandOptions): Targets {
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(text.trim()) ? `${text}s` : text);
    if (ms === undefined || !(ms > 0)) throw new UsageError(`${flag}: expected a duration such as 60s, 15min or 30d, found ${JSON.stringify(text)}`);
    return ms;
  };
  const p95 = duration('--target-p95-latency', options.targetP95Latency);
  const lifetime = duration('--target-lifetime', options.targetLifetime);
  let tokens: number | undefined;
  if (options.targetTokensPerHour !== undefined) {
    tokens = Number(options.targetTokensPerHour);
    if (!(tokens > 0)) throw new UsageError(`--target-tokens-per-hour: expected a number > 0, found ${JSON.stringify(options.targetTokensPerHour)}`);
  }
  return { ...(p95 !== undefined && { p95LatencyMs: p95 }), ...(lifetime !== undefined && { lifetimeDays: lifetime / 86_400_000 }), ...(tokens !== undefined && { tokensPerHour: tokens }) };
}

export async function sizeCommand(file: string, options: SizeCommandOptions, print: (text: string) => void, note: (text: string) => void): Promise<string> {
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
  if (!base.scenario.inference) throw new UsageError(`${file}: expected a scenario that serves a model ("model" and "inference" blocks), found none`);
  const groupIndex = options.group === undefined ? base.scenario.groups.findIndex((g) => g.count !== undefined && (g.holdsUnits ?? g.role === 'node')) : base.scenario.groups.findIndex((g) => g.name === options.group);
  const group = base.scenario.groups[groupIndex];
  if (!group || group.count === undefined) throw new UsageError(`--group: expected a group with a count that holds model units${options.group ? `, found ${JSON.stringify(options.group)}` : ' in the scenario, found none'}`);
  const mcus = options.mcus === undefined ? [base.swarm.nodes.find((n) => n.group === group.name)!.mcu.id] : options.mcus.split(',').map((m) => m.trim());
  // A variant: an MCU and one value of each other varied key; its label names them.
  const combos = settings.reduce<string[][]>((acc, { key, values }) => acc.flatMap((sets) => values.map((value) => [...sets, `${key}=${value}`])), [[]]);
  const variantSets = new Map<string, { mcu: string; sets: string[] }>();
  for (const mcu of mcus) for (const sets of combos) variantSets.set([mcu, ...sets].join(' '), { mcu, sets: [...(options.mcus === undefined ? [] : [`groups.${groupIndex}.node.mcu=${mcu}`]), ...sets] });
  const variants = [...variantSets.keys()];
  const firstSeed = base.scenario.seed;
  const setsFor = (variant: string, nodes: number): string[] => [...options.set, `groups.${groupIndex}.count=${nodes}`, ...variantSets.get(variant)!.sets];
  const mcuOf = (variant: string): string => variantSets.get(variant)!.mcu;
  // Every combination is validated before the first run (a bad MCU name, say).
  for (const variant of variants) readScenario(file, { sets: setsFor(variant, counts[0]!), seed: firstSeed });
  const outPath = outPathOf(options.out ?? join('runs', `${base.name}-sizing`));
  const problem = sweepDirectoryProblem(outPath, 'sizing.csv');
  if (problem) throw new UsageError(`--out: ${problem}`);
  const dir = openSweepDirectory(outPath);
  try {
    const progress = createProgress(`size ${base.name}`);
    const runs: RunFigures[] = [];
    let planned = variants.length * counts.length * seeds;
    const runCount = async (variant: string, nodes: number): Promise<CountResult> => {
      for (let s = 0; s < seeds; s++) {
        const figures = await runOnce(file, setsFor(variant, nodes), firstSeed + s, variant, nodes);
        runs.push(options.toEnd && figures.feasible && Number.isFinite(figures.lifetimeDays) ? { ...figures, lifetimeDays: await simulatedLifetime(file, setsFor(variant, nodes), firstSeed + s, figures.lifetimeDays) } : figures);
        progress.update(runs.length / planned);
        if (!process.stderr.isTTY && !options.quiet) note(`size: ${variant} × ${nodes}, seed ${firstSeed + s} (${runs.length}/${planned})\n`);
      }
      return resultOf(runs, variant, nodes);
    };
    const results: CountResult[] = [];
    for (const variant of variants) for (const nodes of counts) results.push(await runCount(variant, nodes));
    // The true minimum: bisect between the ladder's last failing and first passing count.
    const bisected = new Set<string>();
    for (const variant of variants) {
      for (let next = nextBisection(results, targets, variant); next !== undefined; next = nextBisection(results, targets, variant)) {
        planned += seeds;
        bisected.add(`${variant}/${next}`);
        results.push(await runCount(variant, next));
      }
    }
    progress.stop();
    results.sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.nodes - b.nodes);
    const priceOf = (variant: string): number | undefined => base.scenario.profiles?.mcus?.[mcuOf(variant)]?.unitPrice?.usd ?? (mcuProfiles as Readonly<Record<string, McuProfile>>)[mcuOf(variant)]?.unitPrice?.usd;
    const chosen = chooseBy(results, targets, variants, objective, priceOf);
    const e = (x: Estimate | undefined, digits: number): (number | string)[] => (x ? [cell(x.mean, digits), cell(x.low, digits), cell(x.high, digits)] : ['', '', '']);
    const setting = (variant: string): string => variantSets.get(variant)!.sets.filter((set) => !set.startsWith(`groups.${groupIndex}.node.mcu=`)).join(' ');
    const header = ['mcu', 'nodes', 'feasible', 'seeds', 'p95LatencyMs', 'p95LatencyMsLow', 'p95LatencyMsHigh', 'joulesPerToken', 'joulesPerTokenLow', 'joulesPerTokenHigh', 'lifetimeDays', 'lifetimeDaysLow', 'lifetimeDaysHigh', 'tokensPerHour', 'tokensPerHourLow', 'tokensPerHourHigh', 'completedShare', 'meetsTargets', 'bisected', 'why', 'settings'];
    const rows = results.map((r) => [mcuOf(r.variant), r.nodes, r.feasible ? 1 : 0, r.p95LatencyMs?.n ?? 0, ...e(r.p95LatencyMs, 3), ...e(r.joulesPerToken, 9), ...e(r.lifetimeDays, 6), ...e(r.tokensPerHour, 6), r.completedShare ? round(r.completedShare.mean, 6) : '', meets(r, targets) ? 1 : 0, bisected.has(`${r.variant}/${r.nodes}`) ? 1 : 0, r.why ?? '', setting(r.variant)]);
    dir.write('sizing.csv', stringify([header, ...rows]));
    const ordered = [...runs].sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.nodes - b.nodes || a.seed - b.seed);
    dir.write('sizing-runs.csv', stringify([['mcu', 'nodes', 'seed', 'feasible', 'nodesHoldingUnits', 'p95LatencyMs', 'joulesPerToken', 'lifetimeDays', 'tokensPerHour', 'completedShare', 'why', 'settings'], ...ordered.map((r) => [mcuOf(r.variant), r.nodes, r.seed, r.feasible ? 1 : 0, r.nodesHoldingUnits, cell(r.p95LatencyMs, 3), cell(r.joulesPerToken, 9), cell(r.lifetimeDays, 6), cell(r.tokensPerHour, 6), cell(r.completedShare, 6), r.why, setting(r.variant)])]));
    dir.write('sizing.svg', sizingSvg(results, variants, { title: `${base.name}: sizing over ${seeds} seed${seeds > 1 ? 's' : ''}`, ...(chosen && { chosen }), targets }));
    dir.commit();
    const alternatives = variants.length > 1 || objective !== 'nodes' ? byObjective(results, targets, variants, priceOf) : '';
    if (!options.quiet) print(report(results, chosen, targets, [...counts, ...[...bisected].map((key) => Number(key.split('/')[1]))], variants, outPath, options.toEnd === true, objective, alternatives));
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

async function runOnce(file: string, sets: readonly string[], seed: number, variant: string, nodes: number): Promise<RunFigures> {
  let summary: Record<string, unknown>;
  try {
    summary = await simulateSummary(file, { sets, seed });
  } catch (error) {
    if (error instanceof PlacementError) {
      const why = error.shortfallBytes > 0 ? `${error.tier} short by ${error.shortfallBytes.toLocaleString('en')} B` : `${error.tier}: no room for ${error.unplaced.length > 1 ? `${error.unplaced.length} units` : error.unplaced[0]} (${error.extraNodes} more node${error.extraNodes > 1 ? 's' : ''} would hold ${error.unplaced.length > 1 ? 'them' : 'it'})`;
      return { variant, nodes, seed, feasible: false, p95LatencyMs: Number.NaN, joulesPerToken: Number.NaN, lifetimeDays: Number.NaN, tokensPerHour: Number.NaN, completedShare: 0, nodesHoldingUnits: 0, why };
    }
    throw error;
  }
  const s = summary as unknown as RunSummary;
  return {
    variant,
    nodes,
    seed,
    feasible: true,
    p95LatencyMs: s.latencyMs.p95 ?? Number.NaN,
    joulesPerToken: s.joulesPerToken.mean ?? Number.NaN,
    lifetimeDays: s.lifetime.days ?? Number.POSITIVE_INFINITY,
    tokensPerHour: s.tokensPerHour,
    completedShare: s.requests.total > 0 ? s.requests.complete / s.requests.total : 0,
    nodesHoldingUnits: s.inference.nodesHoldingUnits,
    why: whyOf(s),
  };
}

interface RunSummary {
  readonly latencyMs: { p95: number | null };
  readonly latencyComponentsMs: Readonly<Record<string, number>>;
  readonly joulesPerToken: { mean: number | null };
  readonly lifetime: { days: number | null; node?: string | null };
  readonly tokensPerHour: number;
  readonly dutyCycleUtilisation: Readonly<Record<string, number>>;
  readonly requests: { total: number; complete: number };
  readonly inference: { nodesHoldingUnits: number };
}

const latencyParts: Readonly<Record<string, string>> = {
  airtimeMs: 'airtime',
  queueingMs: 'queueing behind other frames',
  dutyCycleWaitMs: 'duty-cycle waits',
  wakeWaitMs: 'waits for wake windows',
  computeMs: 'compute',
  processingMs: 'processing',
  timeoutMs: 'timeouts and retries',
};

/** What a feasible run's latency is made of (its largest part, and the busiest transmitter) and whose battery empties first. */
function whyOf(s: RunSummary): string {
  const parts = Object.entries(s.latencyComponentsMs);
  const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
  const [largest, ms] = parts.reduce((most, part) => (part[1] > most[1] ? part : most), ['', 0] as [string, number]);
  const busiest = Object.entries(s.dutyCycleUtilisation).reduce((most, node) => (node[1] > most[1] ? node : most), ['', 0] as [string, number]);
  const latency = total > 0 ? `latency mostly ${latencyParts[largest] ?? largest} (${Math.round((100 * ms) / total)} %)` : 'no token latency';
  const duty = busiest[1] > 0 ? `; ${busiest[0]} uses ${Math.round(100 * busiest[1])} % of its duty cycle` : '';
  const battery = s.lifetime.node ? `; ${s.lifetime.node}'s battery empties first` : '';
  return `${latency}${duty}${battery}`;
}

/** A count's estimates over its feasible seeds, and what binds it (from its first seed). */
function resultOf(runs: readonly RunFigures[], variant: string, nodes: number): CountResult {
  const all = runs.filter((r) => r.variant === variant && r.nodes === nodes);
  const mine = all.filter((r) => r.feasible);
  const of = (f: (r: RunFigures) => number): Estimate | undefined => estimate(mine.map(f));
  return { nodes, variant, feasible: mine.length > 0, p95LatencyMs: of((r) => r.p95LatencyMs), joulesPerToken: of((r) => r.joulesPerToken), lifetimeDays: of((r) => r.lifetimeDays), tokensPerHour: of((r) => r.tokensPerHour), completedShare: of((r) => r.completedShare), why: all[0]?.why ?? '' };
}

/**
 * `--to-end`: runs the scenario again for 1.1 × the extrapolated lifetime (at most 400 days),
 * with a Poisson request count scaled to keep the request rate, and returns the first battery
 * node's death in days, or the simulated span when none died (a lower bound).
 */
async function simulatedLifetime(file: string, sets: readonly string[], seed: number, extrapolatedDays: number): Promise<number> {
  const { scenario } = readScenario(file, { sets, seed });
  const durationMs = Math.min(400 * 86_400_000, Math.max(scenario.duration, extrapolatedDays * 1.1 * 86_400_000));
  const requests = scenario.inference!.requests;
  const extra = [`duration=${Math.round(durationMs)}`];
  if (requests.kind === 'poisson') extra.push(`inference.requests.count=${Math.min(65_535, Math.ceil((requests.count * durationMs) / scenario.duration))}`);
  const summary = (await simulateSummary(file, { sets: [...sets, ...extra], seed })) as { drainedUntilMs: number; perNode: { battery: string; diedAtMs: number | null }[] };
  const deaths = summary.perNode.filter((node) => node.battery !== 'mains' && node.diedAtMs !== null).map((node) => node.diedAtMs!);
  return (deaths.length > 0 ? deaths.reduce((first, ms) => Math.min(first, ms)) : summary.drainedUntilMs) / 86_400_000;
}

function report(results: readonly CountResult[], chosen: CountResult | undefined, targets: Targets, counts: readonly number[], variants: readonly string[], outPath: string, toEnd: boolean, objective: Objective, alternatives: string): string {
  const ci = (x: Estimate | undefined, f: (v: number) => string): string => (x ? (x.n > 1 ? `${f(x.mean)} [${f(x.low)}, ${f(x.high)}]` : f(x.mean)) : '—');
  // Scaled to their unit: a 2 ms p95 or a 0.3 µJ token does not print as "0.0 s" or "0.0000".
  const sec = humanDuration;
  const header = ['mcu', 'nodes', 'p95 latency', 'energy/token', toEnd ? 'lifetime (simulated)' : 'lifetime (extrapolated)', 'tokens/h', 'done', 'meets'];
  const lines = results.map((r) => [r.variant, String(r.nodes), ...(r.feasible ? [ci(r.p95LatencyMs, sec), ci(r.joulesPerToken, humanEnergy), ci(r.lifetimeDays, (v) => `${v.toFixed(1)} d`), ci(r.tokensPerHour, (v) => v.toFixed(1)), r.completedShare ? `${(100 * r.completedShare.mean).toFixed(0)} %` : '—'] : ['model does not fit', '', '', '', '']), meets(r, targets) ? 'yes' : 'no']);
  const widths = header.map((h, i) => lines.reduce((width, l) => Math.max(width, l[i]!.length), h.length));
  const table = [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  const wanted = [
    targets.p95LatencyMs !== undefined ? `p95 latency ≤ ${sec(targets.p95LatencyMs)}` : undefined,
    targets.lifetimeDays !== undefined ? `lifetime ≥ ${targets.lifetimeDays} d` : undefined,
    targets.tokensPerHour !== undefined ? `≥ ${targets.tokensPerHour} tokens/h` : undefined,
  ].filter(Boolean);
  const low = counts.reduce((least, n) => Math.min(least, n), Number.POSITIVE_INFINITY);
  const high = counts.reduce((most, n) => Math.max(most, n), 0);
  const verdict = chosen
    ? `${objective === 'nodes' ? 'smallest' : `best by ${objective}`} that meets ${wanted.length > 0 ? wanted.join(', ') : 'the workload (every request served)'}: ${chosen.nodes} × ${chosen.variant}${variants.length > 1 && objective === 'nodes' ? (variants.some((v) => v.includes(' ')) ? ' (the first variant that does, in --mcus and --vary order)' : ' (the first MCU that does, in --mcus order)') : ''}; p95 latency ${ci(chosen.p95LatencyMs, sec)}, lifetime ${ci(chosen.lifetimeDays, (v) => `${v.toFixed(1)} d`)} (${toEnd ? 'simulated to the first battery death' : 'extrapolated from the simulated window'}), 95 % intervals over the seeds`
    : `no count in ${low}..${high} meets ${wanted.length > 0 ? wanted.join(', ') : 'the workload'}`;
  return `${table}\n\n${verdict}\n${whyLines(results, chosen, targets, variants).join('\n')}\n${alternatives}results in ${outPath}/ (sizing.csv, sizing-runs.csv, sizing.svg)\n`;
}

/** What each objective would choose among the cases that meet the targets, with its figure, so that an answer by one objective is explained against the others. */
function byObjective(results: readonly CountResult[], targets: Targets, variants: readonly string[], priceOf: (variant: string) => number | undefined): string {
  const figure: Record<Objective, (r: CountResult) => string> = {
    nodes: (r) => `${r.nodes} boards`,
    energy: (r) => `${humanEnergy(r.joulesPerToken?.mean ?? Number.NaN)} per token`,
    cost: (r) => `$${(r.nodes * priceOf(r.variant)!).toFixed(2)}: ${r.nodes} × $${priceOf(r.variant)}`,
    lifetime: (r) => `${(r.lifetimeDays?.low ?? 0).toFixed(1)} d`,
  };
  const picks = objectives.map((objective) => {
    const pick = chooseBy(results, targets, variants, objective, priceOf);
    return `${objective} → ${pick ? `${pick.nodes} × ${pick.variant} (${figure[objective](pick)})` : 'none'}`;
  });
  const unpriced = variants.filter((variant) => priceOf(variant) === undefined);
  return `  by objective (--objective): ${picks.join('; ')}${unpriced.length > 0 ? `; no unit price for ${unpriced.join(', ')}, so cost leaves ${unpriced.length > 1 ? 'them' : 'it'} out` : ''}\n`;
}

/**
 * Why: for the answer, its margin to each target, what binds it and what stops one board fewer;
 * without one, for each MCU, its largest count and what it misses by how much.
 */
function whyLines(results: readonly CountResult[], chosen: CountResult | undefined, targets: Targets, variants: readonly string[]): string[] {
  const sec = humanDuration;
  const show = (target: string, value: number): string => (target === 'p95 latency' ? sec(value) : target === 'lifetime' ? `${value.toFixed(1)} d` : value.toFixed(1));
  const misses = (r: CountResult): string => {
    if (!r.feasible) return `the model does not fit: ${r.why}`;
    const missed = checkTargets(r, targets).filter((c) => !c.met).map((c) => `${c.target} ${show(c.target, c.value)} against ${show(c.target, c.limit)} (${Math.round(100 * Math.abs(c.margin))} % ${c.target === 'p95 latency' ? 'over' : 'short'})`);
    if (r.completedShare && r.completedShare.low < 1) missed.push(`${Math.round(100 * (1 - r.completedShare.low))} % of the requests unserved`);
    return `${missed.join(', ')}${r.why ? `; ${r.why}` : ''}`;
  };
  if (chosen) {
    const margins = checkTargets(chosen, targets).map((c) => `${c.target} ${show(c.target, c.value)} against ${show(c.target, c.limit)} (margin ${Math.round(100 * c.margin)} %)`);
    const below = results.filter((r) => r.variant === chosen.variant && r.nodes < chosen.nodes).sort((a, b) => b.nodes - a.nodes)[0];
    return [
      `  why: ${[...margins, chosen.why].filter(Boolean).join('; ')}`,
      ...(below ? [`  ${below.nodes} × ${below.variant}${below.nodes === chosen.nodes - 1 ? ' (one fewer)' : ''} misses: ${misses(below)}`] : []),
    ];
  }
  return variants.flatMap((variant) => {
    const largest = results.filter((r) => r.variant === variant).sort((a, b) => b.nodes - a.nodes)[0];
    return largest ? [`  ${largest.nodes} × ${variant} misses: ${misses(largest)}`] : [];
  });
}

/** A figure rounded for a CSV cell; an empty cell when there is none (NaN, infinite), as in every other file. */
function cell(value: number, digits: number): number | string {
  return Number.isFinite(value) ? round(value, digits) : '';
}
