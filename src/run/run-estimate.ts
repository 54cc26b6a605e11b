/**
 * What a run will cost, estimated from the scenario before it runs: frames, events, series
 * rows, peak memory, the size of its files and its CPU time, and the bounds beyond which `run`
 * refuses to start unless told to (`--ignore-limits`). A scenario that validates can still ask
 * for years of CPU or terabytes of files (`sampling.interval: 1ms`, a 100-year duration): it is
 * said up front, not found out hours later.
 *
 * The figures are calibrated on the development machine (docs/explanation/performance.md):
 * about two events per frame (poisson-1000: 173,045 events for 86,158 frames), one event per sample time,
 * ~100,000 events per CPU-second for a whole run at 10,000–100,000 nodes (50,000 frames), ~115 bytes per row
 * of frames.csv, ~55 per reception and ~95 per series row (a fifth of that gzip-compressed),
 * and 200 MiB plus ~20 KiB per node of memory (100,000 nodes around 100 gateways: 2.3 GiB).
 * Applications (inference, federated learning) add frames the traffic does not say: for them
 * the frames are a lower bound.
 *
 * @example
 * const estimate = estimateRun(scenario, swarm);
 * const problems = estimateProblems(estimate, { memoryBytes: totalmem() });
 */
import { existsSync, statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Scenario } from '../scenario/schema.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';

export interface RunEstimate {
  /** Frames the nodes' traffic is expected to send (fragments counted). */
  readonly frames: number;
  readonly events: number;
  /** Rows of series.csv: every node at every sample time. */
  readonly seriesRows: number;
  readonly peakMemoryBytes: number;
  readonly outputBytes: number;
  readonly cpuSeconds: number;
}

/** The bounds a run must stay within unless `--ignore-limits` is given. */
export const runLimits = {
  /** Of the machine's memory, the share a run may expect to use. */
  memoryShare: 0.8,
  /** Events: ~14 hours of CPU. */
  events: 1e10,
  /** Series rows: ~19 GB of series.csv (100,000 nodes sampled every 15 minutes for a day: 9.6 million). */
  seriesRows: 2e8,
} as const;

const eventsPerFrame = 2;
const eventsPerCpuSecond = 100_000;
const seriesRowsPerCpuSecond = 1_000_000;
const frameRowBytes = 115;
const receptionRowBytes = 55;
const seriesRowBytes = 95;
const gzipShare = 0.2;
const baseMemoryBytes = 200 * 2 ** 20;
const memoryPerNodeBytes = 20 * 2 ** 10;
/** Per-frame files are compressed above this many expected frames (`--compress auto`). */
export const autoCompressFrames = 1_000_000;

/**
 * Above this many expected frames, `--write-thread auto` formats the streamed files on a thread
 * of their own: about where the thread's start (~40 ms of the second core) costs less than the
 * formatting it takes off the simulation's thread (~1.5 µs per frame with its receptions).
 */
export const autoThreadFrames = 20_000;

/**
 * On two cores, above this many expected frames `--report-thread auto` digests the report on the
 * writer thread as it writes the files (dashboard/digest/report-digester.ts), compressed or not.
 * The digest, from the rows' numbers, costs the writer thread less than its formatting, but on
 * two cores the simulation's thread shares the second core with it, and slows by about as much
 * as a small run saves after it: the 1,000-node day (86,400 frames) gains nothing whole and
 * loses 0.1 s of its simulation, so it reads its files back. LoRaSim's experiment (200,000
 * frames in ~1.1 s of simulation) gains 0.10–0.13 s whole (medians of six interleaved runs per
 * collision model, 2026-12-07 16:00 UTC: 1.74 s against 1.84 s, 1.76 s against 1.90 s); the
 * 10,000-node day (864,000 frames) gains up to 0.5 s; the 100,000-node day, whose writer thread
 * waits most of the time while the compression runs on libuv's pool, saves the 9 s of reading
 * its files back for 2 s more of simulation (84.0 → 74.7 s whole run). AMD EPYC × 2. With three
 * cores or more, the writer's threshold serves (`autoThreadFrames`).
 */
export const autoReportThreadFrames = 150_000;

/** The frames the nodes' own traffic is expected to send over the duration, fragments counted. */
export function expectedTrafficFrames(scenario: Scenario, swarm: ResolvedSwarm): number {
  let frames = 0;
  for (const node of swarm.nodes) {
    const traffic = node.traffic;
    if (!traffic) continue;
    const fragments = traffic.payloadBytes <= node.maxAppBytes ? 1 : Math.ceil(traffic.payloadBytes / Math.max(1, node.maxAppBytes - 4));
    frames += (scenario.duration / traffic.intervalMs) * fragments;
  }
  return frames;
}

export function estimateRun(scenario: Scenario, swarm: ResolvedSwarm): RunEstimate {
  const nodes = swarm.nodes.length;
  const frames = Math.round(expectedTrafficFrames(scenario, swarm));
  const sampleTimes = Math.floor(scenario.duration / scenario.sampling.interval) + 1;
  const seriesRows = sampleTimes * nodes;
  const events = frames * eventsPerFrame + sampleTimes;
  const frameBytes = frames * (frameRowBytes + receptionRowBytes) * (frames > autoCompressFrames ? gzipShare : 1);
  return {
    frames,
    events,
    seriesRows,
    peakMemoryBytes: baseMemoryBytes + nodes * memoryPerNodeBytes,
    outputBytes: frameBytes + seriesRows * seriesRowBytes,
    cpuSeconds: events / eventsPerCpuSecond + seriesRows / seriesRowsPerCpuSecond,
  };
}

export interface Machine {
  readonly memoryBytes: number;
  /** Bytes free where the run directory goes, when known. */
  readonly freeDiskBytes?: number;
}

/** This machine: its memory, and the space free on the file system that would hold `outPath`. */
export function thisMachine(outPath: string): Machine {
  let at = resolve(outPath);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    const stats = statfsSync(at);
    return { memoryBytes: totalmem(), freeDiskBytes: stats.bavail * stats.bsize };
  } catch {
    return { memoryBytes: totalmem() };
  }
}

/** What in the estimate passes the bounds, one sentence each (empty: within them). */
export function estimateProblems(estimate: RunEstimate, machine: Machine): string[] {
  const problems: string[] = [];
  if (estimate.peakMemoryBytes > runLimits.memoryShare * machine.memoryBytes) {
    problems.push(`it would need ~${formatBytes(estimate.peakMemoryBytes)} of memory, more than ${runLimits.memoryShare * 100} % of this machine's ${formatBytes(machine.memoryBytes)}`);
  }
  if (estimate.events > runLimits.events) problems.push(`it would simulate ~${formatCount(estimate.events)} events (${formatDuration(estimate.cpuSeconds)} of CPU), more than the bound of ${formatCount(runLimits.events)}`);
  if (estimate.seriesRows > runLimits.seriesRows) problems.push(`its series.csv would have ~${formatCount(estimate.seriesRows)} rows, every node at every sample time, more than the bound of ${formatCount(runLimits.seriesRows)} (sample less often: sampling.interval)`);
  if (machine.freeDiskBytes !== undefined && estimate.outputBytes > machine.freeDiskBytes) {
    problems.push(`it would write ~${formatBytes(estimate.outputBytes)} of files, more than the ${formatBytes(machine.freeDiskBytes)} free where they go`);
  }
  return problems;
}

/** One line for `validate`: the estimate in round figures. */
export function describeEstimate(estimate: RunEstimate): string {
  return (
    `estimate: ~${formatCount(estimate.frames)} frames from the nodes' traffic, ~${formatCount(estimate.events)} events, ${formatDuration(estimate.cpuSeconds)} of CPU, ` +
    `${formatCount(estimate.seriesRows)} series rows, ~${formatBytes(estimate.peakMemoryBytes)} of memory, ~${formatBytes(estimate.outputBytes)} of files`
  );
}

/** Two significant figures below 10, whole numbers above. */
const round = (value: number): string => (value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, ''));

function formatCount(value: number): string {
  if (value < 1e4) return Math.round(value).toLocaleString('en');
  const [unit, scale] = value >= 1e12 ? ['T', 1e12] : value >= 1e9 ? ['G', 1e9] : value >= 1e6 ? ['M', 1e6] : ['k', 1e3];
  return `${round(value / scale)}${unit}`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${round(value)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `~${Math.round(seconds)} s`;
  if (seconds < 3600) return `~${Math.round(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `~${Math.round(seconds / 3600)} h`;
  if (seconds < 86_400 * 365 * 2) return `~${Math.round(seconds / 86_400)} days`;
  return `~${formatCount(seconds / (86_400 * 365))} years`;
}
