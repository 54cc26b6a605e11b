/**
 * What `loraswarm size` prints (issue 19): the table of cases with the figures of the workload
 * (a served model: latency, energy per token, tokens per hour, requests done; a federated run:
 * accuracy, energy and time to the accuracy target; sensor traffic: delivery ratio and energy;
 * every workload: lifetime), the answer with its intervals, why (the margin to each target and
 * what binds, and what the case below misses), and what each objective would choose.
 */
import { humanDuration, humanEnergy } from '../../metrics/human-units.ts';
import { checkTargets, chooseBy, meets, objectives, targetKinds, type CountResult, type Estimate, type Objective, type TargetName, type Targets } from '../../placement/sizing.ts';
import type { Workload } from './size-runs.ts';

export interface SizeReport {
  readonly results: readonly CountResult[];
  readonly chosen: CountResult | undefined;
  readonly targets: Targets;
  /** Every count tried (the ladder and the bisection). */
  readonly counts: readonly number[];
  readonly variants: readonly string[];
  readonly outPath: string;
  readonly toEnd: boolean;
  readonly objective: Objective;
  /** The "by objective" line, or empty. */
  readonly alternatives: string;
  readonly workload: Workload;
  /** The group whose count varies, named when it is not the one that holds the model. */
  readonly groupNote: string;
  /** N + k: e.g. " after 1 node failure (3 draws per seed)", or empty. */
  readonly failureNote: string;
}

const days = (v: number): string => `${v.toFixed(1)} d`;
const share = (v: number): string => v.toFixed(3);

/** How each target's figure prints. */
const formats: Readonly<Record<TargetName, (v: number) => string>> = {
  'p95 latency': humanDuration,
  lifetime: days,
  'tokens/h': (v) => v.toFixed(1),
  'delivery ratio': share,
  accuracy: share,
  energy: humanEnergy,
  'time to accuracy': humanDuration,
};

interface Column {
  readonly header: string;
  /** The target it shows, if one can be set on it. */
  readonly target?: TargetName;
  readonly value: (r: CountResult) => Estimate | undefined;
  readonly format: (v: number) => string;
  readonly workloads: readonly Workload[];
}

/** Every column; the table shows the workload's and those with a target. */
function columns(workload: Workload, toEnd: boolean): Column[] {
  const lifetime = toEnd ? 'lifetime (simulated)' : 'lifetime (extrapolated)';
  const all: Column[] = [
    { header: 'p95 latency', target: 'p95 latency', value: (r) => r.p95LatencyMs, format: humanDuration, workloads: ['inference'] },
    { header: 'energy/token', value: (r) => r.joulesPerToken, format: humanEnergy, workloads: ['inference'] },
    { header: 'accuracy', target: 'accuracy', value: (r) => r.accuracy, format: share, workloads: ['federated'] },
    { header: workload === 'federated' ? 'energy to accuracy' : 'energy', target: 'energy', value: (r) => r.energyJ, format: humanEnergy, workloads: ['federated', 'traffic'] },
    { header: 'time to accuracy', target: 'time to accuracy', value: (r) => r.timeToAccuracyMs, format: humanDuration, workloads: ['federated'] },
    { header: 'delivery ratio', target: 'delivery ratio', value: (r) => r.deliveryRatio, format: share, workloads: ['traffic'] },
    { header: lifetime, target: 'lifetime', value: (r) => r.lifetimeDays, format: days, workloads: ['inference', 'federated', 'traffic'] },
    { header: 'tokens/h', value: (r) => r.tokensPerHour, format: (v) => v.toFixed(1), workloads: ['inference'] },
    { header: 'capacity tokens/h', target: 'tokens/h', value: (r) => r.capacity, format: (v) => v.toFixed(1), workloads: [] },
  ];
  return all;
}

const ci = (x: Estimate | undefined, f: (v: number) => string): string => (x ? (x.n > 1 ? `${f(x.mean)} [${f(x.low)}, ${f(x.high)}]` : f(x.mean)) : '—');

export function sizeReport(input: SizeReport): string {
  const { results, chosen, targets, counts, variants, toEnd, objective, workload } = input;
  const shown = columns(workload, toEnd).filter((column) => (column.target !== undefined && targets[targetKey(column.target)] !== undefined) || column.workloads.includes(workload) || (column.workloads.length === 0 && results.some((r) => column.value(r))));
  const done = workload === 'inference';
  const header = ['mcu', 'nodes', ...shown.map((c) => c.header), ...(done ? ['done'] : []), 'meets'];
  const lines = results.map((r) => [
    r.variant,
    String(r.nodes),
    ...(r.feasible ? [...shown.map((c) => ci(c.value(r), c.format)), ...(done ? [r.completedShare ? `${(100 * r.completedShare.mean).toFixed(0)} %` : '—'] : [])] : ['model does not fit', ...shown.slice(1).map(() => ''), ...(done ? [''] : [])]),
    meets(r, targets) ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => lines.reduce((width, l) => Math.max(width, l[i]!.length), h.length));
  const table = [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  const wanted = wantedOf(targets);
  const low = counts.reduce((least, n) => Math.min(least, n), Number.POSITIVE_INFINITY);
  const high = counts.reduce((most, n) => Math.max(most, n), 0);
  const workloadText = workload === 'inference' ? 'the workload (every request served)' : 'the workload';
  const verdict = chosen
    ? `${objective === 'nodes' ? 'smallest' : `best by ${objective}`} that meets ${wanted.length > 0 ? wanted.join(', ') : workloadText}${input.failureNote}: ${chosen.nodes} × ${chosen.variant}${input.groupNote}${variants.length > 1 && objective === 'nodes' ? (variants.some((v) => v.includes(' ')) ? ' (the first variant that does, in --mcus and --vary order)' : ' (the first MCU that does, in --mcus order)') : ''}; ${answerFigures(chosen, workload)} (${toEnd ? 'simulated to the first battery death' : 'extrapolated from the simulated window'}), 95 % intervals over the seeds${input.failureNote ? ' and draws' : ''}`
    : `no count in ${low}..${high} meets ${wanted.length > 0 ? wanted.join(', ') : workloadText}${input.failureNote}`;
  return `${table}\n\n${verdict}\n${whyLines(results, chosen, targets, variants).join('\n')}\n${capacityLines(results, variants)}${input.alternatives}results in ${input.outPath}/ (sizing.csv, sizing-runs.csv, sizing.svg)\n`;
}

/** The Targets key of a target's name (sizing.ts's targetKinds pairs them). */
function targetKey(target: TargetName): keyof Targets {
  return targetKinds.find((kind) => kind.target === target)!.key;
}

/** The targets as the verdict lists them, e.g. "p95 latency ≤ 200.0 s". */
function wantedOf(targets: Targets): string[] {
  return [
    targets.p95LatencyMs !== undefined ? `p95 latency ≤ ${humanDuration(targets.p95LatencyMs)}` : undefined,
    targets.lifetimeDays !== undefined ? `lifetime ≥ ${targets.lifetimeDays} d` : undefined,
    targets.tokensPerHour !== undefined ? `≥ ${targets.tokensPerHour} tokens/h sustained` : undefined,
    targets.deliveryRatio !== undefined ? `delivery ratio ≥ ${targets.deliveryRatio}` : undefined,
    targets.accuracy !== undefined ? `accuracy ≥ ${targets.accuracy}` : undefined,
    targets.energyJ !== undefined ? `energy ≤ ${humanEnergy(targets.energyJ)}` : undefined,
    targets.timeToAccuracyMs !== undefined ? `accuracy within ${humanDuration(targets.timeToAccuracyMs)}` : undefined,
  ].filter((text): text is string => text !== undefined);
}

/** The answer's figures with their intervals, ending with its lifetime. */
function answerFigures(chosen: CountResult, workload: Workload): string {
  const figures: [string, Estimate | undefined, (v: number) => string][] =
    workload === 'inference'
      ? [['p95 latency', chosen.p95LatencyMs, humanDuration], ...(chosen.capacity ? [['capacity', chosen.capacity, (v: number) => `${v.toFixed(1)} tokens/h`] as [string, Estimate | undefined, (v: number) => string]] : [])]
      : workload === 'federated'
        ? [
            ['accuracy', chosen.accuracy, share],
            ['energy to accuracy', chosen.energyJ, humanEnergy],
            ['time to accuracy', chosen.timeToAccuracyMs, humanDuration],
          ]
        : [
            ['delivery ratio', chosen.deliveryRatio, share],
            ['energy', chosen.energyJ, humanEnergy],
          ];
  return [...figures, ['lifetime', chosen.lifetimeDays, days] as [string, Estimate | undefined, (v: number) => string]].map(([label, x, f]) => `${label} ${ci(x, f)}`).join(', ');
}

/**
 * How capacity moves with the count, per variant: from which count more boards stop raising it
 * (within 5 % of the most any larger count sustains) and what binds it there, or that it still
 * grows at the largest count tried.
 */
function capacityLines(results: readonly CountResult[], variants: readonly string[]): string {
  return variants
    .flatMap((variant) => {
      const line = results.filter((r) => r.variant === variant && r.capacity).sort((a, b) => a.nodes - b.nodes);
      if (line.length === 0) return [];
      const figures = line.map((r) => `${r.nodes}: ${r.capacity!.mean.toFixed(1)}`).join(', ');
      const last = line[line.length - 1]!;
      const plateau = line.find((r, i) => line.slice(i).every((later) => later.capacity!.mean <= r.capacity!.mean * 1.05));
      const bound = plateau?.why?.match(/capacity bound by (.*)$/)?.[1];
      const verdict =
        line.length > 1 && plateau && plateau !== last
          ? `more boards stop raising it from ${plateau.nodes} on (${plateau.capacity!.mean.toFixed(1)} tokens/h): bound by ${bound ?? 'what binds that count'}`
          : `bound at ${last.nodes} by ${last.why?.match(/capacity bound by (.*)$/)?.[1] ?? 'what binds that count'}${line.length > 1 && line[0]!.capacity!.mean < last.capacity!.mean * 0.95 ? '; it still grows at the largest count tried' : ''}`;
      return [`  capacity of ${variant} (tokens/h by count): ${figures}; ${verdict}`];
    })
    .map((text) => `${text}\n`)
    .join('');
}

/** What each objective would choose among the cases that meet the targets, with its figure, so that an answer by one objective is explained against the others. */
export function byObjective(results: readonly CountResult[], targets: Targets, variants: readonly string[], priceOf: (variant: string) => number | undefined): string {
  const figure: Record<Objective, (r: CountResult) => string> = {
    nodes: (r) => `${r.nodes} boards`,
    energy: (r) => (r.joulesPerToken ? `${humanEnergy(r.joulesPerToken.mean)} per token` : humanEnergy(r.energyJ?.mean ?? Number.NaN)),
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
 * without one, for each variant, its largest count and what it misses by how much.
 */
function whyLines(results: readonly CountResult[], chosen: CountResult | undefined, targets: Targets, variants: readonly string[]): string[] {
  const show = (target: TargetName, value: number): string => (Number.isNaN(value) ? 'none' : formats[target](value));
  const misses = (r: CountResult): string => {
    if (!r.feasible) return `the model does not fit: ${r.why}`;
    const missed = checkTargets(r, targets)
      .filter((c) => !c.met)
      .map((c) => (Number.isNaN(c.value) ? `${c.target}: none (${c.target.includes('accuracy') || c.target === 'energy' ? 'the accuracy target was never reached' : 'nothing measured'})` : `${c.target} ${show(c.target, c.value)} against ${show(c.target, c.limit)} (${Math.round(100 * Math.abs(c.margin))} % ${['p95 latency', 'energy', 'time to accuracy'].includes(c.target) ? 'over' : 'short'})`));
    if (r.completedShare && r.completedShare.low < 1) missed.push(r.completedShare.mean < 1 ? `${Math.round(100 * (1 - r.completedShare.mean))} % of the requests unserved (mean over the runs)` : 'requests unserved at the low end of the interval');
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
