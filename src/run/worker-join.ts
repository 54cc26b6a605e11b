/**
 * A worker joining its run: it says hello until the coordinator answers with its partition
 * (or a refusal), then loads the run's scenario and checks that it can host that partition.
 */
import { loadScenarioText } from '../scenario/loader.ts';
import { inferenceFor } from '../inference/load-model.ts';
import { servedModelDigest } from '../inference/model-digest.ts';
import { prepareFederated } from '../fl/setup.ts';
import { federatedTaskDigest } from '../fl/task-digest.ts';
import { parsePartition } from '../transport/partition.ts';
import { resolveSwarm, type ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { controlChunkBytes } from '../transport/control-codec.ts';
import { maxRunPacketBytes } from '../transport/packet-size-guard.ts';
import { descriptorProblem } from '../transport/descriptor-limit.ts';
import { partitionUsersFor } from '../transport/partition-users.ts';
import { EnvironmentError } from '../transport/environment-error.ts';
import { workerProtocolVersion, type AssignMessage } from '../transport/worker-protocol.ts';
import { sendTo, type WorkerControl } from './worker-control.ts';
import { RunAbortedError, WorkerRefusedError } from './worker-errors.ts';

/** The coordinator's answer when it took the worker. */
export type Assignment = Exclude<AssignMessage, { readonly refused: string }>;

/** What the worker hosts of the run. */
export interface HostedPartition {
  readonly scenario: Scenario;
  readonly swarm: ResolvedSwarm;
  readonly nodeCount: number;
  /** The hosted nodes, by index. */
  readonly hosted: readonly number[];
  /** The model the run serves, read and placed here as the coordinator did (undefined: none). */
  readonly inference: ReturnType<typeof inferenceFor>;
  /** The federated task, partitioned here as the coordinator did (undefined: none). */
  readonly federated: ReturnType<typeof prepareFederated> | undefined;
}

/** Says hello until the coordinator answers (it may start after the worker); a refusal throws. */
export async function joinRun(worker: WorkerControl): Promise<Assignment> {
  const { options, workerId, preliminary, barrier } = worker;
  const helloChunkBytes = controlChunkBytes(maxRunPacketBytes(options.runId, 1), preliminary.ctl(`workers/${workerId}/hello`));
  const hello = (): void => sendTo(worker, preliminary.ctl(`workers/${workerId}/hello`), { protocol: workerProtocolVersion, nodes: options.nodes }, helloChunkBytes);
  hello();
  const helloTimer = setInterval(hello, 1000);
  try {
    await barrier.wait(() => worker.assignment !== undefined, 'answer from the coordinator', options.joinTimeoutMs ?? 120_000);
  } catch (error) {
    if (error instanceof Error && error.name === 'BrokerTimeoutError') {
      throw new RunAbortedError(`no coordinator of run ${options.runId} answered at ${options.url} within ${(options.joinTimeoutMs ?? 120_000) / 1000} s`);
    }
    throw error;
  } finally {
    clearInterval(helloTimer);
  }
  const assigned = worker.assignment as AssignMessage;
  if ('refused' in assigned) throw new WorkerRefusedError(`the coordinator of run ${options.runId} refused this worker: ${assigned.refused}`);
  worker.brokerInRun = assigned.brokerInRun;
  const failedTopic = preliminary.ctl(`workers/${workerId}/failed`);
  const failedChunkBytes = controlChunkBytes(maxRunPacketBytes(options.runId, 1), failedTopic);
  worker.reportFailure = (reason) => sendTo(worker, failedTopic, { reason }, failedChunkBytes);
  return assigned;
}

/** Loads the run's scenario and checks that this worker can host its partition. */
export function hostPartition(worker: WorkerControl, assigned: Assignment): HostedPartition {
  const { options } = worker;
  const { scenario, locate } = loadScenarioText(assigned.scenario, { file: `scenario of run ${options.runId}` });
  const swarm = resolveSwarm(scenario, locate);
  const nodeCount = swarm.nodes.length;
  if (options.credentials.nodes.length !== nodeCount) {
    throw new WorkerRefusedError(`--credentials: expected credentials for the run's ${nodeCount} nodes, found ${options.credentials.nodes.length}`);
  }
  const hosted = parsePartition(assigned.nodes, nodeCount);
  // A socket per hosted node (one per partition connection): past the open-file limit they would fail one by one, naming the socket.
  const descriptors = descriptorProblem(assigned.partition ? 1 : (partitionUsersFor(options.credentials, hosted)?.length ?? hosted.length), false);
  if (descriptors) throw new EnvironmentError(`this worker cannot host nodes ${assigned.nodes}: ${descriptors}`);
  return { scenario, swarm, nodeCount, hosted, inference: runModel(scenario, swarm, options.runId, assigned.model), federated: runTask(scenario, swarm, options.runId, assigned.task) };
}

/**
 * The run's federated task (its data and the clients' partitions), prepared here from the same
 * scenario; one this machine cannot prepare, or whose data, partitions or initial model differ
 * from the run's (`digest`), is a refusal.
 */
function runTask(scenario: Scenario, swarm: ResolvedSwarm, runId: string, digest: string | undefined): ReturnType<typeof prepareFederated> | undefined {
  let setup: ReturnType<typeof prepareFederated> | undefined;
  try {
    setup = scenario.federated ? prepareFederated(scenario, swarm) : undefined;
  } catch (error) {
    throw new WorkerRefusedError(`this worker cannot train run ${runId}'s clients: ${error instanceof Error ? error.message : String(error)}`);
  }
  const found = setup && federatedTaskDigest(setup);
  if (found !== digest) {
    throw new WorkerRefusedError(`this worker's federated task is not run ${runId}'s: its data, partitions or initial model differ (digest ${found?.slice(0, 12) ?? 'none'}, the run's ${digest?.slice(0, 12) ?? 'none'}); run the same loraswarm version as the run`);
  }
  return setup;
}

/**
 * The model of the run, read and placed here as the run did (the same scenario, the same
 * placement); one this machine cannot read, or whose weights or placement differ from the run's
 * (`digest`), is a refusal.
 */
function runModel(scenario: Scenario, swarm: ResolvedSwarm, runId: string, digest: string | undefined): ReturnType<typeof inferenceFor> {
  let served: ReturnType<typeof inferenceFor>;
  try {
    served = inferenceFor(scenario, swarm);
  } catch (error) {
    throw new WorkerRefusedError(`this worker cannot serve run ${runId}'s model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const found = served && servedModelDigest(served);
  if (found !== digest) {
    const checkpoint = scenario.model?.checkpoint;
    throw new WorkerRefusedError(`this worker's model is not run ${runId}'s: its weights or placement differ (digest ${found?.slice(0, 12) ?? 'none'}, the run's ${digest?.slice(0, 12) ?? 'none'})${checkpoint ? `; give it the run's checkpoint ${JSON.stringify(checkpoint)}` : ''}`);
  }
  return served;
}
