/**
 * The report digested on the CSV writer thread (digest/report-digester.ts) against the files
 * read back: a city of 3,003 nodes whose 30,000 frames, their receptions and six hours of
 * series rows go through the writer thread with the report's digest as its tap, gzip-compressed
 * or not, gives the same report byte for byte, within small limits (every figure sampled as a
 * 100,000-node day's is) and within limits nothing passes; without series.csv sampled by the run
 * (workers) series.csv is read back; a digest that fails leaves the report to the files, which
 * are written all the same.
 */
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFiles, reportLimits, type ReportLimits } from '../../../src/dashboard/run-files.ts';
import { reportDigesterOf, startReportWriter } from '../../../src/dashboard/digest/report-digester.ts';
import type { DigestTap } from '../../../src/dashboard/digest/report-digester-protocol.ts';
import { encodeIds } from '../../../src/metrics/csv-bytes.ts';
import { startCsvThread } from '../../../src/metrics/csv-thread.ts';
import type { StreamSpec } from '../../../src/metrics/csv-thread-protocol.ts';
import { createFrameStore, fateLabels } from '../../../src/metrics/frame-rows.ts';
import { seriesColumns } from '../../../src/metrics/series.ts';
import { frameColumnsFor, receptionColumns } from '../../../src/metrics/tables.ts';
import { energyStates } from '../../../src/hw/energy-ledger-types.ts';
import { regions } from '../../../src/radio/regions.ts';
import type { Fate } from '../../../src/radio/transmission.ts';
import { writeSyntheticRun } from '../synthetic-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-report-digester-'));
const base = join(dir, 'base');
const small: ReportLimits = { ...reportLimits, frames: 1000, receptions: 1000, lineNodes: 50, followed: 40, summaryChars: 10_000 };
const none: ReportLimits = { ...reportLimits, frames: 1e9, receptions: 1e9, seriesRows: 1e9, seriesNodes: 1e9, summaryChars: 1e12 };
const gateways = 3;
const durationMs = 6 * 3_600_000;
let nodeIds: string[];

beforeAll(() => {
  // Its nodes.csv, scenario.yaml and summary.json; the rows are the test's own.
  writeSyntheticRun(base, { nodes: 3000, gateways, frames: 100, durationMs, sampleMs: 3_600_000, seed: 7, gzip: false });
  nodeIds = readFileSync(join(base, 'nodes.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]!);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded LCG in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Written {
  readonly out: string;
  readonly digested: boolean;
  readonly sent: number;
  readonly receptions: number;
}

/**
 * A run directory `name` whose streamed files the writer thread writes from seeded rows, with the
 * report's digest as its tap (`tap`: its options, which may make it fail); `series`: the run
 * samples series.csv itself. Returns the report read with the digest's answers, and the files.
 */
async function digestedRun(name: string, options: { gzip: boolean; limits: ReportLimits; series: boolean; tap?: DigestTap }): Promise<Written & { report: string }> {
  const out = join(dir, name);
  mkdirSync(out);
  // A run with workers: series.csv merged from theirs at the end.
  for (const file of ['nodes.csv', 'scenario.yaml', ...(options.series ? [] : ['series.csv'])]) writeFileSync(join(out, file), readFileSync(join(base, file)));
  const suffix = options.gzip ? '.csv.gz' : '.csv';
  const streams: StreamSpec[] = [
    { kind: 'frames', path: join(out, `frames${suffix}`), gzip: options.gzip, columns: frameColumnsFor(false) },
    { kind: 'receptions', path: join(out, `receptions${suffix}`), gzip: options.gzip, columns: receptionColumns },
  ];
  const bands = regions.eu868.subBands.slice(0, 1);
  if (options.series) streams.push({ kind: 'series', path: join(out, 'series.csv'), gzip: false, columns: seriesColumns(bands) });
  const mains = nodeIds.map((_, i) => i < gateways);
  const thread = startCsvThread({ streams, ids: encodeIds(nodeIds), mains, transmissions: false, seriesEnergyStates: energyStates.length, seriesBands: bands.length, tap: options.tap ?? { limits: options.limits } }, startReportWriter());
  const digester = reportDigesterOf(thread);
  try {
    const { sent, receptions } = writeRows(thread, options.series);
    await thread.close();
    writeFileSync(join(out, 'summary.json'), JSON.stringify({ drainedUntilMs: durationMs, frames: { sent, receptions } }));
    const report = JSON.stringify(await readRunFiles(out, false, options.limits, Number.POSITIVE_INFINITY, digester));
    return { out, digested: digester.served, sent, receptions, report };
  } finally {
    await digester.stop();
  }
}

/** 30,000 frames in time order (one in fifty blocked), a reception at one to three gateways each, and every node sampled hourly. */
function writeRows(thread: ReturnType<typeof startCsvThread>, series: boolean): { sent: number; receptions: number } {
  const random = lcg(3);
  const store = createFrameStore(1);
  const slot = store.allocate();
  const r = store.rows;
  const energyUj = new Float64Array(energyStates.length);
  const dutyCycleUse = new Float64Array(1);
  let sent = 0;
  let receptions = 0;
  let sampledAtMs = 0;
  for (let f = 0; f < 30_000; f++) {
    const atMs = (f + random()) * (durationMs / 30_000);
    while (series && sampledAtMs <= atMs) {
      for (let node = 0; node < nodeIds.length; node++) {
        energyUj.forEach((_, s) => (energyUj[s] = random() * 1e6 * (sampledAtMs + 1)));
        dutyCycleUse[0] = random() / 100;
        thread.seriesSink!(sampledAtMs, node, random() < 0.98, node < gateways ? Number.NaN : 1 - sampledAtMs / durationMs / 2, 2000 * random(), energyUj, dutyCycleUse);
      }
      sampledAtMs += 3_600_000;
    }
    const blocked = f % 50 === 49;
    r.sender[slot] = gateways + Math.floor(random() * (nodeIds.length - gateways));
    r.seq[slot] = blocked ? -1 : f;
    r.destination[slot] = -2;
    r.outcome[slot] = blocked ? 1 : 0;
    r.blockReason[slot] = blocked ? 1 : 0;
    r.queuedAtMs[slot] = atMs - random() * 10;
    r.atMs[slot] = atMs;
    r.airtimeMs[slot] = 41.216 * 2 ** Math.floor(random() * 6);
    r.channelHz[slot] = blocked ? 0 : 868_100_000 + 200_000 * Math.floor(random() * 3);
    r.sf[slot] = 7 + Math.floor(random() * 6);
    r.bandwidthHz[slot] = 125_000;
    r.txPowerDbm[slot] = 14;
    r.fate[slot] = blocked ? 0 : 1 + Math.floor(random() * (fateLabels.length - 1));
    thread.sink.frame!(r, slot, store);
    if (blocked) continue;
    sent++;
    const heard = 1 + Math.floor(random() * gateways);
    for (let g = 0; g < heard; g++, receptions++) {
      const snrDb = random() < 0.05 ? Number.NEGATIVE_INFINITY : -20 + 30 * random();
      thread.sink.reception!(r.sender[slot]!, f, g, atMs + r.airtimeMs[slot]!, fateLabels[1 + Math.floor(random() * (fateLabels.length - 1))] as Fate, -130 + 40 * random(), snrDb);
    }
  }
  return { sent, receptions };
}

describe('the report digested on the writer thread', () => {
  it('is the report read from the files, sampled or whole, compressed or not', async () => {
    for (const [name, limits, gzip] of [['small', small, true], ['none', none, false]] as const) {
      const run = await digestedRun(name, { gzip, limits, series: true });
      expect([run.digested, run.sent, run.receptions]).toEqual([true, 29_400, 58_628]);
      const read = JSON.stringify(await readRunFiles(run.out, false, limits));
      expect(JSON.parse(read)['digest.json'] !== undefined).toBe(limits === small);
      expect(run.report).toBe(read);
    }
  }, 120_000);

  it('reads series.csv back when the run did not sample it itself (workers)', async () => {
    const run = await digestedRun('workers', { gzip: true, limits: small, series: false });
    // The digest answered for frames.csv and receptions.csv.
    expect(run.digested).toBe(true);
    expect(run.report).toBe(JSON.stringify(await readRunFiles(run.out, false, small)));
    expect(JSON.parse(run.report)['series.csv']).toContain('n-000');
  }, 120_000);

  it('outlives its closed files until ended, and an abort then closes no file again', async () => {
    const out = join(dir, 'aborted');
    mkdirSync(out);
    const streams: StreamSpec[] = [
      { kind: 'frames', path: join(out, 'frames.csv'), gzip: false, columns: frameColumnsFor(false) },
      { kind: 'receptions', path: join(out, 'receptions.csv'), gzip: false, columns: receptionColumns },
    ];
    const thread = startCsvThread({ streams, ids: encodeIds(nodeIds), mains: nodeIds.map(() => false), transmissions: false, seriesEnergyStates: energyStates.length, seriesBands: 0, tap: { limits: small } }, startReportWriter());
    thread.sink.reception!(5, 1, 0, 10, 'received', -100, 5);
    await thread.close();
    const digester = reportDigesterOf(thread);
    expect(await digester.series()).toBeUndefined();
    // A run that fails after closing its files (writing summary.json, say) aborts them: the
    // descriptors' numbers, free since, may be other files'.
    const others = [openSync(join(out, 'a'), 'w'), openSync(join(out, 'b'), 'w')];
    await thread.abort();
    for (const fd of others) {
      expect(() => fstatSync(fd)).not.toThrow();
      closeSync(fd);
    }
    await expect(digester.series()).rejects.toThrow('the CSV writer thread');
  });

  it('leaves the report to the files when the digest fails, and writes them all the same', async () => {
    // A sample of no rows: the digest cannot start.
    const run = await digestedRun('failed', { gzip: false, limits: small, series: true, tap: { limits: { ...small, frames: 0 } } });
    expect(run.digested).toBe(false);
    expect(run.report).toBe(JSON.stringify(await readRunFiles(run.out, false, small)));
    expect(readFileSync(join(run.out, 'frames.csv'), 'latin1').trim().split('\n')).toHaveLength(30_001);
  }, 120_000);
});
