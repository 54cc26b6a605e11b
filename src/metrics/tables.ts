/**
 * frames.csv, receptions.csv and nodes.csv: one header row, then data rows. Rows are written as
 * bytes (csv-bytes.ts), record by record as the run finalises them, so that a city's tens of
 * millions of rows never become one string; numbers are rounded to fixed decimals so that files
 * are byte-identical for the same scenario and seed. Columns are documented in the README
 * ("Output contract").
 */
import { stringify } from 'csv-stringify/sync';
import { csvText, type CsvBytes } from './csv-bytes.ts';
import type { FrameRecord, NodeTally, ReceptionRecord } from './radio-tracker.ts';
import { subBandOf, type Region, type SubBand } from '../radio/regions.ts';
import type { NodeReport } from './node-report.ts';
import { round } from './stats.ts';

/** What the tables need to know about a node. */
export interface NodeInfo {
  readonly id: string;
  readonly group: string;
  readonly role: string;
  readonly xM: number;
  readonly yM: number;
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly txPowerDbm: number;
  readonly channelsHz: readonly number[];
}

const ms = (value: number): number => round(value, 3);

export const frameColumns = [
  'sender', 'seq', 'destination', 'outcome', 'blockReason', 'queuedAtMs', 'atMs', 'queueWaitMs', 'dutyCycleWaitMs', 'wakeWaitMs', 'airtimeMs',
  'channelMhz', 'sf', 'bandwidthKhz', 'txPowerDbm', 'phyBytes', 'messageId', 'fragmentIndex', 'fragmentCount', 'energyUj',
  'receivers', 'received', 'fate',
] as const;

/** Writes frame records as rows of frames.csv; `ids` are the nodes' ids, pre-encoded. */
export function frameRowWriter(csv: CsvBytes, ids: readonly Uint8Array[]): (record: FrameRecord) => void {
  const broadcast = new TextEncoder().encode('*');
  const decimal = createLabels((value) => String(value));
  return (f) => {
    csv.bytes(ids[f.sender]!);
    csv.comma();
    if (f.seq >= 0) csv.integer(f.seq);
    csv.comma();
    csv.bytes(f.destination < 0 ? broadcast : ids[f.destination]!);
    csv.comma();
    csv.text(f.outcome);
    csv.comma();
    csv.text(f.blockReason);
    csv.comma();
    csv.fixed(f.queuedAtMs, 3);
    csv.comma();
    csv.fixed(f.atMs, 3);
    csv.comma();
    csv.fixed(f.queueWaitMs, 3);
    csv.comma();
    csv.fixed(f.dutyCycleWaitMs, 3);
    csv.comma();
    csv.fixed(f.wakeWaitMs, 3);
    csv.comma();
    csv.fixed(f.airtimeMs, 3);
    csv.comma();
    if (f.channelHz) csv.text(decimal(f.channelHz / 1e6));
    csv.comma();
    csv.integer(f.sf);
    csv.comma();
    if (f.bandwidthHz) csv.text(decimal(f.bandwidthHz / 1e3));
    csv.comma();
    if (f.outcome === 'sent') csv.text(decimal(f.txPowerDbm));
    csv.comma();
    csv.integer(f.phyBytes);
    csv.comma();
    csv.integer(f.messageId);
    csv.comma();
    csv.integer(f.fragmentIndex);
    csv.comma();
    csv.integer(f.fragmentCount);
    csv.comma();
    csv.fixed(f.energyUj, 3);
    csv.comma();
    csv.integer(f.receivers);
    csv.comma();
    csv.integer(f.received);
    csv.comma();
    csv.text(f.fate);
    csv.endRow();
  };
}

export function framesCsv(frames: readonly FrameRecord[], nodes: readonly NodeInfo[]): string {
  return csvText((csv) => {
    header(csv, frameColumns);
    const row = frameRowWriter(csv, encodedIds(nodes));
    for (const frame of frames) row(frame);
  });
}

export const receptionColumns = ['sender', 'seq', 'receiver', 'atMs', 'fate', 'rxPowerDbm', 'snrDb'] as const;

/** Writes reception records as rows of receptions.csv. */
export function receptionRowWriter(csv: CsvBytes, ids: readonly Uint8Array[]): (record: ReceptionRecord) => void {
  return (r) => {
    csv.bytes(ids[r.sender]!);
    csv.comma();
    csv.integer(r.seq);
    csv.comma();
    csv.bytes(ids[r.receiver]!);
    csv.comma();
    csv.fixed(r.atMs, 3);
    csv.comma();
    csv.text(r.fate);
    csv.comma();
    csv.fixed(r.rxPowerDbm, 2);
    csv.comma();
    csv.fixed(r.snrDb, 2);
    csv.endRow();
  };
}

export function receptionsCsv(receptions: readonly ReceptionRecord[], nodes: readonly NodeInfo[]): string {
  return csvText((csv) => {
    header(csv, receptionColumns);
    const row = receptionRowWriter(csv, encodedIds(nodes));
    for (const reception of receptions) row(reception);
  });
}

/** The header row. */
export function header(csv: CsvBytes, columns: readonly string[]): void {
  columns.forEach((column, i) => {
    if (i > 0) csv.comma();
    csv.text(column);
  });
  csv.endRow();
}

/** Every node's id as bytes, once. */
export function encodedIds(nodes: readonly { readonly id: string }[]): Uint8Array[] {
  const encoder = new TextEncoder();
  return nodes.map((node) => encoder.encode(node.id));
}

/** A small cache of the labels of the few distinct values a column takes (channels, bandwidths, powers). */
function createLabels(label: (value: number) => string): (value: number) => string {
  const cache = new Map<number, string>();
  return (value) => {
    let text = cache.get(value);
    if (text === undefined) cache.set(value, (text = label(value)));
    return text;
  };
}

export const nodeColumns = [
  'id', 'group', 'role', 'xM', 'yM', 'sf', 'bandwidthKhz', 'txPowerDbm', 'attempts', 'sent', 'dutyCycleBlocked', 'receptions',
  'receptionsReceived', 'der', 'framesHeard', 'messagesSent', 'messagesDelivered', 'airtimeMs', 'energyRadioTxJ', 'dutyCycleUse',
  'dutyCycleBudgetUse', 'mcu', 'battery', 'diedAtMs', 'deathReason', 'unsentAtDeath', 'energyJ', 'sleepJ', 'idleJ', 'listenJ', 'receiveJ',
  'transmitJ', 'computeJ', 'radioStandbyJ', 'stateOfCharge', 'batteryRemainingMah', 'peakSramBytes', 'peakFlashBytes',
] as const;

/**
 * Duty cycle per sub-band, the unit the regulation (and the MAC) applies it to:
 * `dutyCycleUse` is the node's busiest sub-band's airtime over the run's duration (compare it
 * with that sub-band's duty cycle, 0.01 for EU868 g1); `dutyCycleBudgetUse` is the largest
 * share of a sub-band's allowance the node used (1 = at the limit).
 */
export function nodesCsv(tallies: readonly NodeTally[], nodes: readonly NodeInfo[], durationMs: number, region: Region, reports: readonly NodeReport[]): string {
  const rows = nodes.map((node, i) => {
    const t = tallies[i]!;
    const byBand = new Map<SubBand, number>();
    for (const [channelHz, airtimeMs] of t.airtimeByChannelMs) {
      const band = subBandOf(region, channelHz)!;
      byBand.set(band, (byBand.get(band) ?? 0) + airtimeMs);
    }
    const busiest = Math.max(0, ...byBand.values());
    const budget = Math.max(0, ...[...byBand].map(([band, airtimeMs]) => airtimeMs / durationMs / band.dutyCycle));
    return [
      node.id,
      node.group,
      node.role,
      round(node.xM, 2),
      round(node.yM, 2),
      node.sf,
      node.bandwidthHz / 1e3,
      node.txPowerDbm,
      t.attempts,
      t.sent,
      t.dutyCycleBlocked,
      t.receptions,
      t.receptionsReceived,
      t.receptions > 0 ? round(t.receptionsReceived / t.receptions, 6) : '',
      t.framesHeard,
      t.messagesSent,
      t.messagesDelivered,
      ms(t.airtimeMs),
      round(t.txEnergyUj / 1e6, 6),
      round(busiest / durationMs, 6),
      round(budget, 6),
      ...reportColumns(reports[i]!, t),
    ];
  });
  return stringify([nodeColumns as unknown as string[], ...rows]);
}

function reportColumns(report: NodeReport, tally: NodeTally): (string | number)[] {
  const e = report.energyJByState;
  return [
    report.mcu,
    report.battery,
    report.diedAtMs ?? '',
    report.deathReason ?? '',
    tally.unsentAtDeath,
    report.energyJ,
    e.sleep, e.idle, e.listen, e.receive, e.transmit, e.compute, e.radioStandby,
    report.stateOfCharge ?? '',
    report.batteryRemainingMah ?? '',
    report.peakSramBytes,
    report.peakFlashBytes,
  ];
}
