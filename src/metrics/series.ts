/**
 * The sampled per-node time series (series.csv): at every sampling instant, each node's state
 * of charge, remaining charge, cumulative energy by ledger state, and its duty-cycle use over
 * the last interval in every sub-band the scenario's channels use (airtime in the sub-band /
 * interval length; compare with the sub-band's duty cycle).
 */
import { stringify } from 'csv-stringify/sync';
import type { Transmission } from '../radio/transmission.ts';
import { energyStates, type EnergyState, type EnergyTotals } from '../hw/energy-ledger.ts';
import { subBandOf, type Region, type SubBand } from '../radio/regions.ts';
import { round } from './stats.ts';

export interface SeriesRow {
  readonly atMs: number;
  readonly node: number;
  readonly alive: boolean;
  readonly stateOfCharge: number;
  readonly remainingMah: number;
  readonly energyByStateUj: Readonly<Record<EnergyState, number>>;
  /** Duty-cycle use in each of the sampler's sub-bands, in `bands` order. */
  readonly dutyCycleUse: readonly number[];
}

export interface SeriesSampler {
  /** A frame went on the air: its airtime counts towards the sender's duty-cycle use. */
  txStarted(tx: Transmission): void;
  /** Takes one row per node this process runs (nodes elsewhere are undefined and skipped). */
  sample(atMs: number, nodes: readonly ({ readonly alive: boolean; readonly ledger: { totals(): EnergyTotals } } | undefined)[]): void;
  /** Adds rows sampled in another process (a worker's nodes). */
  merge(rows: readonly SeriesRow[]): void;
  /** Puts the rows in canonical order, (time, node), after rows were merged. */
  canonicalize(): void;
  readonly rows: readonly SeriesRow[];
  /** The sub-bands the scenario's channels use, in the region's order. */
  readonly bands: readonly SubBand[];
}

export function createSeriesSampler(specs: readonly { readonly channelsHz: readonly number[] }[], region: Region): SeriesSampler {
  let rows: SeriesRow[] = [];
  let merged = false;
  const used = new Set(specs.flatMap((spec) => spec.channelsHz.map((hz) => subBandOf(region, hz)!)));
  const bands = region.subBands.filter((band) => used.has(band));
  const airtimeByBand = specs.map(() => new Float64Array(bands.length));
  const bandOfChannel = new Map<number, number>();
  const bandIndex = (channelHz: number): number => {
    let band = bandOfChannel.get(channelHz);
    if (band === undefined) bandOfChannel.set(channelHz, (band = bands.indexOf(subBandOf(region, channelHz)!)));
    return band;
  };
  let lastSampleMs = 0;
  return {
    get rows() {
      return rows;
    },
    bands,
    txStarted(tx) {
      const band = bandIndex(tx.channelHz);
      const airtime = airtimeByBand[tx.sender]!;
      airtime[band] = airtime[band]! + tx.airtimeMs;
    },
    sample(atMs, nodes) {
      const intervalMs = atMs - lastSampleMs;
      nodes.forEach((node, i) => {
        if (node === undefined) return;
        const totals = node.ledger.totals();
        const airtime = airtimeByBand[i]!;
        rows.push({
          atMs,
          node: i,
          alive: node.alive,
          stateOfCharge: totals.stateOfCharge,
          remainingMah: totals.remainingMah,
          energyByStateUj: totals.energyByStateUj,
          dutyCycleUse: Array.from(airtime, (ms) => (intervalMs > 0 ? ms / intervalMs : 0)),
        });
        airtime.fill(0);
      });
      lastSampleMs = atMs;
    },
    merge(more) {
      merged ||= more.length > 0;
      for (const row of more) rows.push(row);
    },
    canonicalize() {
      if (merged) rows = rows.sort((a, b) => a.atMs - b.atMs || a.node - b.node);
    },
  };
}

/** A sub-band as series.csv names it: `<from>-<to>MHz`. */
export function subBandLabel(band: SubBand): string {
  const mhz = (hz: number): string => (Number.isFinite(hz) ? String(hz / 1e6) : 'inf');
  return `${mhz(band.minHz)}-${mhz(band.maxHz)}MHz`;
}

/** Columns: fixed ones, then `dutyCycleUse@<from>-<to>MHz` per sub-band in use. */
export function seriesColumns(bands: readonly SubBand[]): string[] {
  return ['atMs', 'node', 'alive', 'stateOfCharge', 'remainingMah', ...energyStates.map((s) => `${s}J`), ...bands.map((b) => `dutyCycleUse@${subBandLabel(b)}`)];
}

export function seriesCsv(sampler: Pick<SeriesSampler, 'rows' | 'bands'>, ids: readonly string[]): string {
  const { rows, bands } = sampler;
  return stringify([
    seriesColumns(bands),
    ...rows.map((row) => [
      round(row.atMs, 3),
      ids[row.node]!,
      row.alive ? 1 : 0,
      round(row.stateOfCharge, 9),
      round(row.remainingMah, 6),
      ...energyStates.map((s) => round(row.energyByStateUj[s] / 1e6, 9)),
      ...row.dutyCycleUse.map((use) => round(use, 6)),
    ]),
  ]);
}
