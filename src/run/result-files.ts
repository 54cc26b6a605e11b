/**
 * The result files of a run directory (docs/reference/outputs.md, "The run directory"). frames.csv,
 * receptions.csv and series.csv are written as the run makes their rows, never held whole;
 * the others once the run is over. Large runs write them gzip-compressed (`frames.csv.gz`,
 * `receptions.csv.gz`, `series.csv.gz`): see `compressRecords`.
 */
import { join } from 'node:path';
import { autoCompressFrames, expectedTrafficFrames } from './run-estimate.ts';
import type { RunDirectory } from '../metrics/run-directory.ts';
import { createCsvFile, type CsvFile, type CsvFileSnapshot } from '../metrics/csv-file.ts';
import { adrCsv } from '../metrics/lorawan-summary.ts';
import { encodedIds, frameColumnsFor, frameRowWriter, header, nodesCsv, receptionColumns, receptionRowWriter } from '../metrics/tables.ts';
import { seriesColumns, seriesCsv, seriesRowWriter, type SeriesSink } from '../metrics/series.ts';
import { subBandOf } from '../radio/regions.ts';
import type { RecordSink } from '../metrics/radio-tracker.ts';
import type { NodeReport } from '../metrics/node-report.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { partitionCsv, partitionSamplesCsv, roundsCsv } from '../fl/report.ts';
import { placementCsv, requestsCsv, tokensCsv } from '../inference/report.ts';
import type { inferenceFor } from '../inference/load-model.ts';
import type { FlSetup } from '../fl/swarm.ts';
import type { Simulation, SimulationResult } from './simulation-types.ts';

/** `--compress`: gzip the per-frame files always, never, or (auto) when a run expects more than `autoCompressFrames` frames (run-estimate.ts). */
export type CompressChoice = 'auto' | 'on' | 'off';

/**
 * Whether frames.csv and receptions.csv are written gzip-compressed. `auto` compresses when the
 * scenario's traffic alone is expected to send more than 1,000,000 frames (about 100 MB of
 * frames.csv): the expected messages of every node with traffic over the duration, times the
 * fragments of each (applications add their own frames on top, so this is a lower bound).
 */
export function compressRecords(choice: CompressChoice, scenario: Scenario, swarm: ResolvedSwarm): boolean {
  if (choice !== 'auto') return choice === 'on';
  return expectedTrafficFrames(scenario, swarm) > autoCompressFrames;
}

export interface ResultFiles {
  /** Where the run's final records go. */
  readonly sinks: readonly RecordSink[];
  /** Where the run's series rows go (none when they come from other processes and are merged at the end). */
  readonly seriesSinks: readonly SeriesSink[];
  /** Writes the files of a finished run and closes the streamed ones. */
  finish(run: FinishedRun): Promise<void>;
  /** Closes the streamed files after a failure. */
  abort(): Promise<void>;
  /** Where each streamed file stands, by file name (a run's checkpoint). */
  snapshot(): Promise<Record<string, CsvFileSnapshot>>;
}

export interface FinishedRun {
  readonly simulation: Simulation;
  readonly result: SimulationResult;
  readonly summary: Record<string, unknown>;
  readonly nodeReports: readonly NodeReport[];
  readonly inference: ReturnType<typeof inferenceFor>;
  readonly federated: FlSetup | undefined;
}

/**
 * `streamSeries`: series.csv is written as rows are sampled (one process); with workers, their
 * rows are merged into canonical order at the end instead.
 */
export function openResultFiles(dir: RunDirectory, swarm: ResolvedSwarm, compress: boolean, streamSeries: boolean, resume?: Readonly<Record<string, CsvFileSnapshot>>, transmissions = false): ResultFiles {
  const suffix = compress ? '.csv.gz' : '.csv';
  const names: string[] = [];
  /** A streamed file, new with its header, or (a resumed run) where the checkpoint left it. */
  const open = (base: string, columns: readonly string[]): CsvFile => {
    const name = `${base}${suffix}`;
    names.push(name);
    const snapshot = resume?.[name];
    if (resume && !snapshot) throw new RangeError(`checkpoint: no record of ${name}`);
    const file = createCsvFile(join(dir.partialPath, name), { gzip: compress, ...(snapshot && { resume: snapshot }) });
    if (!snapshot) header(file.csv, columns);
    return file;
  };
  const frames = open('frames', frameColumnsFor(transmissions));
  const receptions = open('receptions', receptionColumns);
  const ids = encodedIds(swarm.nodes);
  const streamed: CsvFile[] = [frames, receptions];
  const seriesSinks: SeriesSink[] = [];
  if (streamSeries) {
    const used = new Set(swarm.nodes.flatMap((node) => node.channelsHz.map((hz) => subBandOf(swarm.region, hz)!)));
    const series = open('series', seriesColumns(swarm.region.subBands.filter((band) => used.has(band))));
    seriesSinks.push(seriesRowWriter(series.csv, ids, swarm.nodes.map((node) => node.power.mains)));
    streamed.push(series);
  }
  const closeStreamed = async (): Promise<void> => {
    await Promise.all(streamed.map((file) => file.close()));
  };
  return {
    sinks: [{ frame: frameRowWriter(frames.csv, ids, transmissions), reception: receptionRowWriter(receptions.csv, ids) }],
    seriesSinks,
    abort: closeStreamed,
    async snapshot() {
      const snapshots = await Promise.all(streamed.map((file) => file.snapshot()));
      return Object.fromEntries(names.map((name, i) => [name, snapshots[i]!]));
    },
    async finish({ simulation, result, summary, nodeReports, inference, federated }) {
      await closeStreamed();
      dir.write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
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
      dir.write('nodes.csv', nodesCsv(simulation.tracker.nodes, swarm.nodes, result.durationMs, swarm.region, nodeReports));
      if (!streamSeries) dir.write('series.csv', seriesCsv(simulation.series, nodeIds, swarm.nodes.map((node) => node.power.mains)));
    },
  };
}
