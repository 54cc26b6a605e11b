/**
 * A run's simulation, advanced in slices of its duration: between two slices the progress bar
 * moves, the live dashboard steps, signals are heard and checkpoints are taken. Slicing
 * changes no result.
 */
import type { LiveDashboard } from '../../dashboard/live-run.ts';
import type { ResultFiles } from '../../run/result-files.ts';
import type { Simulation, SimulationResult } from '../../run/simulate.ts';
import type { PreparedMqttTransport } from '../../transport/mqtt-transport.ts';
import type { Interrupts } from '../interrupts.ts';
import type { Progress } from '../progress.ts';
import { saveCheckpoint } from './run-checkpointing.ts';
import type { RunInputs } from './run-inputs.ts';
import { roundLine } from './run-printout.ts';
import type { RunState } from './run-state.ts';

const progressSlices = 200;

/** What the slices run on: the run's inputs, its simulation and where it reports. */
export interface SlicedRun {
  readonly inputs: RunInputs;
  readonly simulation: Simulation;
  readonly mqtt: PreparedMqttTransport | undefined;
  readonly live: LiveDashboard | undefined;
  readonly files: ResultFiles;
  /** The run directory being written, where checkpoints go. */
  readonly partialPath: string;
  /** Whether frames.csv and receptions.csv are gzipped (for the checkpoint's header). */
  readonly compressed: boolean;
  readonly state: RunState;
  readonly interrupts: Interrupts;
  readonly note: (text: string) => void;
}

/**
 * Runs the simulation to its end (from its checkpoint, with --resume) and returns its result;
 * `state.simulatedMs` follows it and `state.checkpoints` counts the checkpoints saved.
 *
 * @example
 * const result = await advanceInSlices(run, createProgress);
 */
export async function advanceInSlices(run: SlicedRun, createRunProgress: (label: string) => Progress): Promise<SimulationResult> {
  const { inputs, simulation, mqtt, live, state, interrupts } = run;
  const { scenario, name, resumed, checkpointEveryMs } = inputs;
  const steps = sliceCount(inputs);
  if (resumed) {
    simulation.restore(resumed.state);
    state.simulatedMs = resumed.header.simulatedMs;
    run.note(`run ${name}: resumed from its checkpoint at ${state.simulatedMs} ms of simulated time (slice ${resumed.header.step} of ${steps})\n`);
  }
  const progress = createRunProgress(`run ${name}`);
  const reportRounds = roundReporter(simulation, progress, Boolean(inputs.options.quiet));
  let lastCheckpointMs = performance.now();
  for (let step = (resumed?.header.step ?? 0) + 1; step <= steps; step++) {
    const untilMs = (scenario.duration * step) / steps;
    if (mqtt) await simulation.advanceAsync(untilMs);
    else simulation.advance(untilMs);
    state.simulatedMs = untilMs;
    progress.update(step / steps);
    reportRounds();
    await live?.step(untilMs);
    // The event loop turns between slices: the progress bar redraws, compressed files are written, signals come in.
    await new Promise((resolve) => setImmediate(resolve));
    interrupts.check();
    if (checkpointEveryMs !== undefined && step < steps && performance.now() - lastCheckpointMs >= checkpointEveryMs) {
      const header = { name, transport: mqtt ? ('mqtt' as const) : ('memory' as const), compress: run.compressed, checkpointEverySeconds: checkpointEveryMs / 1000, step, steps, simulatedMs: state.simulatedMs };
      if (await saveCheckpoint(simulation, run.files, run.partialPath, header)) state.checkpoints++;
      lastCheckpointMs = performance.now();
    }
  }
  // The live view follows the drain after the duration too, step by step.
  if (live && mqtt) {
    const stepMs = scenario.duration / steps;
    for (let untilMs = scenario.duration + stepMs; await simulation.drainAsync(untilMs); untilMs += stepMs) await live.step(untilMs);
  }
  const result = mqtt ? await simulation.finishAsync() : simulation.finish();
  reportRounds();
  progress.stop();
  return result;
}

/**
 * Slices of the whole duration. Paced, the run steps every 200 ms of wall time at most, so that
 * the page moves smoothly. Checkpoints are taken between slices: a checkpointed run takes ten
 * times as many. A resumed run keeps its own count.
 */
function sliceCount({ resumed, checkpointEveryMs, liveOptions, scenario }: RunInputs): number {
  const slices = checkpointEveryMs === undefined ? progressSlices : 10 * progressSlices;
  return resumed?.header.steps ?? (liveOptions?.pace === undefined ? slices : Math.max(slices, Math.ceil(scenario.duration / (liveOptions.pace * 200))));
}

/** A federated run says how each round went as it closes (on stderr, like the progress): each call logs the rounds closed since the last. */
function roundReporter(simulation: Simulation, progress: Progress, quiet: boolean): () => void {
  let roundsReported = simulation.federated?.settledRounds.filter((round) => !Number.isNaN(round.endMs)).length ?? 0;
  return () => {
    // Rounds a training thread is still evaluating are said at a later call (the last one, after the run, has them all).
    const rounds = simulation.federated?.settledRounds ?? [];
    for (; roundsReported < rounds.length && !Number.isNaN(rounds[roundsReported]!.endMs); roundsReported++) if (!quiet) progress.log?.(`${roundLine(rounds[roundsReported]!)}\n`);
  };
}
