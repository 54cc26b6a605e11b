/**
 * nodes.csv written as bytes, a cell at a time (nodes-csv.ts), against csv-stringify's text of
 * the same cells as the table was built before it: each node's values in an array (numbers
 * rounded with `round`, absent values as ''), the whole table stringified at once. Random
 * nodes with tallies, reports and names of every kind (commas, quotes, line breaks, Unicode)
 * must give the same bytes.
 */
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../../src/metrics/node-report.ts';
import type { NodeTally } from '../../src/metrics/node-tallies.ts';
import { nodeColumns, nodesCsvBytes } from '../../src/metrics/nodes-csv.ts';
import { round } from '../../src/metrics/stats.ts';
import type { NodeInfo } from '../../src/metrics/tables.ts';
import { regions, subBandOf, type SubBand } from '../../src/radio/regions.ts';

const region = regions.eu868;
const durationMs = 86_400_000;
/** Channels in three sub-bands of EU868 (g, g1 twice, g3). */
const channels = [867.1e6, 868.1e6, 868.3e6, 869.525e6];

const name = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', '-', '\t'), maxLength: 8 }));
const count = fc.oneof(fc.nat({ max: 100_000 }), fc.constantFrom(2 ** 53, 1e21, 0.5, -3));
const real = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: 0, max: 1e-3, noNaN: true }),
  fc.double(),
  fc.constantFrom(0, -0, 1.005, 2.675, 123456.789, 1e15, 2 ** 53 + 2, 1e21, -7.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const maybe = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(value, { nil: null });

const node = fc.record({
  info: fc.record({ id: name, group: name, role: fc.constantFrom('sink', 'node'), xM: real, yM: real, sf: fc.integer({ min: 7, max: 12 }), bandwidthHz: fc.constantFrom(125_000, 250_000, 7800), txPowerDbm: fc.integer({ min: -4, max: 27 }), channelsHz: fc.constant(channels) }),
  tally: fc.record({
    attempts: count, sent: count, dutyCycleBlocked: count, airtimeMs: real, txEnergyUj: real, receptions: count, receptionsReceived: count, framesHeard: count,
    messagesSent: count, messagesDelivered: count, unsentAtDeath: count, faults: count, diedAtMs: fc.constant(undefined), deathReason: fc.constant(undefined),
    airtimeByChannelMs: fc.array(fc.tuple(fc.constantFrom(...channels), fc.double({ min: 0, max: 1e7, noNaN: true })), { maxLength: 4 }).map((pairs) => new Map(pairs)),
  }),
  report: fc.record({
    mcu: name, battery: name, diedAtMs: maybe(real), deathReason: maybe(name), energyJ: real,
    energyJByState: fc.record({ sleep: real, idle: real, listen: real, receive: real, transmit: real, compute: real, radioStandby: real }),
    stateOfCharge: maybe(real), batteryRemainingMah: maybe(real), peakSramBytes: count, peakFlashBytes: count, lifetimeDays: maybe(real), lifetimeBasis: name,
  }),
});

/** A node's cells as nodes.csv's table was built before it was written as bytes. */
function cellsOf(info: NodeInfo, t: NodeTally, report: NodeReport): (string | number)[] {
  const byBand = new Map<SubBand, number>();
  for (const [channelHz, airtimeMs] of t.airtimeByChannelMs) {
    const band = subBandOf(region, channelHz)!;
    byBand.set(band, (byBand.get(band) ?? 0) + airtimeMs);
  }
  let busiest = 0;
  for (const airtimeMs of byBand.values()) busiest = Math.max(busiest, airtimeMs);
  let budget = 0;
  for (const [band, airtimeMs] of byBand) budget = Math.max(budget, airtimeMs / durationMs / band.dutyCycle);
  const e = report.energyJByState;
  return [
    info.id, info.group, info.role, round(info.xM, 2), round(info.yM, 2), info.sf, info.bandwidthHz / 1e3, info.txPowerDbm,
    t.attempts, t.sent, t.dutyCycleBlocked, t.receptions, t.receptionsReceived, t.receptions > 0 ? round(t.receptionsReceived / t.receptions, 6) : '',
    t.framesHeard, t.messagesSent, t.messagesDelivered, round(t.airtimeMs, 3), round(t.txEnergyUj / 1e6, 6), round(busiest / durationMs, 6), round(budget, 6),
    report.mcu, report.battery, report.diedAtMs ?? '', report.deathReason ?? '', t.unsentAtDeath, report.energyJ,
    e.sleep, e.idle, e.listen, e.receive, e.transmit, e.compute, e.radioStandby,
    report.stateOfCharge ?? '', report.batteryRemainingMah ?? '', report.peakSramBytes, report.peakFlashBytes, report.lifetimeDays ?? '', report.lifetimeBasis,
  ];
}

describe('nodes.csv as bytes', () => {
  it('writes what csv-stringify wrote of the same cells, for random nodes and names', () => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 8 }), (nodes) => {
        const infos = nodes.map((n) => n.info);
        const tallies = nodes.map((n) => n.tally as NodeTally);
        const reports = nodes.map((n) => ({ ...n.report, id: n.info.id }) as unknown as NodeReport);
        const expected = stringify([[...nodeColumns], ...nodes.map((_, i) => cellsOf(infos[i]!, tallies[i]!, reports[i]!))]);
        expect(nodesCsvBytes(tallies, infos, durationMs, region, reports).toString('utf8')).toBe(expected);
      }),
      { numRuns: 1500, seed: 14 },
    );
  });

  it('grows its buffer for rows longer than a buffer’s headroom', () => {
    const long = 'x'.repeat(3000);
    const tally: NodeTally = { attempts: 1, sent: 1, dutyCycleBlocked: 0, airtimeMs: 1.5, txEnergyUj: 2, receptions: 0, receptionsReceived: 0, framesHeard: 0, messagesSent: 1, messagesDelivered: 0, unsentAtDeath: 0, faults: 0, diedAtMs: undefined, deathReason: undefined, airtimeByChannelMs: new Map() };
    const energy = { sleep: 1e-7, idle: 0, listen: 0, receive: 0, transmit: 0, compute: 0, radioStandby: 0 };
    const report = { id: 'n', mcu: long, battery: long, diedAtMs: null, deathReason: null, energyJ: -1.2345678901234567e-308, energyJByState: energy, stateOfCharge: null, batteryRemainingMah: null, peakSramBytes: 0, peakFlashBytes: 0, lifetimeDays: null, lifetimeBasis: long } as unknown as NodeReport;
    const info: NodeInfo = { id: long, group: long, role: 'node', xM: 0, yM: 0, sf: 7, bandwidthHz: 125_000, txPowerDbm: 14, channelsHz: channels };
    const rows = 400;
    const text = nodesCsvBytes(Array(rows).fill(tally), Array(rows).fill(info), durationMs, region, Array(rows).fill(report)).toString('utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(rows + 2);
    expect(new Set(lines.slice(1, -1)).size).toBe(1);
    expect(lines[1]).toBe(`${long},${long},node,0,0,7,125,14,1,1,0,0,0,,0,1,0,1.5,0.000002,0,0,${long},${long},,,0,-1.2345678901234567e-308,1e-7,0,0,0,0,0,0,,,0,0,,${long}`);
  });

  it('ends a row whose last cell fills a buffer to its very end', () => {
    const tally: NodeTally = { attempts: 1, sent: 1, dutyCycleBlocked: 0, airtimeMs: 1.5, txEnergyUj: 2, receptions: 0, receptionsReceived: 0, framesHeard: 0, messagesSent: 1, messagesDelivered: 0, unsentAtDeath: 0, faults: 0, diedAtMs: undefined, deathReason: undefined, airtimeByChannelMs: new Map() };
    const energy = { sleep: 0, idle: 0, listen: 0, receive: 0, transmit: 0, compute: 0, radioStandby: 0 };
    const reportOf = (lifetimeBasis: string) => ({ id: 'n', mcu: 'm', battery: 'b', diedAtMs: null, deathReason: null, energyJ: 0, energyJByState: energy, stateOfCharge: null, batteryRemainingMah: null, peakSramBytes: 0, peakFlashBytes: 0, lifetimeDays: null, lifetimeBasis }) as unknown as NodeReport;
    const infoOf = (id: string): NodeInfo => ({ id, group: 'g', role: 'node', xM: 0, yM: 0, sf: 7, bandwidthHz: 125_000, txPowerDbm: 14, channelsHz: channels });
    // Lengths found to end the first row's last cell exactly at the first 1 MiB buffer's end
    // (all quotes: each doubled; CJK: three bytes each), and the lengths around them.
    for (const [idLength, basis] of [[1000, '"'.repeat(523534)], [1001, '日'.repeat(349023)], [1000, '"'.repeat(523533)], [1002, '日'.repeat(349023)]] as const) {
      const text = nodesCsvBytes([tally, tally], [infoOf('x'.repeat(idLength)), infoOf('second')], durationMs, region, [reportOf(basis), reportOf('mains')]).toString('utf8');
      const lines = text.split('\n');
      expect(lines, `${idLength}`).toHaveLength(4);
      expect(lines[2]!.startsWith('second,g,node,')).toBe(true);
    }
  });
});
