/**
 * The report's digests made as a run writes its files (digest/report-digester.ts) against the
 * files read back: a synthetic city (3,003 nodes, 30,000 frames) whose files' bytes are teed in
 * chunks cut anywhere, within small limits (every figure sampled as a 100,000-node day's is) and
 * within limits nothing passes, gives the same report byte for byte; without series bytes (a
 * run with workers) series.csv is read back; a tee that closes before its end leaves the
 * report to the files, the same again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFiles, reportLimits, tablePath, type ReportLimits } from '../../../src/dashboard/run-files.ts';
import { startReportDigester, type ReportDigester } from '../../../src/dashboard/digest/report-digester.ts';
import { teeGoneCell, teeTakenCell, type StreamKind, type TeeMessage } from '../../../src/metrics/csv-thread-protocol.ts';
import { writeSyntheticRun, type SyntheticRun } from '../synthetic-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-report-digester-'));
const run = join(dir, 'gz');
const small: ReportLimits = { ...reportLimits, frames: 1000, receptions: 1000, lineNodes: 50, followed: 40, summaryChars: 10_000 };
const none: ReportLimits = { ...reportLimits, frames: 1e9, receptions: 1e9, seriesRows: 1e9, seriesNodes: 1e9, summaryChars: 1e12 };
let nodeIds: string[];
let written: SyntheticRun;

beforeAll(() => {
  written = writeSyntheticRun(run, { nodes: 3000, gateways: 3, frames: 30_000, durationMs: 6 * 3_600_000, sampleMs: 3_600_000, seed: 7, gzip: true });
  nodeIds = readFileSync(join(run, 'nodes.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]!);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The file's bytes as its writer would tee them: uncompressed, in chunks of `size` bytes; returns how many chunks. */
function tee(digester: ReportDigester, kinds: readonly StreamKind[], size: number, end = true): number {
  let chunks = 0;
  for (const kind of kinds) {
    const path = tablePath(run, `${kind}.csv`)!;
    const raw = readFileSync(path);
    const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
    for (let at = 0; at < bytes.length; at += size, chunks++) digester.tee.port.postMessage({ kind, bytes: new Uint8Array(bytes.subarray(at, at + size)) } satisfies TeeMessage);
  }
  if (end) digester.tee.port.postMessage({ end: true } satisfies TeeMessage);
  digester.tee.port.close();
  return chunks;
}

async function streamedReport(limits: ReportLimits, kinds: readonly StreamKind[], size: number, end = true): Promise<string> {
  const digester = startReportDigester(nodeIds, limits);
  try {
    tee(digester, kinds, size, end);
    return JSON.stringify(await readRunFiles(run, false, limits, Number.POSITIVE_INFINITY, digester));
  } finally {
    await digester.stop();
  }
}

describe('the report digested as the run writes its files', () => {
  it('is the report read from the files, sampled or whole, whatever the chunks', async () => {
    for (const limits of [small, none]) {
      const read = JSON.stringify(await readRunFiles(run, false, limits));
      expect(JSON.parse(read)['digest.json'] !== undefined).toBe(limits === small);
      for (const size of [1 << 16, 977]) expect(await streamedReport(limits, ['frames', 'receptions', 'series'], size)).toBe(read);
    }
  }, 60_000);

  it('reads series.csv back when its bytes did not come (workers), and every file when the tee ended early', async () => {
    const read = JSON.stringify(await readRunFiles(run, false, small));
    expect(await streamedReport(small, ['frames', 'receptions'], 1 << 16)).toBe(read);
    expect(await streamedReport(small, ['frames', 'receptions', 'series'], 1 << 16, false)).toBe(read);
  }, 60_000);

  it('answers from the bytes teed, and without series.csv\'s when they did not come', async () => {
    for (const kinds of [['frames', 'receptions', 'series'], ['frames', 'receptions']] as const) {
      const digester = startReportDigester(nodeIds, small);
      try {
        const chunks = tee(digester, kinds, 4096);
        expect((await digester.series())?.rows).toBe(kinds.length === 3 ? written.seriesRows : undefined);
        // Every chunk counted as taken, for the writer's bound on chunks in flight.
        expect(Atomics.load(new Int32Array(digester.tee.flow), teeTakenCell)).toBe(chunks);
        const { frames, receptions } = await digester.tables({ bins: { spanMs: written.drainedUntilMs, count: 1000 }, follow: [5, 9], bands: [], xs: [], ys: [] });
        expect([frames.sent, frames.every, frames.kept, receptions.rows]).toEqual([written.sent, 32, Math.ceil(written.sent / 32), written.receptions]);
      } finally {
        await digester.stop();
      }
    }
  });

  it('fails what is still asked once stopped, and releases the writer', async () => {
    const digester = startReportDigester(nodeIds, small);
    await digester.stop();
    await expect(digester.series()).rejects.toThrow("the report's digester thread was stopped");
    // And the writer thread waits for it no more.
    expect(Atomics.load(new Int32Array(digester.tee.flow), teeGoneCell)).toBe(1);
  });
});
