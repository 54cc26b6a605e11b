/**
 * frames.csv and receptions.csv (nodes.csv: nodes-csv.ts): one header row, then data rows. Rows are written as
 * bytes (csv-bytes.ts), record by record as the run finalises them, so that a city's tens of
 * millions of rows never become one string; numbers are rounded to fixed decimals so that files
 * are byte-identical for the same scenario and seed. Columns are documented in
 * docs/reference/outputs.md ("CSV columns").
 */
import { csvText, encodeIds, type CsvBytes, type IdBytes } from './csv-bytes.ts';
import type { FrameRecord, ReceptionRecord } from './radio-tracker.ts';
import { blockReasons, createFrameStore, fateLabels, fateNumber, outcomes, type FrameRows } from './frame-rows.ts';
import { gatewaysDestination, type Fate } from '../radio/transmission.ts';

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

export const frameColumns = [
  'sender', 'seq', 'destination', 'outcome', 'blockReason', 'queuedAtMs', 'atMs', 'queueWaitMs', 'dutyCycleWaitMs', 'wakeWaitMs', 'airtimeMs',
  'channelMhz', 'sf', 'bandwidthKhz', 'txPowerDbm', 'phyBytes', 'messageId', 'fragmentIndex', 'fragmentCount', 'energyUj',
  'receivers', 'received', 'fate',
] as const;

/** frames.csv's columns: with LoRaWAN (`transmissions`), a last column says which transmission of the frame a row is. */
export function frameColumnsFor(transmissions: boolean): readonly string[] {
  return transmissions ? [...frameColumns, 'transmission'] : frameColumns;
}

/**
 * Writes frame records (slots of the tracker's columns) as rows of frames.csv; `ids` are the
 * nodes' ids, pre-encoded; `transmissions` adds the `transmission` column.
 */
export function frameRowWriter(csv: CsvBytes, ids: IdBytes, transmissions = false): (rows: FrameRows, slot: number) => void {
  const encoder = new TextEncoder();
  const broadcast = encoder.encode('*');
  const gateways = encoder.encode('gateways');
  const outcomeBytes = outcomes.map((label) => encoder.encode(label));
  const reasonBytes = blockReasons.map((label) => encoder.encode(label));
  const fateBytes = fateLabels.map((label) => encoder.encode(label));
  const decimal = createLabels((value) => encoder.encode(String(value)));
  return (r, i) => {
    const sent = r.outcome[i] === 0;
    csv.id(ids, r.sender[i]!);
    csv.comma();
    if (r.seq[i]! >= 0) csv.integer(r.seq[i]!);
    csv.comma();
    const destination = r.destination[i]!;
    if (destination >= 0) csv.id(ids, destination);
    else csv.bytes(destination === gatewaysDestination ? gateways : broadcast);
    csv.comma();
    csv.bytes(outcomeBytes[r.outcome[i]!]!);
    csv.comma();
    csv.bytes(reasonBytes[r.blockReason[i]!]!);
    csv.comma();
    csv.fixed(r.queuedAtMs[i]!, 3);
    csv.comma();
    csv.fixed(r.atMs[i]!, 3);
    csv.comma();
    csv.fixed(r.queueWaitMs[i]!, 3);
    csv.comma();
    csv.fixed(r.dutyCycleWaitMs[i]!, 3);
    csv.comma();
    csv.fixed(r.wakeWaitMs[i]!, 3);
    csv.comma();
    csv.fixed(r.airtimeMs[i]!, 3);
    csv.comma();
    if (r.channelHz[i]) csv.bytes(decimal(r.channelHz[i]! / 1e6));
    csv.comma();
    csv.integer(r.sf[i]!);
    csv.comma();
    if (r.bandwidthHz[i]) csv.bytes(decimal(r.bandwidthHz[i]! / 1e3));
    csv.comma();
    if (sent) csv.bytes(decimal(r.txPowerDbm[i]!));
    csv.comma();
    csv.integer(r.phyBytes[i]!);
    csv.comma();
    csv.integer(r.messageId[i]!);
    csv.comma();
    csv.integer(r.fragmentIndex[i]!);
    csv.comma();
    csv.integer(r.fragmentCount[i]!);
    csv.comma();
    csv.fixed(r.energyUj[i]!, 3);
    csv.comma();
    csv.integer(r.receivers[i]!);
    csv.comma();
    csv.integer(r.received[i]!);
    csv.comma();
    csv.bytes(fateBytes[r.fate[i]!]!);
    if (transmissions) {
      csv.comma();
      csv.integer(r.transmission[i]!);
    }
    csv.endRow();
  };
}

export function framesCsv(frames: readonly FrameRecord[], nodes: readonly NodeInfo[]): string {
  return csvText((csv) => {
    header(csv, frameColumns);
    const row = frameRowWriter(csv, encodedIds(nodes));
    const store = createFrameStore(Math.max(1, frames.length));
    for (const frame of frames) {
      const slot = store.allocate();
      storeRecord(store.rows, slot, frame);
      row(store.rows, slot);
    }
  });
}

export const receptionColumns = ['sender', 'seq', 'receiver', 'atMs', 'fate', 'rxPowerDbm', 'snrDb'] as const;

/** Writes receptions as rows of receptions.csv. */
export function receptionRowWriter(csv: CsvBytes, ids: IdBytes): (sender: number, seq: number, receiver: number, atMs: number, fate: Fate, rxPowerDbm: number, snrDb: number) => void {
  const encoder = new TextEncoder();
  const fateBytes = Object.fromEntries(fateLabels.filter((label) => label !== '').map((label) => [label, encoder.encode(label)])) as Record<Fate, Uint8Array>;
  return (sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) => {
    csv.id(ids, sender);
    csv.comma();
    csv.integer(seq);
    csv.comma();
    csv.id(ids, receiver);
    csv.comma();
    csv.fixed(atMs, 3);
    csv.comma();
    csv.bytes(fateBytes[fate]);
    csv.comma();
    csv.fixed(rxPowerDbm, 2);
    csv.comma();
    csv.fixed(snrDb, 2);
    csv.endRow();
  };
}

export function receptionsCsv(receptions: readonly ReceptionRecord[], nodes: readonly NodeInfo[]): string {
  return csvText((csv) => {
    header(csv, receptionColumns);
    const row = receptionRowWriter(csv, encodedIds(nodes));
    for (const r of receptions) row(r.sender, r.seq, r.receiver, r.atMs, r.fate, r.rxPowerDbm, r.snrDb);
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
export function encodedIds(nodes: readonly { readonly id: string }[]): IdBytes {
  return encodeIds(nodes.map((node) => node.id));
}

/** A frame record into a slot's columns. */
function storeRecord(r: FrameRows, slot: number, f: FrameRecord): void {
  r.sender[slot] = f.sender;
  r.seq[slot] = f.seq;
  r.destination[slot] = f.destination;
  r.outcome[slot] = outcomes.indexOf(f.outcome);
  r.blockReason[slot] = blockReasons.indexOf(f.blockReason);
  r.queuedAtMs[slot] = f.queuedAtMs;
  r.atMs[slot] = f.atMs;
  r.queueWaitMs[slot] = f.queueWaitMs;
  r.dutyCycleWaitMs[slot] = f.dutyCycleWaitMs;
  r.wakeWaitMs[slot] = f.wakeWaitMs;
  r.airtimeMs[slot] = f.airtimeMs;
  r.channelHz[slot] = f.channelHz;
  r.sf[slot] = f.sf;
  r.bandwidthHz[slot] = f.bandwidthHz;
  r.txPowerDbm[slot] = f.txPowerDbm;
  r.phyBytes[slot] = f.phyBytes;
  r.messageId[slot] = f.messageId;
  r.fragmentIndex[slot] = f.fragmentIndex;
  r.fragmentCount[slot] = f.fragmentCount;
  r.energyUj[slot] = f.energyUj;
  r.receivers[slot] = f.receivers;
  r.received[slot] = f.received;
  r.fate[slot] = f.fate === '' ? 0 : fateNumber[f.fate];
  r.transmission[slot] = f.transmission;
}

/** A small cache of the labels of the few distinct values a column takes (channels, bandwidths, powers). */
function createLabels<T>(label: (value: number) => T): (value: number) => T {
  const cache = new Map<number, T>();
  return (value) => {
    let text = cache.get(value);
    if (text === undefined) cache.set(value, (text = label(value)));
    return text;
  };
}
