/**
 * The sampled per-node time series (series.csv): at every sampling instant, each node's state
 * of charge, remaining charge, cumulative energy by ledger state, and its duty-cycle use per
 * sub-band over the last interval (airtime in the sub-band / interval length, for the busiest
 * sub-band; compare with the sub-band's duty cycle).
 */
import { stringify } from 'csv-stringify/sync';
import type { SimEvent } from '../node/events.ts';
import { energyStates, type EnergyState, type EnergyTotals } from '../hw/energy-ledger.ts';
import { subBandOf, type Region } from '../radio/regions.ts';
import { round } from './stats.ts';

export interface SeriesRow {
  readonly atMs: number;
  readonly node: number;
  readonly alive: boolean;
  readonly stateOfCharge: number;
  readonly remainingMah: number;
  readonly energyByStateUj: Readonly<Record<EnergyState, number>>;
  readonly dutyCycleUse: number;
  readonly dutyCycleBand: string;
}

export interface SeriesSampler {
  handle(event: SimEvent): void;
  sample(atMs: number, nodes: readonly { readonly alive: boolean; readonly ledger: { totals(): EnergyTotals } }[]): void;
  readonly rows: readonly SeriesRow[];
}

export function createSeriesSampler(specs: readonly { readonly channelsHz: readonly number[] }[], region: Region): SeriesSampler {
  const rows: SeriesRow[] = [];
  const airtimeByBand = specs.map(() => new Map<string, number>());
  let lastSampleMs = 0;
  return {
    rows,
    handle(event) {
      if (event.type !== 'txStarted') return;
      const band = subBandOf(region, event.tx.channelHz)!.name;
      const byBand = airtimeByBand[event.tx.sender]!;
      byBand.set(band, (byBand.get(band) ?? 0) + event.tx.airtimeMs);
    },
    sample(atMs, nodes) {
      const intervalMs = atMs - lastSampleMs;
      nodes.forEach((node, i) => {
        const totals = node.ledger.totals();
        let busiest = '';
        let busiestMs = 0;
        for (const [band, ms] of airtimeByBand[i]!) {
          if (ms > busiestMs) [busiest, busiestMs] = [band, ms];
        }
        airtimeByBand[i]!.clear();
        rows.push({
          atMs,
          node: i,
          alive: node.alive,
          stateOfCharge: totals.stateOfCharge,
          remainingMah: totals.remainingMah,
          energyByStateUj: totals.energyByStateUj,
          dutyCycleUse: intervalMs > 0 ? busiestMs / intervalMs : 0,
          dutyCycleBand: busiest,
        });
      });
      lastSampleMs = atMs;
    },
  };
}

export const seriesColumns = ['atMs', 'node', 'alive', 'stateOfCharge', 'remainingMah', ...energyStates.map((s) => `${s}J`), 'dutyCycleUse', 'dutyCycleBand'];

export function seriesCsv(rows: readonly SeriesRow[], ids: readonly string[]): string {
  return stringify([
    seriesColumns,
    ...rows.map((row) => [
      round(row.atMs, 3),
      ids[row.node]!,
      row.alive ? 1 : 0,
      round(row.stateOfCharge, 9),
      round(row.remainingMah, 6),
      ...energyStates.map((s) => round(row.energyByStateUj[s] / 1e6, 9)),
      round(row.dutyCycleUse, 6),
      row.dutyCycleBand,
    ]),
  ]);
}
