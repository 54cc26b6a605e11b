/**
 * What `loraswarm run` is asked to do, read and checked before anything is written: the
 * scenario (or a stopped run's, with --resume), the run directory, the limits, the live
 * dashboard, the broker and workers, the model to serve and the federated task. Every refusal
 * is a usage error (or an environment error), in the order a reader meets the flags.
 */
import { join } from 'node:path';
import { outPathOf, runDirectoryProblem } from '../../metrics/run-directory.ts';
import { estimateProblems, estimateRun, thisMachine } from '../../run/run-estimate.ts';
import type { AutoChoice } from '../../run/result-files.ts';
import { checkWakes, describeWakeCheck } from '../../run/wake-check.ts';
import { descriptorProblem } from '../../transport/descriptor-limit.ts';
import { partitionUsersFor } from '../../transport/partition-users.ts';
import { EnvironmentError } from '../../transport/environment-error.ts';
import { readScenario, type ReadScenario } from '../../scenario/read-scenario.ts';
import { inferenceFor } from '../../inference/load-model.ts';
import { describeFrozenTensors, prepareFederated } from '../../fl/setup.ts';
import { formatPartition } from '../../transport/partition.ts';
import { UsageError } from '../exit.ts';
import { autoChoiceOption, liveDashboardOptions, secondsOption, trainingThreadsOption } from './options.ts';
import { distributionOptions } from './run-distribution.ts';
import type { RunCommandOptions } from './run-options.ts';
import { resumeRun, type ResumedRun } from './run-resume.ts';

/** A run's checked inputs: the record the rest of `runCommand` reads. */
export interface RunInputs extends ReturnType<typeof distributionOptions> {
  /** The stopped run's checkpoint, with --resume. */
  readonly resumed: ResumedRun | undefined;
  /** The options given, or with --resume the stopped run's. */
  readonly options: RunCommandOptions;
  readonly scenario: ReadScenario['scenario'];
  readonly swarm: ReadScenario['swarm'];
  readonly name: string;
  readonly outPath: string;
  readonly compress: AutoChoice;
  readonly writeThread: AutoChoice;
  readonly reportThread: AutoChoice;
  /** Threads that train federated clients (0 without federated learning). */
  readonly trainingThreads: number;
  /** Wall time between checkpoints (--checkpoint-every), ms. */
  readonly checkpointEveryMs: number | undefined;
  readonly liveOptions: ReturnType<typeof liveDashboardOptions>;
  /** The model to serve, read and placed. */
  readonly inference: ReturnType<typeof inferenceFor>;
  readonly federated: ReturnType<typeof prepareFederated> | undefined;
}

/**
 * Reads the scenario and checks the options of a run; `note` receives the scenario's warnings
 * (traffic that sleeping radios cannot receive, frozen tensors), said before the run starts.
 *
 * @example
 * const inputs = readRunInputs('scenarios/quickstart.yaml', { set: [], transport: 'memory' }, note);
 */
export function readRunInputs(scenarioFile: string | undefined, givenOptions: RunCommandOptions, note: (text: string) => void): RunInputs {
  const resumed = givenOptions.resume === undefined ? undefined : resumeRun(scenarioFile, givenOptions);
  const options = resumed?.options ?? givenOptions;
  const file = resumed?.scenarioFile ?? scenarioFile;
  if (file === undefined) throw new UsageError('expected a scenario file (or --resume DIR to go on with a stopped run)');
  const checkpointEveryMs = options.checkpointEvery === undefined ? undefined : secondsOption('--checkpoint-every', options.checkpointEvery) * 1000;
  if (options.transport !== 'memory' && options.transport !== 'mqtt') {
    throw new UsageError(`--transport: expected "memory" or "mqtt", found ${JSON.stringify(options.transport)}`);
  }
  const compress = autoChoiceOption('--compress', options.compress);
  const writeThread = autoChoiceOption('--write-thread', options.writeThread);
  const reportThread = autoChoiceOption('--report-thread', options.reportThread);
  if (reportThread === 'on' && writeThread === 'off') throw new UsageError('--report-thread on: the report is digested on the writer thread, from the rows it writes; leave out --write-thread off');
  const threads = trainingThreadsOption(options.trainingThreads);
  const { scenario, swarm, name } = readScenario(file, { sets: options.set, ...(options.seed !== undefined && { seed: options.seed }) });
  const outPath = outPathOf(options.out ?? join('runs', `${name}-seed${scenario.seed}`));
  const problem = runDirectoryProblem(outPath);
  if (problem) throw new UsageError(`--out: ${problem}`);
  const overLimits = estimateProblems(estimateRun(scenario, swarm), thisMachine(outPath));
  if (overLimits.length > 0 && options.ignoreLimits !== true) {
    throw new UsageError(`this run is over the limits a run may expect to need: ${overLimits.join('; ')}. \`loraswarm validate\` prints the whole estimate; to run it anyway, add --ignore-limits`);
  }
  const liveOptions = liveDashboardOptions(options, scenario.duration);
  const distribution = distributionOptions(options, swarm.nodes.length);
  const { external, partitions } = distribution;
  // A model to serve is read and placed before anything is written: a model that does not fit is refused here.
  const inference = inferenceFor(scenario, swarm);
  if (inference) refuseKeeperInWorker('the inference entry', "the requests' records (workers serve the other units)", inference.plan.entry, swarm, partitions);
  const federated = scenario.federated ? prepareFederated(scenario, swarm) : undefined;
  // Traffic that sleeping radios cannot receive is said before the run, not found in its fates.
  if (!options.quiet && !resumed) {
    const warnings = [...describeWakeCheck(checkWakes(scenario, swarm)), ...(federated ? describeFrozenTensors(scenario, swarm, federated) : [])];
    for (const line of warnings) note(`loraswarm:${line.slice(1)}\n`);
  }
  if (federated) refuseKeeperInWorker('the federated coordinator', "the rounds' records (workers run clients)", federated.coordinator, swarm, partitions);
  if (partitions.length > 0) refuseWorkers(scenario);
  if (checkpointEveryMs !== undefined) {
    const why = partitions.length > 0 ? 'workers' : liveOptions ? 'the live dashboard' : undefined;
    if (why) throw new UsageError(`--checkpoint-every: a run with ${why} cannot be checkpointed yet; leave it out`);
  }
  if (options.transport === 'mqtt' || external) {
    const elsewhere = new Set(partitions.flat());
    const hosted = swarm.nodes.map((_, i) => i).filter((i) => !elsewhere.has(i));
    // A socket per partition user when the external broker has them for these nodes (partition-users.ts).
    const sockets = (external && partitionUsersFor(external.credentials, hosted)?.length) || hosted.length;
    const descriptors = descriptorProblem(sockets, !external);
    if (descriptors) throw new EnvironmentError(descriptors);
  }
  const trainingThreads = federated ? threads : 0;
  return { ...distribution, resumed, options, scenario, swarm, name, outPath, compress, writeThread, reportThread, trainingThreads, checkpointEveryMs, liveOptions, inference, federated };
}

/** The inference entry and the federated coordinator keep their workload's records: each runs in the run's process. */
function refuseKeeperInWorker(role: string, records: string, index: number, swarm: ReadScenario['swarm'], partitions: readonly (readonly number[])[]): void {
  if (!partitions.some((partition) => partition.includes(index))) return;
  const node = swarm.nodes[index]!;
  const elsewhere = new Set(partitions.flat());
  const kept = formatPartition(swarm.nodes.map((_, i) => i).filter((i) => !elsewhere.has(i)));
  throw new UsageError(`--remote/--workers: ${role} ${node.id} (node ${node.index}) must run in this process, which keeps ${records}, but this split keeps nodes ${kept} here; give --remote partitions that leave node ${node.index} out`);
}

/** The features whose nodes must all run in one process refuse workers (swarm inference and federated learning take them: their entry or coordinator stays here). */
function refuseWorkers(scenario: ReadScenario['scenario']): void {
  if (scenario.peerMac) throw new UsageError('--remote/--workers: with peerMac the acknowledgements and channel activity detection run in one process (workers do not yet); leave them out');
  if (scenario.lorawan) throw new UsageError('--remote/--workers: with lorawan the network server and the class A devices run in one process (workers do not yet); leave them out');
  if (scenario.uplinkGateways === 'all') throw new UsageError('--remote/--workers: with uplinkGateways: all the network server merges every gateway\'s receptions in one process (workers do not yet); leave them out');
}
