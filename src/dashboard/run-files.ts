/**
 * Reads what the dashboard shows from a run directory, streaming every table (`name.csv` or
 * `name.csv.gz`) without holding a file whole: the tables with only the columns the views read,
 * and, for a run too large to embed whole, samples of the largest and the figures the views
 * draw summed from every row (digest.json: views/run-digest.ts; docs/reference/dashboard.md,
 * "Large runs"), within `reportLimits`. Also the dashboard's meta (title, sub-bands with their duty cycles, and, for
 * an empty, unfinished or failed directory, a message saying so instead of a blank page).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { maxScenarioBytes, readBoundedText, TooLargeError } from '../scenario/bounded-text.ts';
import { regions, type RegionId } from '../radio/regions.ts';
import { subBandLabel } from '../metrics/series.ts';
import { readCsv, type CsvVisitor } from './read/csv-stream.ts';
import { createIdIndex, type IdIndex } from './read/id-index.ts';
import { createNodesTable, type NodesTable } from './digest/nodes-table.ts';
import type { ReportDigester } from './digest/report-digester.ts';
import type { TimeBins } from './views/time-bins.ts';
import { createSeriesDigest } from './digest/series-digest.ts';
import { createFramesDigest } from './digest/frames-digest.ts';
import { createReceptionsDigest, type ReceptionsDigestOptions, type ReceptionsDigestResult } from './digest/receptions-digest.ts';
import { apartFromBytes, startReceptionsApart, type ReceptionsApart } from './digest/receptions-apart.ts';
import { createWholeTable } from './digest/whole-table.ts';
import { summaryForPage } from './digest/summary-text.ts';
import { bandRanges, type BandRange } from './views/duty-cycle.ts';
import type { RunDigest } from './views/run-digest.ts';
import type { WrittenTexts } from '../run/result-files.ts';
import { runFileNames, type RunFileName, type RunFiles, type RunMeta } from './views/run-model.ts';

/**
 * How much of a large run a report holds. A report of a 100,000-node day is ~25 MB within
 * these, and draws in a few seconds in Chromium (bench/dashboard.ts).
 */
export const reportLimits = {
  /** Sent frames embedded (a systematic sample beyond). */
  frames: 100_000,
  /** Receptions embedded (a systematic sample beyond). */
  receptions: 100_000,
  /** Sender–receiver pairs tallied for the map's links. */
  pairs: 1_000_000,
  /** Links kept, most heard first (the map draws 1,500). */
  links: 1500,
  /** series.csv embedded whole up to this many rows and nodes; beyond, the series digest. */
  seriesRows: 100_000,
  seriesNodes: 2000,
  /** Battery lines wanted, and their rows at most. */
  lineNodes: 200,
  linePoints: 50_000,
  /** Sample times with figures kept (one in m beyond, and the last). */
  statsTimes: 1000,
  /** Bytes of the map's state-of-charge grid (nodes × sample times). */
  gridBytes: 4_000_000,
  /** Largest consumers kept per sample time (the joules view draws 30). */
  topConsumers: 30,
  /** Nodes the duty-cycle view follows in a large run. */
  followed: 60,
  /** summary.json embedded whole up to this many characters; beyond, without keys of more entries than `summaryEntries`. */
  summaryChars: 1 << 20,
  summaryEntries: 1000,
  /** Time bins of the exact figures: the report's slider steps. */
  bins: 1000,
} as const;

export type ReportLimits = { readonly [K in keyof typeof reportLimits]: number };

/** `dir/name.csv`, or `dir/name.csv.gz` (large runs write their per-frame files compressed), or undefined. */
export function tablePath(dir: string, name: string): string | undefined {
  for (const path of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(path) && statSync(path).isFile()) return path;
  return undefined;
}

/**
 * The files of `dir` (those that exist) and the meta the views need. `finishing`: the run is
 * writing its report into its own partial directory, whose RUNNING mark is about to go.
 * `streamed`: the digests of the run's streamed files, made as it wrote them
 * (digest/report-digester.ts), used instead of reading those files back: the same report.
 */
export async function readRunFiles(dir: string, finishing = false, limits: ReportLimits = reportLimits, receptionsApartFrom = apartFromBytes, streamed?: StreamedDigests, written?: WrittenFiles): Promise<RunFiles> {
  const files: RunFiles = {};
  const receptionsPath = tablePath(dir, 'receptions.csv');
  // Started first, so that it is ready once the time bins are known (after series.csv).
  const apart = streamed === undefined && receptionsPath !== undefined && statSync(receptionsPath).size >= receptionsApartFrom ? startReceptionsApart() : undefined;
  try {
    return await readTables(dir, finishing, limits, files, apart && receptionsPath !== undefined ? { apart, receptionsPath } : undefined, streamed, written);
  } finally {
    apart?.stop();
  }
}

/** The digests a run made of its streamed files as it wrote them. */
export type StreamedDigests = Pick<ReportDigester, 'series' | 'tables'>;

/**
 * Files the run has just written into the directory, as the text it wrote (run/result-files.ts):
 * taken from here instead of read back (summary.json is ~70 MB at 100,000 nodes; reading and
 * decoding it again took ~0.08 s of the 10,000-node day).
 */
export type WrittenFiles = Partial<WrittenTexts>;

/** Reads a table of the directory with `visitor`: false when the file is not there (a problem reading it is kept). */
type ReadTable = (name: RunFileName, visitor: CsvVisitor) => Promise<boolean>;

type NodesResult = ReturnType<NodesTable['result']>;

/** `receptions`: the thread that digests receptions.csv (at `receptionsPath`), when it is worth one. */
async function readTables(dir: string, finishing: boolean, limits: ReportLimits, files: RunFiles, receptions: { apart: ReceptionsApart; receptionsPath: string } | undefined, streamed: StreamedDigests | undefined, written: WrittenFiles | undefined): Promise<RunFiles> {
  // Why files were read only in part, in a fixed order (frames and receptions are read at once).
  const problemOf = new Map<string, string>();
  const read: ReadTable = async (name, visitor) => {
    const path = tablePath(dir, name);
    if (path === undefined) return false;
    const result = await readCsv(path, visitor);
    if (result.problem !== undefined) problemOf.set(name, `${result.problem}: what it held up to there is shown.`);
    return true;
  };
  const meta = scenarioMeta(dir);
  const summaryPath = join(dir, 'summary.json');
  let summaryLeftOut: RunDigest['summaryLeftOut'] = [];
  let summaryCounts: SummaryCounts = { drainedUntilMs: 0, sent: 0, receptions: 0 };
  const summaryText = written?.['summary.json'] ?? (existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : undefined);
  if (summaryText !== undefined) {
    const page = summaryForPage(summaryText, limits.summaryChars, limits.summaryEntries);
    files['summary.json'] = page.text;
    summaryLeftOut = page.leftOut;
    summaryCounts = countsOf(page.text);
  }
  const { drainedUntilMs } = summaryCounts;

  const nodesTable = createNodesTable(limits.followed);
  if (await read('nodes.csv', nodesTable)) files['nodes.csv'] = nodesTable.result().csv;
  const nodes = nodesTable.result();
  const ids = createIdIndex(nodes.ids);
  const receptionsOptions = { limit: limits.receptions, pairLimit: limits.pairs, links: limits.links, expected: summaryCounts.receptions };
  const digesting = receptions?.apart.digest({ ...receptionsOptions, path: receptions.receptionsPath, ids: nodes.ids, xs: nodes.xs, ys: nodes.ys });
  for (const name of ['tokens.csv', 'placement.csv', 'rounds.csv'] as const) {
    const table = createWholeTable();
    if (await read(name, table)) files[name] = table.result();
  }

  const { hasSeries, seriesResult } = await seriesOf(dir, read, ids, nodes.ids, limits, streamed);
  if (hasSeries) files['series.csv'] = seriesResult.csv;

  // The binned figures' grid is the run's end as the page will take it: known before the
  // frames, since every frame ends by the drained end.
  const bins = { spanMs: Math.max(drainedUntilMs, seriesResult.endMs, drainedUntilMs > 0 ? 0 : (meta.durationMs ?? 0)), count: limits.bins };
  const bands = bandRanges(meta.subBands);
  const receptionsApart = digesting?.result(bins);
  // Unhandled while frames.csv is read, a failure apart would end the process: it is awaited below.
  receptionsApart?.catch(() => undefined);
  const tables = await streamed?.tables({ bins, follow: nodes.busiest, bands, xs: nodes.xs, ys: nodes.ys }).catch(() => undefined);
  const { hasFrames, framesResult, hasReceptions, receptionsResult } = tables
    ? { hasFrames: tablePath(dir, 'frames.csv') !== undefined, framesResult: tables.frames, hasReceptions: tablePath(dir, 'receptions.csv') !== undefined, receptionsResult: tables.receptions }
    : await readFramesAndReceptions(read, problemOf, nodes, { ids, bins, bands, limits, sent: summaryCounts.sent, receptionsOptions, receptionsApart });
  if (hasFrames) files['frames.csv'] = framesResult.csv;
  // A sample of the receptions serves only when their links could not all be tallied.
  const receptionsKept = receptionsResult.every > 1 && receptionsResult.links !== null ? 0 : receptionsResult.kept;
  if (hasReceptions) files['receptions.csv'] = receptionsKept === receptionsResult.kept ? receptionsResult.csv : receptionsResult.header;

  const problems = runFileNames.flatMap((name) => problemOf.get(name) ?? []);
  const digest: RunDigest = {
    bins,
    endMs: Math.max(bins.spanMs, framesResult.endMs, seriesResult.endMs),
    nodes: nodes.ids.length,
    summaryLeftOut,
    problems,
    ...(framesResult.every > 1 && {
      frames: {
        shown: { rows: framesResult.sent, kept: framesResult.kept, every: framesResult.every },
        sentByBin: framesResult.sentByBin,
        followed: nodes.rankedBy === undefined ? [] : nodes.busiest,
        rankedBy: nodes.rankedBy ?? null,
        airtime: framesResult.airtime,
      },
    }),
    ...(receptionsResult.every > 1 && {
      receptions: { shown: { rows: receptionsResult.rows, kept: receptionsKept, every: receptionsResult.every }, pairs: receptionsResult.pairs, links: receptionsResult.links, delivery: receptionsResult.delivery },
    }),
    ...(seriesResult.digest !== undefined && { series: seriesResult.digest }),
  };
  if (digest.frames || digest.receptions || digest.series || summaryLeftOut.length > 0 || problems.length > 0) files['digest.json'] = JSON.stringify(digest);
  files['meta.json'] = JSON.stringify(runMeta(dir, meta, files, finishing));
  return files;
}

/** series.csv's digest: made as the run wrote the file, or, failing that, the file read back. */
async function seriesOf(dir: string, read: ReadTable, ids: IdIndex, nodeIds: readonly string[], limits: ReportLimits, streamed: StreamedDigests | undefined) {
  const streamedSeries = await streamed?.series().catch(() => undefined);
  if (streamedSeries) return { hasSeries: tablePath(dir, 'series.csv') !== undefined, seriesResult: streamedSeries };
  const series = createSeriesDigest({ ids, nodeIds, limit: limits.seriesRows, wholeNodes: limits.seriesNodes, lineNodes: limits.lineNodes, linePoints: limits.linePoints, statsTimes: limits.statsTimes, gridBytes: limits.gridBytes, top: limits.topConsumers });
  const hasSeries = await read('series.csv', series);
  return { hasSeries, seriesResult: series.result() };
}

/** frames.csv and receptions.csv read back (receptions.csv on a thread of its own when `receptionsApart`). */
async function readFramesAndReceptions(
  read: ReadTable,
  problemOf: Map<string, string>,
  nodes: NodesResult,
  options: { ids: IdIndex; bins: TimeBins; bands: readonly BandRange[]; limits: ReportLimits; sent: number; receptionsOptions: ReceptionsDigestOptions; receptionsApart: Promise<{ result: ReceptionsDigestResult; problem: string | undefined }> | undefined },
) {
  const { bins, receptionsApart } = options;
  const frames = createFramesDigest({ bins, follow: nodes.busiest, followIds: nodes.busiest.map((i) => nodes.ids[i]!), bands: options.bands, limit: options.limits.frames, expected: options.sent });
  const hasFrames = await read('frames.csv', frames);
  const framesResult = frames.result();
  const here = createReceptionsDigest(options.receptionsOptions);
  const hasReceptions = receptionsApart !== undefined || (await read('receptions.csv', here));
  const apartDigest = await receptionsApart;
  if (apartDigest?.problem !== undefined) problemOf.set('receptions.csv', `${apartDigest.problem}: what it held up to there is shown.`);
  const receptionsResult = apartDigest?.result ?? here.result(bins, { ids: options.ids, xs: nodes.xs, ys: nodes.ys });
  return { hasFrames, framesResult, hasReceptions, receptionsResult };
}

interface SummaryCounts {
  readonly drainedUntilMs: number;
  /** Sent frames and receptions: how many rows frames.csv (sent) and receptions.csv hold, which sets the sampling step at once. */
  readonly sent: number;
  readonly receptions: number;
}

/** summary.json's drained end and frame counts (0 where absent). */
function countsOf(text: string): SummaryCounts {
  const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);
  try {
    const summary = JSON.parse(text) as { drainedUntilMs?: unknown; frames?: { sent?: unknown; receptions?: unknown } };
    return { drainedUntilMs: count(summary.drainedUntilMs), sent: count(summary.frames?.sent), receptions: count(summary.frames?.receptions) };
  } catch {
    return { drainedUntilMs: 0, sent: 0, receptions: 0 };
  }
}

/** The title, sub-bands and duration of the run's scenario.yaml (defaults without one). */
function scenarioMeta(dir: string): RunMeta {
  let title = `run ${basename(dir)}`;
  let subBands: RunMeta['subBands'] = [];
  let durationMs: number | undefined;
  let kind: RunMeta['kind'];
  let accuracyTarget: number | undefined;
  const scenarioPath = join(dir, 'scenario.yaml');
  if (existsSync(scenarioPath)) {
    try {
      // Bounded as a scenario file is, and without yaml's check of each key against every other (the title and bands need neither).
      const scenario = parseYaml(readBoundedText(scenarioPath, maxScenarioBytes), { uniqueKeys: false }) as { name?: unknown; seed?: unknown; region?: unknown; duration?: unknown; inference?: unknown; federated?: { targetAccuracy?: unknown } | null };
      if (typeof scenario.name === 'string') title = `${scenario.name}${typeof scenario.seed === 'number' ? `, seed ${scenario.seed}` : ''}`;
      const region = regions[scenario.region as RegionId] as (typeof regions)[RegionId] | undefined;
      if (region) subBands = region.subBands.map((band) => ({ label: subBandLabel(band), dutyCycle: band.dutyCycle }));
      if (typeof scenario.duration === 'number') durationMs = scenario.duration;
      kind = scenario.inference ? 'serving' : scenario.federated ? 'federated' : 'radio';
      if (typeof scenario.federated?.targetAccuracy === 'number') accuracyTarget = scenario.federated.targetAccuracy;
    } catch {
      // A scenario that does not parse leaves the title and sub-bands at their defaults.
    }
  }
  return { title, subBands, ...(durationMs !== undefined && { durationMs }), ...(kind && { kind }), ...(accuracyTarget !== undefined && { accuracyTarget }) };
}

function runMeta(dir: string, meta: RunMeta, files: RunFiles, finishing: boolean): RunMeta {
  const problem = finishing ? undefined : directoryProblem(dir, files);
  return { ...meta, ...(problem !== undefined && { problem }) };
}

/** Why `dir` shows less than a whole run, or undefined for a finished run. */
function directoryProblem(dir: string, files: RunFiles): string | undefined {
  const failed = join(dir, 'FAILED.txt');
  if (existsSync(failed)) return `This run failed and left a partial directory (${dir}): ${firstLineOf(failed)}. What it wrote before it stopped is shown below.`;
  if (existsSync(join(dir, 'RUNNING'))) return `This run has not finished (${dir} is its partial directory, marked RUNNING). What it has written so far is shown below.`;
  if (files['summary.json'] === undefined) {
    const present = Object.keys(files).filter((name) => name !== 'digest.json');
    const entries = existsSync(dir) ? readdirSync(dir) : [];
    if (present.length === 0) {
      return `${dir} holds no loraswarm run: expected summary.json, nodes.csv and series.csv, found ${entries.length === 0 ? 'an empty directory' : entries.slice(0, 5).join(', ')}. Write one with \`loraswarm run <scenario> --out ${dir}\`.`;
    }
    return `${dir} is incomplete: summary.json is missing, so only ${present.join(', ')} can be shown.`;
  }
  return undefined;
}

/** FAILED.txt's first line, from its first 64 KiB (what a run writes there is a line or a few). */
function firstLineOf(file: string): string {
  try {
    return readBoundedText(file, 1 << 16).split('\n')[0]!.trim();
  } catch (error) {
    return error instanceof TooLargeError ? 'its FAILED.txt is longer than a run writes' : 'its FAILED.txt cannot be read';
  }
}
