/**
 * The duty-cycle view's data (issue 8): for each node and sub-band, the share of the legal
 * allowance it used over the run (airtime over the run's span and the sub-band's duty cycle;
 * 1 = at the limit), busiest first. Pure.
 */
import type { RunModel } from './run-model.ts';

export interface DutyCycleBar {
  readonly id: string;
  readonly subBand: string;
  readonly use: number;
}

/** `airtimeMs[node][subBand]` over `spanMs`, with each sub-band's duty cycle. */
export function dutyCycleBars(airtimeMs: ReadonlyMap<string, ReadonlyMap<string, number>>, dutyCycles: ReadonlyMap<string, number>, spanMs: number): DutyCycleBar[] {
  const bars: DutyCycleBar[] = [];
  for (const [id, bands] of airtimeMs) {
    for (const [subBand, ms] of bands) bars.push({ id, subBand, use: ms / spanMs / (dutyCycles.get(subBand) ?? 1) });
  }
  return bars.sort((a, b) => b.use - a.use || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || (a.subBand < b.subBand ? -1 : 1));
}

/** A sub-band label as series.csv writes it, `868-868.6MHz`, as its range in MHz. */
export function subBandRange(label: string): { minMhz: number; maxMhz: number } | undefined {
  const match = /^([\d.]+|inf)-([\d.]+|inf)MHz$/.exec(label);
  if (!match) return undefined;
  const mhz = (text: string): number => (text === 'inf' ? Number.POSITIVE_INFINITY : Number(text));
  return { minMhz: mhz(match[1]!), maxMhz: mhz(match[2]!) };
}

/**
 * The duty-cycle bars at time `t`: each node's airtime per sub-band in the frames it sent by t
 * (frames.csv), over the time so far (at most the run's drained end, as summary.json takes it:
 * at the end, each node's busiest bar is its `dutyCycleUtilisation`).
 */
export function dutyCycleAt(model: RunModel, t: number): DutyCycleBar[] {
  const bands = model.meta.subBands.map((band) => ({ ...band, range: subBandRange(band.label) }));
  const airtime = new Map<string, Map<string, number>>();
  for (const frame of model.frames) {
    if (frame.atMs > t || frame.sender < 0) continue;
    // Half-open, [min, max), as the simulator's subBandOf: 865.0 MHz lies in 865–868.
    const band = bands.find((b) => b.range !== undefined && frame.channelMhz >= b.range.minMhz && frame.channelMhz < b.range.maxMhz);
    if (!band) continue;
    const id = model.nodes[frame.sender]!.id;
    let byBand = airtime.get(id);
    if (!byBand) airtime.set(id, (byBand = new Map()));
    byBand.set(band.label, (byBand.get(band.label) ?? 0) + (frame.endMs - frame.atMs));
  }
  const drained = model.summary?.drainedUntilMs;
  const spanMs = Math.min(t, typeof drained === 'number' ? drained : model.endMs);
  return spanMs > 0 ? dutyCycleBars(airtime, new Map(bands.map((b) => [b.label, b.dutyCycle])), spanMs) : [];
}
