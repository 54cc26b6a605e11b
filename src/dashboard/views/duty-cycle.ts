/**
 * The duty-cycle view's data (issue 8): for each node and sub-band, the share of the legal
 * allowance it used over the run (airtime over the run's span and the sub-band's duty cycle;
 * 1 = at the limit), busiest first. Pure.
 */
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
