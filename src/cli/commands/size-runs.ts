/**
 * One sizing run and what it says (issue 19): the figures a target can be set on, read from the
 * run's summary.json for every workload (a served model, a federated run, plain sensor
 * traffic), and why the case is what it is: the memory that ran out, what the latency and the
 * energy are made of, the busiest transmitter, where messages were lost, whether the accuracy
 * was reached, whose battery empties first.
 */
import { estimate, type CountResult, type Estimate } from '../../placement/sizing.ts';
import { PlacementError } from '../../placement/place.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { simulateSummary } from '../../run/simulate-summary.ts';

export type Workload = 'inference' | 'federated' | 'traffic';

export interface RunFigures {
  readonly variant: string;
  readonly nodes: number;
  readonly seed: number;
  readonly feasible: boolean;
  readonly p95LatencyMs: number;
  readonly joulesPerToken: number;
  readonly lifetimeDays: number;
  readonly tokensPerHour: number;
  /** Requests served, 0..1 (NaN outside serving runs). */
  readonly completedShare: number;
  readonly nodesHoldingUnits: number;
  readonly deliveryRatio: number;
  readonly accuracy: number;
  /** Joules: the rounds' until the accuracy target in a federated run (NaN when never reached), the whole run's otherwise. */
  readonly energyJ: number;
  readonly timeToAccuracyMs: number;
  /** Tokens per hour the case sustains, and what binds it (size --capacity; NaN and empty otherwise). */
  readonly capacityTokensPerHour: number;
  readonly capacityBound: string;
  /** N + k: the nodes dead from the start of this run, space-separated (empty without --failures). */
  readonly failed?: string;
  /** What binds: the memory that ran out, or the latency's and the energy's largest parts, the losses and the first battery to empty. */
  readonly why: string;
}

interface Summary {
  readonly latencyMs?: { p95: number | null };
  readonly latencyComponentsMs?: Readonly<Record<string, number>>;
  readonly joulesPerToken?: { mean: number | null };
  readonly lifetime?: { days: number | null; node?: string | null };
  readonly tokensPerHour?: number;
  readonly dutyCycleUtilisation?: Readonly<Record<string, number>>;
  readonly requests?: { total: number; complete: number };
  readonly inference?: { nodesHoldingUnits: number; pipelines: number };
  readonly nodes: { lifetime: { firstDeath: { days: number; node: string } | null }; deliveredNothing: { count: number; first: readonly string[] } };
  readonly frames: { fates: Readonly<Record<string, number>> };
  readonly messages: { unicastDeliveryRatio: number | null };
  readonly uplinks?: { deliveryRatio: number | null };
  readonly energyJ: { total: number; byState: Readonly<Record<string, number>> };
  readonly accuracy?: { final: number | null; best: number | null; target: number | null; toTarget: { round: number; atMs: number; joules: number } | null };
}

/** A run's figures from its summary, or an infeasible case from the placement that did not fit. */
export function figuresOf(file: string, sets: readonly string[], seed: number, variant: string, nodes: number, summary: Record<string, unknown> | PlacementError): RunFigures {
  if (summary instanceof PlacementError) {
    const error = summary;
    const why = error.shortfallBytes > 0 ? `${error.tier} short by ${error.shortfallBytes.toLocaleString('en')} B` : `${error.tier}: no room for ${error.unplaced.length > 1 ? `${error.unplaced.length} units` : error.unplaced[0]} (${error.extraNodes} more node${error.extraNodes > 1 ? 's' : ''} would hold ${error.unplaced.length > 1 ? 'them' : 'it'})`;
    const none = Number.NaN;
    return { variant, nodes, seed, feasible: false, p95LatencyMs: none, joulesPerToken: none, lifetimeDays: none, tokensPerHour: none, completedShare: 0, nodesHoldingUnits: 0, deliveryRatio: none, accuracy: none, energyJ: none, timeToAccuracyMs: none, capacityTokensPerHour: none, capacityBound: '', why };
  }
  const s = summary as unknown as Summary;
  const serving = s.requests !== undefined;
  const federated = s.accuracy !== undefined;
  const firstDeath = s.lifetime ?? { days: s.nodes.lifetime.firstDeath?.days ?? null, node: s.nodes.lifetime.firstDeath?.node ?? null };
  return {
    variant,
    nodes,
    seed,
    feasible: true,
    p95LatencyMs: s.latencyMs?.p95 ?? Number.NaN,
    joulesPerToken: s.joulesPerToken?.mean ?? Number.NaN,
    lifetimeDays: firstDeath.days ?? Number.POSITIVE_INFINITY,
    tokensPerHour: s.tokensPerHour ?? Number.NaN,
    completedShare: serving ? (s.requests!.total > 0 ? s.requests!.complete / s.requests!.total : 0) : Number.NaN,
    nodesHoldingUnits: s.inference?.nodesHoldingUnits ?? 0,
    deliveryRatio: s.uplinks?.deliveryRatio ?? s.messages.unicastDeliveryRatio ?? Number.NaN,
    accuracy: s.accuracy?.final ?? Number.NaN,
    energyJ: federated ? (s.accuracy!.toTarget?.joules ?? Number.NaN) : s.energyJ.total,
    timeToAccuracyMs: s.accuracy?.toTarget?.atMs ?? Number.NaN,
    capacityTokensPerHour: Number.NaN,
    capacityBound: '',
    // A serving run's latency binds it; a federated run's accuracy and energy; a sensor network's losses and energy.
    why: [...(serving ? [servingWhy(s, nodes, readScenario(file, { sets, seed }).scenario.model?.placement.pipelines === 'auto')] : federated ? [learningWhy(s), energyWhy(s)] : [deliveryWhy(s), energyWhy(s)]), firstDeath.node ? `${firstDeath.node}'s battery empties first` : undefined].filter(Boolean).join('; '),
  };
}

export const latencyParts: Readonly<Record<string, string>> = {
  airtimeMs: 'airtime',
  queueingMs: 'queueing behind other frames',
  dutyCycleWaitMs: 'duty-cycle waits',
  wakeWaitMs: 'waits for wake windows',
  computeMs: 'compute',
  processingMs: 'processing',
  timeoutMs: 'timeouts and retries',
};

/** The largest entry of a record of non-negative figures, and its share of their sum. */
export function largest(parts: Readonly<Record<string, number>>): { key: string; share: number } | undefined {
  const entries = Object.entries(parts);
  const total = entries.reduce((sum, [, v]) => sum + v, 0);
  if (!(total > 0)) return undefined;
  const [key, value] = entries.reduce((most, part) => (part[1] > most[1] ? part : most));
  return { key, share: value / total };
}

/** The node using the largest share of its duty cycle, and that share (['', 0] when none transmitted). */
export function busiestTransmitter(utilisation: Readonly<Record<string, number>>): [string, number] {
  return Object.entries(utilisation).reduce((most, node) => (node[1] > most[1] ? node : most), ['', 0] as [string, number]);
}

const percent = (share: number): string => `${Math.round(100 * share)} %`;

/** What a serving run's latency is made of (its largest part), its busiest transmitter, and the boards that hold nothing. */
function servingWhy(s: Summary, boards: number, autoPipelines: boolean): string {
  const part = largest(s.latencyComponentsMs ?? {});
  const busiest = busiestTransmitter(s.dutyCycleUtilisation ?? {});
  const latency = part ? `latency mostly ${latencyParts[part.key] ?? part.key} (${percent(part.share)})` : 'no token latency';
  const idle = boards - (s.inference?.nodesHoldingUnits ?? boards);
  // Extra boards only listen unless they hold another pipeline (placement.ts): say so, so that identical rows are explained.
  const spare = idle > 0 ? `; ${idle} of the ${boards} boards hold no units (${autoPipelines ? 'too few for another pipeline' : 'model.placement.pipelines: auto would put more copies of the model on them once they can hold one'})` : '';
  return `${latency}${busiest[1] > 0 ? `; ${busiest[0]} uses ${percent(busiest[1])} of its duty cycle` : ''}${spare}`;
}

const fates: Readonly<Record<string, string>> = {
  underSensitivity: 'under sensitivity',
  collided: 'collisions',
  lostHalfDuplex: 'half-duplex',
  asleep: 'receivers asleep',
  noReceivePath: 'no free demodulator',
  dropped: 'drops',
};

/** Where a traffic run's messages were lost: the largest cause among the receptions lost, and the senders no one heard. */
function deliveryWhy(s: Summary): string | undefined {
  const ratio = s.uplinks?.deliveryRatio ?? s.messages.unicastDeliveryRatio;
  if (ratio === null || ratio === undefined) return undefined;
  const lost = Object.fromEntries(Object.entries(s.frames.fates).filter(([fate]) => fate !== 'received'));
  const cause = largest(lost);
  const deaf = s.nodes.deliveredNothing;
  return [
    `${(100 * (1 - ratio)).toFixed(1)} % of messages lost${cause ? `, receptions lost mostly to ${fates[cause.key] ?? cause.key} (${percent(cause.share)})` : ''}`,
    deaf.count > 0 ? `${deaf.count} node${deaf.count > 1 ? 's' : ''} never heard (${deaf.first.slice(0, 3).join(', ')}${deaf.count > 3 ? ', …' : ''})` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Whether a federated run reached its accuracy target, when and at what energy. */
function learningWhy(s: Summary): string {
  const a = s.accuracy!;
  if (a.target === null) return `final accuracy ${a.final ?? '—'}`;
  return a.toTarget ? `accuracy ${a.target} reached in round ${a.toTarget.round} after ${a.toTarget.joules.toFixed(1)} J` : `accuracy ${a.target} never reached (best ${a.best ?? '—'})`;
}

const states: Readonly<Record<string, string>> = { listen: 'listening', sleep: 'sleep', transmit: 'transmitting', receive: 'receiving', compute: 'compute', idle: 'idle', radioStandby: 'radio standby' };

/** What the energy is made of: its largest state. */
function energyWhy(s: Summary): string | undefined {
  const part = largest(s.energyJ.byState);
  return part ? `energy mostly ${states[part.key] ?? part.key} (${percent(part.share)})` : undefined;
}

/** A count's estimates over its feasible seeds, and what binds it (from its first seed). */
export function resultOf(runs: readonly RunFigures[], variant: string, nodes: number): CountResult {
  const all = runs.filter((r) => r.variant === variant && r.nodes === nodes);
  const mine = all.filter((r) => r.feasible);
  const of = (f: (r: RunFigures) => number, kind: 'positive' | 'share' = 'positive'): Estimate | undefined => estimate(mine.map(f), kind);
  // What binds the case: its first run, or with failures the draw that served the fewest requests.
  const worst = all.reduce<RunFigures | undefined>((w, r) => (w === undefined || (r.feasible && r.completedShare < w.completedShare) ? r : w), undefined);
  return {
    nodes,
    variant,
    feasible: mine.length > 0,
    p95LatencyMs: of((r) => r.p95LatencyMs),
    joulesPerToken: of((r) => r.joulesPerToken),
    lifetimeDays: of((r) => r.lifetimeDays),
    tokensPerHour: of((r) => r.tokensPerHour),
    completedShare: of((r) => r.completedShare),
    deliveryRatio: of((r) => r.deliveryRatio, 'share'),
    accuracy: of((r) => r.accuracy, 'share'),
    energyJ: of((r) => r.energyJ),
    timeToAccuracyMs: of((r) => r.timeToAccuracyMs),
    capacity: of((r) => r.capacityTokensPerHour),
    why: [worst ? `${worst.failed ? `with ${worst.failed} dead: ` : ''}${worst.why}` : undefined, mine[0]?.capacityBound ? `capacity bound by ${mine[0].capacityBound}` : undefined].filter(Boolean).join('; '),
  };
}

/**
 * `--to-end`: runs the scenario again for 1.1 × the extrapolated lifetime (at most 400 days),
 * with a Poisson request count scaled to keep the request rate, and returns the first battery
 * node's death in days, or the simulated span when none died (a lower bound).
 */
export async function simulatedLifetime(file: string, sets: readonly string[], seed: number, extrapolatedDays: number): Promise<number> {
  const { scenario } = readScenario(file, { sets, seed });
  const durationMs = Math.min(400 * 86_400_000, Math.max(scenario.duration, extrapolatedDays * 1.1 * 86_400_000));
  const requests = scenario.inference?.requests;
  const extra = [`duration=${Math.round(durationMs)}`];
  if (requests?.kind === 'poisson') extra.push(`inference.requests.count=${Math.min(65_535, Math.ceil((requests.count * durationMs) / scenario.duration))}`);
  const summary = (await simulateSummary(file, { sets: [...sets, ...extra], seed })) as { drainedUntilMs: number; perNode: { battery: string; diedAtMs: number | null }[] };
  const deaths = summary.perNode.filter((node) => node.battery !== 'mains' && node.diedAtMs !== null).map((node) => node.diedAtMs!);
  return (deaths.length > 0 ? deaths.reduce((first, ms) => Math.min(first, ms)) : summary.drainedUntilMs) / 86_400_000;
}
