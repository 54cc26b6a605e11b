/**
 * A simulated run's results, written into its run directory: the summaries and the streamed
 * files finished, the self-contained report, timing.json; then the directory is committed
 * under its final name.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml, unbuiltReportHtml } from '../../dashboard/report.ts';
import type { RunDirectory } from '../../metrics/run-directory.ts';
import { checkpointFileName } from '../../run/run-checkpoint.ts';
import { summarizeRun, trainedOf } from '../../run/summarize.ts';
import { formatPartition } from '../../transport/partition.ts';
import type { RunInputs } from './run-inputs.ts';
import { timingJson } from './run-printout.ts';
import type { SimulatedRun } from './run-simulation.ts';

/**
 * Writes the results of `simulated` into `dir` and commits it; returns the summary the
 * printout reads. `checkpoints` is how many were saved (`--checkpoint-every`).
 *
 * @example
 * const { totals, summary, served } = await writeRunResults(inputs, simulated, dir, state.checkpoints);
 */
export async function writeRunResults(inputs: RunInputs, simulated: SimulatedRun, dir: RunDirectory, checkpoints: number) {
  const { name, scenario, swarm, inference, federated, external, partitions, checkpointEveryMs, resumed, trainingThreads } = inputs;
  const { simulation, result, files, simulateWallMs, wallStartMs } = simulated;
  const served = inference && simulation.inference ? { engine: simulation.inference, plan: inference.plan } : undefined;
  const { totals, tallies, nodeReports, summary } = summarizeRun(name, scenario.seed, swarm, simulation.tracker, result, served, trainedOf(simulation, federated, scenario));
  const written = await files.finish({ simulation, result, summary, nodeReports, tallies, inference, federated });
  // The dashboard of the files above, self-contained: it opens from disk.
  try {
    dir.write('report.html', await reportHtml(dir.partialPath, true, simulated.digester, written).catch((error: Error) => unbuiltReportHtml(error)));
  } finally {
    await simulated.digester?.stop();
  }
  const totalWallMs = performance.now() - wallStartMs;
  dir.write(
    'timing.json',
    timingJson({
      simulateWallMs,
      totalWallMs,
      result,
      transport: simulated.overMqtt ? (external ? `mqtt (${external.url})` : 'mqtt (embedded aedes)') : 'memory',
      workers: partitions.map((nodes) => formatPartition(nodes)),
      ...(federated && { trainingThreads }),
      ...(checkpointEveryMs !== undefined && { checkpoints }),
      ...(resumed && { resumedAtMs: resumed.header.simulatedMs }),
      ...(simulated.digester && { reportDigested: simulated.digester.served }),
    }),
  );
  // A finished run needs no checkpoint: its directory holds what an uninterrupted run's does.
  rmSync(join(dir.partialPath, checkpointFileName), { force: true });
  rmSync(join(dir.partialPath, `${checkpointFileName}.tmp`), { force: true });
  dir.commit();
  return { totals, summary, served: served !== undefined };
}
