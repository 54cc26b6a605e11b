/**
 * `loraswarm run --resume DIR`: what a stopped run's checkpoint says about how to go on. The
 * run takes its own settings back (its resolved scenario, transport, compression and
 * checkpoint interval); options that would change them are refused.
 */
import { join } from 'node:path';
import { outPathOf } from '../../metrics/run-directory.ts';
import { readRunCheckpoint, RunCheckpointError, type RunCheckpointHeader } from '../../run/run-checkpoint.ts';
import type { CsvFileSnapshot } from '../../metrics/csv-file.ts';
import { UsageError } from '../exit.ts';
import type { RunCommandOptions } from './run-options.ts';

export interface ResumedRun {
  readonly outPath: string;
  /** The stopped run's resolved scenario. */
  readonly scenarioFile: string;
  /** The options the stopped run had. */
  readonly options: RunCommandOptions;
  readonly header: RunCheckpointHeader;
  readonly files: Record<string, CsvFileSnapshot>;
  readonly state: Buffer;
}

/**
 * Options that say something the checkpoint already says, or that a resumed run cannot take.
 * `--broker` and `--credentials` may be given: where the frames travel changes no result.
 */
const fixed: readonly [keyof RunCommandOptions, string][] = [
  ['seed', '--seed'],
  ['out', '--out'],
  ['workers', '--workers'],
  ['listen', '--listen'],
  ['runId', '--run-id'],
  ['credentialsOut', '--credentials-out'],
  ['dashboard', '--dashboard'],
  ['pace', '--pace'],
];

export function resumeRun(file: string | undefined, options: RunCommandOptions): ResumedRun {
  const given = [...(file === undefined ? [] : ['a scenario file']), ...fixed.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag), ...(options.set.length > 0 ? ['--set'] : []), ...((options.remote?.length ?? 0) > 0 ? ['--remote'] : [])];
  if (given.length > 0) throw new UsageError(`--resume: the run goes on with its own scenario and settings; leave out ${given.join(', ')}`);
  const outPath = outPathOf(options.resume!);
  let checkpoint: ReturnType<typeof readRunCheckpoint>;
  try {
    checkpoint = readRunCheckpoint(`${outPath}.partial`);
  } catch (error) {
    if (error instanceof RunCheckpointError) throw new UsageError(`--resume: ${error.message}`);
    throw error;
  }
  const { header } = checkpoint;
  return {
    outPath,
    scenarioFile: join(`${outPath}.partial`, 'scenario.yaml'),
    options: {
      ...options,
      out: outPath,
      transport: header.transport,
      compress: header.compress ? 'on' : 'off',
      checkpointEvery: options.checkpointEvery ?? String(header.checkpointEverySeconds),
    },
    ...checkpoint,
  };
}
