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

/**
 * The duty-cycle bars at time `t`, from the series: each sample's use over its interval
 * times the interval gives the node's airtime in each sub-band up to t.
 */
export function dutyCycleAt(model: RunModel, t: number): DutyCycleBar[] {
  const airtime = new Map<string, Map<string, number>>();
  const previous = new Map<number, number>();
  for (const point of model.series) {
    if (point.atMs > t || point.node < 0) continue;
    const interval = point.atMs - (previous.get(point.node) ?? 0);
    previous.set(point.node, point.atMs);
    const id = model.nodes[point.node]!.id;
    let bands = airtime.get(id);
    if (!bands) airtime.set(id, (bands = new Map()));
    model.bands.forEach((band, k) => bands.set(band, (bands.get(band) ?? 0) + point.dutyCycleUse[k]! * interval));
  }
  const dutyCycles = new Map(model.meta.subBands.map((band) => [band.label, band.dutyCycle]));
  const spanMs = Math.max(...previous.values(), 0);
  return spanMs > 0 ? dutyCycleBars(airtime, dutyCycles, spanMs) : [];
}
