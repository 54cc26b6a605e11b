/**
 * The result files of a run directory (docs/reference/outputs.md, "The run directory"). frames.csv,
 * receptions.csv and series.csv are written as the run makes their rows, never held whole;
 * the others once the run is over. Large runs write them gzip-compressed (`frames.csv.gz`,
 * `receptions.csv.gz`, `series.csv.gz`): see `streamedWriting`.
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { autoCompressFrames, autoReportThreadFrames, autoThreadFrames, expectedTrafficFrames } from './run-estimate.ts';
import type { RunDirectory } from '../metrics/run-directory.ts';
import type { CsvFileSnapshot } from '../metrics/csv-file.ts';
import type { IdBytes } from '../metrics/csv-bytes.ts';
import { startCsvThread, type CsvThread } from '../metrics/csv-thread.ts';
import { openStream, type StreamKind, type StreamSpec } from '../metrics/csv-thread-protocol.ts';
import { energyStates } from '../hw/energy-ledger-types.ts';
import { adrCsv } from '../metrics/lorawan-summary.ts';
import { encodedIds, frameColumnsFor, frameRowWriter, receptionColumns, receptionRowWriter } from '../metrics/tables.ts';
import { nodesCsvBytes } from '../metrics/nodes-csv.ts';
import { seriesColumns, seriesCsv, seriesRowWriter, type SeriesSink } from '../metrics/series.ts';
import { subBandOf } from '../radio/regions.ts';
import type { RecordSink } from '../metrics/radio-tracker.ts';
import type { NodeTally } from '../metrics/node-tallies.ts';
import type { NodeReport } from '../metrics/node-report.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { partitionCsv, partitionSamplesCsv, roundsCsv } from '../fl/report.ts';
import { placementCsv, requestsCsv, tokensCsv } from '../inference/report.ts';
import type { inferenceFor } from '../inference/load-model.ts';
import type { FlSetup } from '../fl/swarm.ts';
import type { Simulation, SimulationResult } from './simulation-types.ts';

/** `--compress` and `--write-thread`: always, never, or (auto) when a run expects more than a number of frames. */
export type AutoChoice = 'auto' | 'on' | 'off';

/**
 * How the streamed files are written, from `--compress`, `--write-thread` and `--report-thread`,
 * by the frames the scenario's traffic alone is expected to send: the expected messages of every
 * node with traffic over the duration, times the fragments of each (applications add their own
 * frames on top, so this is a lower bound).
 *
 * - `compress`: frames.csv and receptions.csv gzip-compressed; `auto` above `autoCompressFrames`
 *   (1,000,000 frames, about 100 MB of frames.csv).
 * - `threaded`: formatted and written by a thread of their own (the same files either way);
 *   `auto` above `autoThreadFrames` (20,000).
 * - `digested`: the report's figures digested on the writer thread from the rows it writes (the
 *   same report either way); `on` writes the files on their thread too. `auto`: with the writer
 *   thread on three cores or more; on two, above `autoReportThreadFrames` (150,000).
 */
export function streamedWriting(choices: StreamedChoices, scenario: Scenario, swarm: ResolvedSwarm, cores = availableParallelism()): { readonly compress: boolean; readonly threaded: boolean; readonly digested: boolean } {
  const { compress, thread, reportThread } = choices;
  const frames = compress === 'auto' || thread === 'auto' || reportThread === 'auto' ? expectedTrafficFrames(scenario, swarm) : 0;
  const decide = (choice: AutoChoice, above: number): boolean => (choice === 'auto' ? frames > above : choice === 'on');
  const compressed = decide(compress, autoCompressFrames);
  // Without the writer thread, nowhere to digest (the CLI refuses `--report-thread on` with
  // `--write-thread off`).
  const digested = thread !== 'off' && decide(reportThread, cores > 2 ? autoThreadFrames : autoReportThreadFrames);
  return { compress: compressed, threaded: digested || decide(thread, autoThreadFrames), digested };
}

/** A writer thread that serves the files with a tap (metrics/csv-writer-service.ts), started by its caller, and the tap's options. */
export interface TappedWriter {
  readonly worker: Worker;
  readonly tap: unknown;
}

/** `--compress`, `--write-thread` and `--report-thread`. */
export interface StreamedChoices {
  readonly compress: AutoChoice;
  readonly thread: AutoChoice;
  readonly reportThread: AutoChoice;
}

export interface ResultFiles {
  /** The writer thread, when it was given with a tap to ask once the files are closed (`openResultFiles`' `tapped`). */
  readonly thread: Pick<CsvThread, 'ask' | 'end'> | undefined;
  /** Where the run's final records go. */
  readonly sinks: readonly RecordSink[];
  /** Where the run's series rows go (none when they come from other processes and are merged at the end). */
  readonly seriesSinks: readonly SeriesSink[];
  /** Writes the files of a finished run and closes the streamed ones; returns the texts the report reads again. */
  finish(run: FinishedRun): Promise<WrittenTexts>;
  /** Closes the streamed files after a failure. */
  abort(): Promise<void>;
  /** Where each streamed file stands, by file name (a run's checkpoint). */
  snapshot(): Promise<Record<string, CsvFileSnapshot>>;
}

/** Files a run has just written, as text: its report takes them from here instead of reading them back (dashboard/run-files.ts). */
export interface WrittenTexts {
  readonly 'summary.json': string;
}

export interface FinishedRun {
  readonly simulation: Simulation;
  readonly result: SimulationResult;
  readonly summary: Record<string, unknown>;
  readonly nodeReports: readonly NodeReport[];
  /** Every node's tally (`tracker.nodes`), as the summary read them: not made twice. */
  readonly tallies: readonly NodeTally[];
  readonly inference: ReturnType<typeof inferenceFor>;
  readonly federated: FlSetup | undefined;
}

/** The streamed files, written by the run's own thread or by a thread of their own (csv-thread.ts). */
interface StreamedFiles {
  readonly sink: RecordSink;
  readonly seriesSink: SeriesSink | undefined;
  snapshot(): Promise<CsvFileSnapshot[]>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * `streamSeries`: series.csv is written as rows are sampled (one process); with workers, their
 * rows are merged into canonical order at the end instead. `threaded`: the streamed files are
 * formatted and written by a thread of their own (byte-identical files; see `streamedWriting`),
 * which, `tapped`, is a thread the caller started that also hands the rows it writes to a tap
 * (the report's digest), asked once the files are closed (`thread`).
 */
export function openResultFiles(dir: RunDirectory, swarm: ResolvedSwarm, compress: boolean, streamSeries: boolean, resume?: Readonly<Record<string, CsvFileSnapshot>>, transmissions = false, threaded = false, tapped?: TappedWriter): ResultFiles {
  if (tapped && !threaded) throw new RangeError('the streamed files are tapped only on their writer thread');
  const suffix = compress ? '.csv.gz' : '.csv';
  const specs: (StreamSpec & { readonly name: string })[] = [];
  const add = (kind: StreamKind, columns: readonly string[]): void => {
    const name = `${kind}${suffix}`;
    const snapshot = resume?.[name];
    if (resume && !snapshot) throw new RangeError(`checkpoint: no record of ${name}`);
    specs.push({ name, kind, path: join(dir.partialPath, name), gzip: compress, columns, ...(snapshot && { resume: snapshot }) });
  };
  add('frames', frameColumnsFor(transmissions));
  add('receptions', receptionColumns);
  const used = new Set(swarm.nodes.flatMap((node) => node.channelsHz.map((hz) => subBandOf(swarm.region, hz)!)));
  const bands = swarm.region.subBands.filter((band) => used.has(band));
  if (streamSeries) add('series', seriesColumns(bands));
  const ids = encodedIds(swarm.nodes);
  const mains = swarm.nodes.map((node) => node.power.mains);
  const thread = threaded ? startCsvThread({ streams: specs, ids, mains, transmissions, seriesEnergyStates: energyStates.length, seriesBands: bands.length, ...(tapped && { tap: tapped.tap }) }, tapped?.worker) : undefined;
  const streamed = thread ?? writeInThisThread(specs, ids, mains, transmissions);
  return {
    thread: tapped && thread,
    sinks: [streamed.sink],
    seriesSinks: streamed.seriesSink ? [streamed.seriesSink] : [],
    abort: () => streamed.abort(),
    async snapshot() {
      const snapshots = await streamed.snapshot();
      return Object.fromEntries(specs.map((spec, i) => [spec.name, snapshots[i]!]));
    },
    async finish({ simulation, result, summary, nodeReports, tallies, inference, federated }) {
      await streamed.close();
      const summaryJson = `${JSON.stringify(summary, null, 2)}\n`;
      dir.write('summary.json', summaryJson);
      const nodeIds = swarm.nodes.map((node) => node.id);
      if (inference && simulation.inference) {
        dir.write('tokens.csv', tokensCsv(simulation.inference, inference.symbols));
        dir.write('requests.csv', requestsCsv(simulation.inference, nodeIds));
        dir.write('placement.csv', placementCsv(inference.plan, nodeIds));
      }
      if (federated && simulation.federated) {
        dir.write('rounds.csv', roundsCsv(simulation.federated.rounds));
        dir.write('partition.csv', partitionCsv(federated.clients, federated.partitions, federated.task, nodeIds, federated.trainable));
        dir.write('partition-samples.csv', partitionSamplesCsv(federated.partitions, federated.task));
        // The trained global model, for `loraswarm model sample` and `model eval` (TinySeek tasks).
        const rounds = simulation.federated.rounds;
        const checkpoint = federated.task.checkpoint?.(simulation.federated.global, { federated: { rounds: rounds.length, finalValidationAccuracy: rounds.at(-1)?.validationAccuracy ?? null } });
        if (checkpoint) dir.write('model.tskp', checkpoint);
      }
      if (result.lorawan) dir.write('adr.csv', adrCsv(result.lorawan.adrChanges, nodeIds));
      dir.write('nodes.csv', nodesCsvBytes(tallies, swarm.nodes, result.durationMs, swarm.region, nodeReports));
      if (!streamSeries) dir.write('series.csv', seriesCsv(simulation.series, nodeIds, swarm.nodes.map((node) => node.power.mains)));
      return { 'summary.json': summaryJson };
    },
  };
}

/** The streamed files written by the simulation's own thread. */
function writeInThisThread(specs: readonly StreamSpec[], ids: IdBytes, mains: readonly boolean[], transmissions: boolean): StreamedFiles {
  const files = specs.map((spec) => openStream(spec));
  const close = async (): Promise<void> => {
    await Promise.all(files.map((file) => file.close()));
  };
  return {
    sink: { frame: frameRowWriter(files[0]!.csv, ids, transmissions), reception: receptionRowWriter(files[1]!.csv, ids) },
    seriesSink: files[2] && seriesRowWriter(files[2].csv, ids, mains),
    snapshot: () => Promise.all(files.map((file) => file.snapshot())),
    close,
    abort: close,
  };
}
