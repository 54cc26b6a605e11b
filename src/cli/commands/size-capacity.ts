/**
 * Capacity (issue 19, point 2): the token rate a serving case sustains, found by a search over
 * offered load.
 *
 * 1. Saturation: `20 × concurrentRequests` requests arrive at once (1 ms apart), so that every
 *    KV slot stays busy while any request waits; the swarm's throughput over that busy window
 *    (from 0 to the last admission or the scenario's duration, whichever comes first: the
 *    tokens finished in it divided by its length) is its service rate μ. Any offered rate
 *    below μ keeps the entry's queue bounded; any above lets it grow without end. A frame lost
 *    on the way stalls its slot until the token's budget runs out, and the window counts that
 *    as the service it costs. What binds μ is the busiest transmitter when it uses at least
 *    95 % of its duty cycle, else the largest part of the token latency.
 * 2. Without a p95 target, or when the p95 at saturation meets it, the capacity is μ. Otherwise
 *    the p95 target binds: a bisection on the logarithm of the offered request rate λ between
 *    μ/64 and μ (in requests per hour, μ divided by the tokens per request at saturation), six
 *    probes (to within 7 %), each probe Poisson arrivals at λ for 20 requests (the run as long
 *    as 25 mean gaps, at least the scenario's duration), passing when every request completes
 *    and the p95 token latency meets the target. The capacity is the highest λ that passed,
 *    times the tokens per request.
 */
import { simulateRun, simulateSummary } from '../../run/simulate-summary.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { busiestTransmitter, largest, latencyParts } from './size-runs.ts';

export interface Capacity {
  /** Tokens per hour the case sustains (0 when even the lowest rate tried misses the p95 target). */
  readonly tokensPerHour: number;
  /** What binds it, e.g. "board-0's duty cycle (the entry, 99 % used)". */
  readonly bound: string;
}

interface Served {
  readonly tokens: number;
  readonly tokensPerHour: number;
  readonly latencyMs: { p95: number | null };
  readonly latencyComponentsMs: Readonly<Record<string, number>>;
  readonly dutyCycleUtilisation: Readonly<Record<string, number>>;
  readonly requests: { total: number; complete: number };
  readonly inference: { entry: string };
  readonly frames: { fates: Readonly<Record<string, number>> };
}

const saturationRequestsPerSlot = 20;
const probeRequests = 20;
const bisectionSteps = 6;
/** The lowest rate tried, as a fraction of the saturation rate. */
const lowestShare = 1 / 64;

/** The capacity of one case (one seed): see the file's comment for the search. */
export async function capacityOf(file: string, sets: readonly string[], seed: number, p95TargetMs: number | undefined): Promise<Capacity> {
  const { scenario } = readScenario(file, { sets, seed });
  const slots = scenario.model!.placement.concurrentRequests;
  const run = async (extra: readonly string[]): Promise<Served> => (await simulateSummary(file, { sets: [...sets, ...extra], seed })) as unknown as Served;
  const saturation = await simulateRun(file, { sets: [...sets, `inference.requests={kind: poisson, interval: 1ms, count: ${saturationRequestsPerSlot * slots}}`], seed });
  const saturated = saturation.summary as unknown as Served;
  const windowMs = Math.min(scenario.duration, saturation.served!.requests.reduce((last, r) => (Number.isFinite(r.admittedMs) ? Math.max(last, r.admittedMs) : last), 0));
  const finished = saturation.served!.tokens.filter((t) => t.kind === 'generated' && t.status === 'ok' && t.endMs <= windowMs).length;
  if (finished === 0 || !(windowMs > 0)) return { tokensPerHour: 0, bound: 'no token served at saturation' };
  const serviceRate = (finished * 3_600_000) / windowMs;
  const bound = boundOf(saturated);
  const p95 = saturated.latencyMs.p95 ?? Number.POSITIVE_INFINITY;
  if (p95TargetMs === undefined || p95 <= p95TargetMs) return { tokensPerHour: serviceRate, bound };
  const tokensPerRequest = saturated.tokens / Math.max(1, saturated.requests.complete);
  const passes = async (requestsPerHour: number): Promise<boolean> => {
    const gapMs = 3_600_000 / requestsPerHour;
    const served = await run([`duration=${Math.round(Math.max(scenario.duration, 25 * gapMs))}`, `inference.requests={kind: poisson, interval: ${gapMs.toFixed(3)}ms, count: ${probeRequests}}`]);
    return served.requests.complete === served.requests.total && served.latencyMs.p95 !== null && served.latencyMs.p95 <= p95TargetMs;
  };
  let high = serviceRate / tokensPerRequest;
  let low = high * lowestShare;
  const why = `the p95 target (at saturation the p95 is ${(p95 / 1000).toFixed(1)} s)`;
  if (!(await passes(low))) return { tokensPerHour: 0, bound: `${why}: missed even at ${(low * tokensPerRequest).toFixed(2)} tokens/h` };
  for (let step = 0; step < bisectionSteps; step++) {
    const middle = Math.sqrt(low * high);
    if (await passes(middle)) low = middle;
    else high = middle;
  }
  return { tokensPerHour: low * tokensPerRequest, bound: why };
}

/** The busiest transmitter when it is near its duty-cycle limit, else the largest part of the token latency. */
function boundOf(served: Served): string {
  const [node, used] = busiestTransmitter(served.dutyCycleUtilisation);
  if (used >= 0.95) return `${node}'s duty cycle (${node === served.inference.entry ? 'the entry, ' : ''}${Math.round(100 * used)} % used)`;
  const part = largest(served.latencyComponentsMs);
  if (!part) return 'nothing measured';
  const share = `${Math.round(100 * part.share)} % of the token latency`;
  if (part.key !== 'timeoutMs') return `${latencyParts[part.key] ?? part.key} (${share})`;
  // A lost residual or reply stalls its KV slot until the call's or the token's timeout: name the losses.
  const { collided = 0, lostHalfDuplex = 0, underSensitivity = 0 } = served.frames.fates;
  return `timeouts after lost frames (${share}; ${collided} receptions collided, ${lostHalfDuplex} lost to half-duplex, ${underSensitivity} under sensitivity)`;
}
