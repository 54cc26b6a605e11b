/**
 * What a run has made so far, as one explicit record: the files its clean-up removes, and how
 * far it got, for the message of a run that stops or fails.
 */
import { rmSync } from 'node:fs';
import type { ResultFiles } from '../../run/result-files.ts';
import type { ReportDigester } from '../../dashboard/digest/report-digester.ts';

export interface RunState {
  /** The workers' credentials file the run wrote (embedded broker with workers). */
  credentialsFile: string | undefined;
  /** The live viewer's credentials file the run wrote (`run --dashboard`). */
  viewerFile: string | undefined;
  /** The run directory's result files, once open. */
  files: ResultFiles | undefined;
  /** The thread that digests the streamed files for the report as they are written, if one was started. */
  digester: ReportDigester | undefined;
  /** Simulated time reached, ms. */
  simulatedMs: number;
  /** Checkpoints saved (`--checkpoint-every`). */
  checkpoints: number;
}

/** A run's state before it starts. */
export function initialRunState(): RunState {
  return { credentialsFile: undefined, viewerFile: undefined, files: undefined, digester: undefined, simulatedMs: 0, checkpoints: 0 };
}

/**
 * Removes the credentials files the run wrote for others; the workers' stay when the user chose
 * where to write them (`credentialsOut`).
 */
export function removeCredentialFiles(state: RunState, credentialsOut: string | undefined): void {
  if (state.credentialsFile !== undefined && credentialsOut === undefined) rmSync(state.credentialsFile, { force: true });
  if (state.viewerFile !== undefined) rmSync(state.viewerFile, { force: true });
}
