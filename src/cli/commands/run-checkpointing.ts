/** A run's checkpoint, taken between two slices (`run --checkpoint-every`; run-checkpoint.ts). */
import { writeRunCheckpoint, type RunCheckpointHeader } from '../../run/run-checkpoint.ts';
import type { ResultFiles } from '../../run/result-files.ts';
import type { Simulation } from '../../run/simulate.ts';
import { CheckpointUnsupportedError } from '../../sim/checkpoint-state.ts';

/**
 * Saves the simulation and where its streamed files stand (run-checkpoint.ts); false when the
 * state cannot be saved right now (a computation in progress: the next slice tries again).
 */
export async function saveCheckpoint(simulation: Simulation, files: ResultFiles, partialPath: string, header: Omit<RunCheckpointHeader, 'files' | 'stateBytes' | 'stateSha256'>): Promise<boolean> {
  let state: Buffer;
  try {
    state = simulation.checkpoint();
  } catch (error) {
    if (error instanceof CheckpointUnsupportedError) return false;
    throw error;
  }
  writeRunCheckpoint(partialPath, header, await files.snapshot(), state);
  return true;
}
