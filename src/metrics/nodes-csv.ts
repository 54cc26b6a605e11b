/**
 * nodes.csv: a row per node, its radio tallies, energy, battery, memory and lifetime. Written as
 * bytes (csv-bytes.ts), a cell at a time, as the streamed files are: a city's 100,000 rows of
 * 40 cells no longer become 4 million strings, an array per row and one string of 20 MB (about
 * 0.6 s at the end of the 100,000-node day, most of it the garbage collector's). The text is
 * what csv-stringify makes of the same cells (test/metrics/nodes-csv.test.ts), so the file is
 * byte-identical to the one written before.
 */
import { createCsvBytes, type CsvBytes } from './csv-bytes.ts';
import type { NodeTally } from './radio-tracker.ts';
import { subBandOf, type Region, type SubBand } from '../radio/regions.ts';
import type { NodeReport } from './node-report.ts';
import { header, type NodeInfo } from './tables.ts';
import { csvCell } from './csv-record.ts';

export const nodeColumns = [
  'id', 'group', 'role', 'xM', 'yM', 'sf', 'bandwidthKhz', 'txPowerDbm', 'attempts', 'sent', 'dutyCycleBlocked', 'receptions',
  'receptionsReceived', 'der', 'framesHeard', 'messagesSent', 'messagesDelivered', 'airtimeMs', 'energyRadioTxJ', 'dutyCycleUse',
  'dutyCycleBudgetUse', 'mcu', 'battery', 'diedAtMs', 'deathReason', 'unsentAtDeath', 'energyJ', 'sleepJ', 'idleJ', 'listenJ', 'receiveJ',
  'transmitJ', 'computeJ', 'radioStandbyJ', 'stateOfCharge', 'batteryRemainingMah', 'peakSramBytes', 'peakFlashBytes', 'lifetimeDays',
  'lifetimeBasis',
] as const;

/**
 * nodes.csv's text, as UTF-8 bytes.
 *
 * Duty cycle per sub-band, the unit the regulation (and the MAC) applies it to:
 * `dutyCycleUse` is the node's busiest sub-band's airtime over the run's duration (compare it
 * with that sub-band's duty cycle, 0.01 for EU868 g1); `dutyCycleBudgetUse` is the largest
 * share of a sub-band's allowance the node used (1 = at the limit).
 */
export function nodesCsvBytes(tallies: readonly NodeTally[], nodes: readonly NodeInfo[], durationMs: number, region: Region, reports: readonly NodeReport[]): Buffer {
  const chunks: Buffer[] = [];
  const csv = createCsvBytes((chunk) => chunks.push(Buffer.from(chunk)));
  const cell = cellWriter(csv);
  header(csv, nodeColumns);
  const byBand = new Map<SubBand, number>();
  nodes.forEach((node, i) => {
    const t = tallies[i]!;
    byBand.clear();
    for (const [channelHz, airtimeMs] of t.airtimeByChannelMs) {
      const band = subBandOf(region, channelHz)!;
      byBand.set(band, (byBand.get(band) ?? 0) + airtimeMs);
    }
    let busiest = 0;
    for (const airtimeMs of byBand.values()) busiest = Math.max(busiest, airtimeMs);
    let budget = 0;
    for (const [band, airtimeMs] of byBand) budget = Math.max(budget, airtimeMs / durationMs / band.dutyCycle);
    cell.text(node.id, true);
    cell.text(node.group);
    cell.text(node.role);
    cell.fixed(node.xM, 2);
    cell.fixed(node.yM, 2);
    cell.number(node.sf);
    cell.number(node.bandwidthHz / 1e3);
    cell.number(node.txPowerDbm);
    cell.number(t.attempts);
    cell.number(t.sent);
    cell.number(t.dutyCycleBlocked);
    cell.number(t.receptions);
    cell.number(t.receptionsReceived);
    if (t.receptions > 0) cell.fixed(t.receptionsReceived / t.receptions, 6);
    else cell.text('');
    cell.number(t.framesHeard);
    cell.number(t.messagesSent);
    cell.number(t.messagesDelivered);
    cell.fixed(t.airtimeMs, 3);
    cell.fixed(t.txEnergyUj / 1e6, 6);
    cell.fixed(busiest / durationMs, 6);
    cell.fixed(budget, 6);
    reportCells(cell, reports[i]!, t);
    // The row's last cell may have filled the buffer to its end.
    csv.reserve(1);
    csv.endRow();
  });
  csv.flush();
  return Buffer.concat(chunks);
}

/** nodes.csv's text. */
export function nodesCsv(tallies: readonly NodeTally[], nodes: readonly NodeInfo[], durationMs: number, region: Region, reports: readonly NodeReport[]): string {
  return nodesCsvBytes(tallies, nodes, durationMs, region, reports).toString('utf8');
}

function reportCells(cell: CellWriter, report: NodeReport, tally: NodeTally): void {
  const e = report.energyJByState;
  cell.text(report.mcu);
  cell.text(report.battery);
  cell.optional(report.diedAtMs);
  cell.text(report.deathReason ?? '');
  cell.number(tally.unsentAtDeath);
  cell.number(report.energyJ);
  for (const value of [e.sleep, e.idle, e.listen, e.receive, e.transmit, e.compute, e.radioStandby]) cell.number(value);
  cell.optional(report.stateOfCharge);
  cell.optional(report.batteryRemainingMah);
  cell.number(report.peakSramBytes);
  cell.number(report.peakFlashBytes);
  cell.optional(report.lifetimeDays);
  cell.text(report.lifetimeBasis);
}

/** Cells of a row, each after a comma but the first (`text(value, true)`). */
interface CellWriter {
  text(value: string, first?: boolean): void;
  /** `String(value)`. */
  number(value: number): void;
  /** `String(round(value, digits))`. */
  fixed(value: number, digits: number): void;
  /** A number, or an empty cell for null. */
  optional(value: number | null): void;
}

const notPrintable = /[^ -~]/;
/** A comma and the longest text of a number (`-1.2345678901234567e-308`), with room to spare. */
const numberBytes = 32;

function cellWriter(csv: CsvBytes): CellWriter {
  return {
    text(value, first = false) {
      // Room for the comma and a printable ASCII cell, quoted and every character a quote.
      csv.reserve(2 * value.length + 3);
      if (!first) csv.comma();
      // Names from custom profiles may hold any character: beyond printable ASCII, UTF-8 quoted
      // as csv-stringify quotes it (`bytes` makes its own room).
      if (!notPrintable.test(value)) csv.text(value);
      else csv.bytes(Buffer.from(csvCell(value), 'utf8'));
    },
    number(value) {
      csv.reserve(numberBytes);
      csv.comma();
      csv.integer(value);
    },
    fixed(value, digits) {
      csv.reserve(numberBytes);
      csv.comma();
      csv.fixed(value, digits);
    },
    optional(value) {
      csv.reserve(numberBytes);
      csv.comma();
      if (value !== null) csv.integer(value);
    },
  };
}
