/**
 * `loraswarm run <scenario>`: validate, simulate, and write the run directory. The parts are
 * sibling modules: run-inputs (what is asked, checked before anything is written),
 * run-simulation (the transport, workers, live dashboard and slices), run-results (the files
 * written at the end); run-state is the record of what the run has made so far.
 */
import { openRunDirectory, resumeRunDirectory } from '../../metrics/run-directory.ts';
import { InterruptedError, UsageError } from '../exit.ts';
import { untilSignal, watchInterrupts } from '../interrupts.ts';
import { createProgress, type Progress } from '../progress.ts';
import { readRunInputs } from './run-inputs.ts';
import { runPrintout } from './run-printout.ts';
import { initialRunState, removeCredentialFiles } from './run-state.ts';

export type { RunCommandOptions } from './run-options.ts';
import type { RunCommandOptions } from './run-options.ts';

/** `createRunProgress` makes the run's progress display (a sweep folds it into its own). */
export async function runCommand(
  scenarioFile: string | undefined,
  givenOptions: RunCommandOptions,
  print: (text: string) => void,
  note: (text: string) => void = () => undefined,
  createRunProgress: (label: string) => Progress = (label) => createProgress(label, note),
  untilStopped: () => Promise<void> = untilSignal,
): Promise<string> {
  const inputs = readRunInputs(scenarioFile, givenOptions, note);
  const { options, resumed, outPath, liveOptions, external, name, scenario, swarm } = inputs;
  // The live dashboard's port is taken before anything is written: a busy port is an input error.
  // What a run needs beyond its inputs (the simulation, the transports, the dashboard) is
  // loaded only once they are read: a refused input costs a fraction of the start.
  const liveRun = liveOptions ? await import('../../dashboard/live-run.ts') : undefined;
  const liveSlot = liveOptions && !external ? await liveRun!.listenForLiveDashboard(liveOptions.port).catch((error: Error) => {
    throw new UsageError(`--dashboard-port: cannot listen on 127.0.0.1:${liveOptions.port} (${error.message})`);
  }) : undefined;
  const state = initialRunState();
  let dir: ReturnType<typeof openRunDirectory> | undefined;
  // Ctrl-C or kill: the run stops between slices and fails cleanly; a second signal at once.
  // Watched before the run directory is marked RUNNING, so that a signal sent as soon as the mark appears is the run's to handle.
  const interrupts = watchInterrupts(note, () => {
    removeCredentialFiles(state, options.credentialsOut);
    dir?.fail(`stopped at once by a second signal, at ${state.simulatedMs} ms of simulated time`);
  });
  try {
    dir = resumed ? resumeRunDirectory(outPath) : openRunDirectory(outPath);
    if (dir.tookOver !== undefined) note(`loraswarm: ${dir.tookOver}\n`);
  } catch (error) {
    interrupts.dispose();
    await liveSlot?.server.close();
    throw error;
  }
  try {
    const [{ simulateIntoRunDirectory }, { writeRunResults }] = await Promise.all([import('./run-simulation.ts'), import('./run-results.ts')]);
    const simulated = await simulateIntoRunDirectory(inputs, { dir, liveSlot, state, interrupts, note, createRunProgress });
    const { totals, summary, served } = await writeRunResults(inputs, simulated, dir, state.checkpoints);
    const { result, simulateWallMs } = simulated;
    if (!options.quiet) print(runPrintout({ name, seed: scenario.seed, nodes: swarm.nodes.length, result, simulateWallMs, totals, summary, served, federated: inputs.federated !== undefined, outPath }));
    if (liveSlot) {
      interrupts.dispose();
      await liveRun!.serveFinishedRun(liveSlot, outPath, note, untilStopped());
    }
    return outPath;
  } catch (error) {
    await liveSlot?.server.close();
    await state.files?.abort().catch(() => undefined);
    await state.digester?.stop();
    const expected = error instanceof UsageError || (error instanceof Error && error.name === 'EnvironmentError');
    dir.fail(error instanceof InterruptedError ? `${error.message} at ${state.simulatedMs} ms of simulated time` : error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error));
    throw error;
  } finally {
    interrupts.dispose();
  }
}
