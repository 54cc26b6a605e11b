/**
 * The sampled per-node time series (series.csv): at every sampling instant, each node's state
 * of charge, remaining charge, cumulative energy by ledger state, and its duty-cycle use over
 * the last interval in every sub-band the scenario's channels use (airtime in the sub-band /
 * interval length; compare with the sub-band's duty cycle).
 *
 * A sample reads every node's ledger in the table (energy-ledgers.ts) and hands each row to the
 * sinks as it is taken (series.csv is written as the run goes: a city day has millions of rows);
 * rows are kept as objects only when asked (tests, live dashboards, workers' reports, and runs
 * whose rows from other processes must be merged into canonical order at the end).
 */
import { restoreInto, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Transmission } from '../radio/transmission.ts';
import { energyStates, type EnergyLedgers, type EnergyState } from '../hw/energy-ledgers.ts';
import { ucPerMah } from '../hw/battery.ts';
import { subBandOf, type Region, type SubBand } from '../radio/regions.ts';
import { csvText, encodeIds, type CsvBytes, type IdBytes } from './csv-bytes.ts';
import { header } from './tables.ts';
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

/** Takes each row as it is sampled: `energyUj` by state (energyStates order) and `dutyCycleUse` by band are valid during the call only. */
export type SeriesSink = (atMs: number, node: number, alive: boolean, stateOfCharge: number, remainingMah: number, energyUj: Float64Array, dutyCycleUse: Float64Array) => void;

/** Rows kept and the airtime since the last sample (a checkpoint: checkpoint-state.ts). */
export interface SeriesState {
  readonly rows: SeriesRow[];
  readonly merged: boolean;
  readonly airtimeByBand: Float64Array;
  readonly lastSampleMs: number;
}

export interface SeriesSampler extends Checkpointable<SeriesState> {
  /** A frame went on the air: its airtime counts towards the sender's duty-cycle use. */
  txStarted(tx: Transmission): void;
  /** Takes one row per node this process runs, in node order. */
  sample(atMs: number, nodes: readonly number[], alive: (node: number) => boolean, ledgers: EnergyLedgers): void;
  /** Adds rows sampled in another process (a worker's nodes), in the order they came; `canonicalize` sorts the kept rows. */
  merge(rows: readonly SeriesRow[]): void;
  /** Puts the rows in canonical order, (time, node), after rows were merged. */
  canonicalize(): void;
  /** Adds a sink for the rows sampled from now on. */
  addSink(sink: SeriesSink): void;
  /** The rows, when kept; empty otherwise. */
  readonly rows: readonly SeriesRow[];
  /** The sub-bands the scenario's channels use, in the region's order. */
  readonly bands: readonly SubBand[];
}

export interface SeriesOptions {
  /** Keep every row as an object (default on). */
  readonly keepRows?: boolean;
  readonly sinks?: readonly SeriesSink[];
}

export function createSeriesSampler(specs: readonly { readonly channelsHz: readonly number[] }[], region: Region, options: SeriesOptions = {}): SeriesSampler {
  let rows: SeriesRow[] = [];
  let merged = false;
  const used = new Set(specs.flatMap((spec) => spec.channelsHz.map((hz) => subBandOf(region, hz)!)));
  const bands = region.subBands.filter((band) => used.has(band));
  const airtimeByBand = new Float64Array(specs.length * bands.length);
  const bandOfChannel = new Map<number, number>();
  const bandIndex = (channelHz: number): number => {
    let band = bandOfChannel.get(channelHz);
    if (band === undefined) bandOfChannel.set(channelHz, (band = bands.indexOf(subBandOf(region, channelHz)!)));
    return band;
  };
  const sinks: SeriesSink[] = [...(options.sinks ?? [])];
  if (options.keepRows ?? true) {
    sinks.push((atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse) => {
      const energyByStateUj = {} as Record<EnergyState, number>;
      energyStates.forEach((state, i) => (energyByStateUj[state] = energyUj[i]!));
      rows.push({ atMs, node, alive, stateOfCharge, remainingMah, energyByStateUj, dutyCycleUse: Array.from(dutyCycleUse) });
    });
  }
  const energyUj = new Float64Array(energyStates.length);
  const dutyCycleUse = new Float64Array(bands.length);
  let lastSampleMs = 0;
  return {
    get rows() {
      return rows;
    },
    checkpoint: () => ({ rows, merged, airtimeByBand, lastSampleMs }),
    restore(state) {
      rows = [...state.rows];
      merged = state.merged;
      restoreInto(airtimeByBand, state.airtimeByBand, 'series airtime');
      lastSampleMs = state.lastSampleMs;
    },
    bands,
    addSink(sink) {
      sinks.push(sink);
    },
    txStarted(tx) {
      const at = tx.sender * bands.length + bandIndex(tx.channelHz);
      airtimeByBand[at] = airtimeByBand[at]! + tx.airtimeMs;
    },
    sample(atMs, nodes, alive, ledgers) {
      const intervalMs = atMs - lastSampleMs;
      for (const node of nodes) {
        for (let s = 0; s < energyStates.length; s++) energyUj[s] = ledgers.energyUj(node, s);
        for (let b = 0; b < bands.length; b++) {
          const at = node * bands.length + b;
          dutyCycleUse[b] = intervalMs > 0 ? airtimeByBand[at]! / intervalMs : 0;
          airtimeByBand[at] = 0;
        }
        const stateOfCharge = ledgers.stateOfCharge(node);
        const remainingMah = ledgers.chargeUc(node) / ucPerMah;
        for (const sink of sinks) sink(atMs, node, alive(node), stateOfCharge, remainingMah, energyUj, dutyCycleUse);
      }
      lastSampleMs = atMs;
    },
    merge(more) {
      merged ||= more.length > 0;
      for (const row of more) {
        energyStates.forEach((state, i) => (energyUj[i] = row.energyByStateUj[state]));
        const use = Float64Array.from(row.dutyCycleUse);
        for (const sink of sinks) sink(row.atMs, row.node, row.alive, row.stateOfCharge, row.remainingMah, energyUj, use);
      }
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

/**
 * Writes sampled rows as rows of series.csv. A mains-powered node (`mains[node]`) has no state
 * of charge or remaining charge: its cells are empty, as in nodes.csv.
 */
export function seriesRowWriter(csv: CsvBytes, ids: IdBytes, mains: readonly boolean[]): SeriesSink {
  return (atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse) => {
    csv.fixed(atMs, 3);
    csv.comma();
    csv.id(ids, node);
    csv.comma();
    csv.integer(alive ? 1 : 0);
    csv.comma();
    if (!mains[node]) csv.number(round(stateOfCharge, 9));
    csv.comma();
    if (!mains[node]) csv.fixed(remainingMah, 6);
    for (let s = 0; s < energyUj.length; s++) {
      csv.comma();
      csv.number(round(energyUj[s]! / 1e6, 9));
    }
    for (let b = 0; b < dutyCycleUse.length; b++) {
      csv.comma();
      csv.fixed(dutyCycleUse[b]!, 6);
    }
    csv.endRow();
  };
}

export function seriesCsv(sampler: Pick<SeriesSampler, 'rows' | 'bands'>, ids: readonly string[], mains: readonly boolean[]): string {
  const { rows, bands } = sampler;
  const encoded = encodeIds(ids);
  const energyUj = new Float64Array(energyStates.length);
  return csvText((csv) => {
    header(csv, seriesColumns(bands));
    const row = seriesRowWriter(csv, encoded, mains);
    for (const r of rows) {
      energyStates.forEach((state, i) => (energyUj[i] = r.energyByStateUj[state]));
      row(r.atMs, r.node, r.alive, r.stateOfCharge, r.remainingMah, energyUj, Float64Array.from(r.dutyCycleUse));
    }
  });
}
