/**
 * The duty-cycle view's data (issue 8): for each node and sub-band, the share of the legal
 * allowance it used over the run (airtime over the run's span and the sub-band's duty cycle;
 * 1 = at the limit), busiest first. A large run's report follows the nodes busiest at the end
 * with their airtime from every frame in time bins (run-digest.ts). Pure.
 */
import type { RunModel } from './run-model.ts';
import { binsThrough } from './time-bins.ts';

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

/** A sub-band with its legal duty cycle and its range in MHz (undefined: a label not understood). */
export interface BandRange {
  readonly label: string;
  readonly dutyCycle: number;
  readonly range: { readonly minMhz: number; readonly maxMhz: number } | undefined;
}

export function bandRanges(subBands: readonly { readonly label: string; readonly dutyCycle: number }[]): BandRange[] {
  return subBands.map((band) => ({ ...band, range: subBandRange(band.label) }));
}

/** The index of the sub-band holding `channelMhz`, or -1. Half-open, [min, max), as the simulator's subBandOf: 865.0 MHz lies in 865–868. */
export function bandIndexOf(bands: readonly BandRange[], channelMhz: number): number {
  return bands.findIndex((b) => b.range !== undefined && channelMhz >= b.range.minMhz && channelMhz < b.range.maxMhz);
}

/** Airtime by node and sub-band of the frames sent by `t`, from the frames (every one, or the followed nodes' bins). */
function airtimeBy(model: RunModel, bands: readonly BandRange[], t: number): Map<string, Map<string, number>> {
  const airtime = new Map<string, Map<string, number>>();
  const add = (node: number, band: number, ms: number): void => {
    const id = model.nodes[node]!.id;
    const label = bands[band]!.label;
    let byBand = airtime.get(id);
    if (!byBand) airtime.set(id, (byBand = new Map()));
    byBand.set(label, (byBand.get(label) ?? 0) + ms);
  };
  const digest = model.digest;
  if (digest?.frames) {
    const through = binsThrough(digest.bins, t);
    const flat = digest.frames.airtime;
    for (let i = 0; i < flat.length; i += 4) if (flat[i + 2]! < through && model.nodes[flat[i]!] && bands[flat[i + 1]!]) add(flat[i]!, flat[i + 1]!, flat[i + 3]!);
    return airtime;
  }
  for (const frame of model.frames) {
    if (frame.atMs > t || frame.sender < 0) continue;
    const band = bandIndexOf(bands, frame.channelMhz);
    if (band >= 0) add(frame.sender, band, frame.endMs - frame.atMs);
  }
  return airtime;
}

/**
 * The duty-cycle bars at time `t`: each node's airtime per sub-band in the frames it sent by t
 * (frames.csv), over the time so far (at most the run's drained end, as summary.json takes it:
 * at the end, each node's busiest bar is its `dutyCycleUtilisation`). In a large run's report,
 * the followed nodes' bars, exact at the slider's positions (the bins' edges).
 */
export function dutyCycleAt(model: RunModel, t: number): DutyCycleBar[] {
  const bands = bandRanges(model.meta.subBands);
  const airtime = airtimeBy(model, bands, t);
  const drained = model.summary?.drainedUntilMs;
  const spanMs = Math.min(t, typeof drained === 'number' ? drained : model.endMs);
  return spanMs > 0 ? dutyCycleBars(airtime, new Map(bands.map((b) => [b.label, b.dutyCycle])), spanMs) : [];
}
