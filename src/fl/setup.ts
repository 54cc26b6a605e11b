/**
 * From a scenario's `federated` block to what the run needs: the data and its partition over
 * the clients, the coordinator, the model, and what each client can train with its memory.
 */
import { mnistPixels } from '../data/mnist.ts';
import { InputError } from '../scenario/errors.ts';
import { chooseCoordinator, federatedClients } from '../scenario/federated-roles.ts';
import type { NodeSpec, ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { partition, PartitionError } from './partition.ts';
import type { FlSetup } from './swarm.ts';
import { loadMnistTask, namesTask, type FlTask } from './task.ts';

/**
 * Training state in SRAM: every value (float32), a gradient (and a velocity with momentum) for
 * each trained value, and a batch of activations. A client short of SRAM trains the last
 * parameters that fit (the output layer first).
 */
export interface TrainingMemory {
  /** Values per parameter tensor, in the model's order. */
  readonly sizes: readonly number[];
  /** Bytes per trained value: its gradient, and its velocity with momentum. */
  readonly perTrained: number;
  /** Activation bytes per sample of a batch. */
  readonly activationsPerSample: number;
  /** The batch size local training uses (the largest partition with batchSize: full). */
  readonly batch: number;
}

function trainingMemory(scenario: Scenario, task: FlTask, partitions: readonly Int32Array[]): TrainingMemory {
  const settings = scenario.federated!;
  const spec = settings.task;
  const batch = settings.local.batchSize === 'full' ? partitions.reduce((most, p) => Math.max(most, p.length), Number.NEGATIVE_INFINITY) : settings.local.batchSize;
  const activationsPerSample = spec.dataset === 'mnist' ? 4 * (mnistPixels + (spec.model === 'mlp' ? spec.hidden : 0) + 10) : 4 * spec.model.context * (8 * spec.model.dim + 32);
  return { sizes: task.params.map((p) => p.value.length), perTrained: settings.local.momentum > 0 ? 8 : 4, activationsPerSample, batch };
}

/** SRAM a client has for training: all of it but its firmware, radio buffers and what its model units hold. */
function trainingBudgetBytes(node: NodeSpec): number {
  const m = node.memory;
  return node.mcu.sramBytes - (m.firmwareBaseline + m.radioBuffers + m.activations + m.kvCache + m.trainingBuffers);
}

/** Bytes of training state when the last `trained` tensors are trained at `batch`. */
function trainingBytes(memory: TrainingMemory, batch: number, trained: number): number {
  const { sizes } = memory;
  let bytes = 4 * sizes.reduce((sum, n) => sum + n, 0) + memory.activationsPerSample * batch;
  for (let k = sizes.length - trained; k < sizes.length; k++) bytes += memory.perTrained * sizes[k]!;
  return bytes;
}

/** How many of the last tensors fit in `budget` bytes at `batch`. */
function trainableTensors(memory: TrainingMemory, batch: number, budget: number): number {
  let keep = 0;
  while (keep < memory.sizes.length && trainingBytes(memory, batch, keep + 1) <= budget) keep++;
  return keep;
}

/**
 * Why clients cannot train the whole model, before the run (issue 20, point 6: the 100-client
 * MNIST MLP that stayed near chance because its first layer never trained): per kind of
 * client short of SRAM, the tensors that keep their initial values, the bytes training all of
 * them needs against the bytes free, and the largest batch at which all fit, if any.
 */
export function describeFrozenTensors(scenario: Scenario, swarm: ResolvedSwarm, setup: FlSetup): string[] {
  if (scenario.federated?.trainLastTensors !== undefined) return [];
  const memory = trainingMemory(scenario, setup.task, setup.partitions);
  const all = memory.sizes.length;
  const short = new Map<string, { clients: number; keep: number; budget: number }>();
  setup.clients.forEach((node, c) => {
    const keep = setup.trainable[c]!;
    if (keep >= all) return;
    const spec = swarm.nodes[node]!;
    const budget = trainingBudgetBytes(spec);
    const key = `${spec.mcu.id}/${budget}`;
    const entry = short.get(key) ?? { clients: 0, keep, budget };
    entry.clients++;
    short.set(key, entry);
  });
  return [...short].map(([key, { clients, keep, budget }]) => {
    const frozen = setup.task.params.slice(0, all - keep).map((p) => `${p.name} (${p.value.length.toLocaleString('en')} values)`);
    let fits = memory.batch - 1;
    while (fits >= 1 && trainingBytes(memory, fits, all) > budget) fits--;
    const remedy = fits >= 1 ? `at federated.local.batchSize ${fits} all fit` : 'no batch size makes all fit: a board with more SRAM, or a smaller model';
    return `  warning: ${clients} client${clients === 1 ? '' : 's'} (${key.split('/')[0]}) can train only ${keep} of the model's ${all} parameter tensors at batch ${memory.batch}: ${frozen.join(', ')} ${frozen.length === 1 ? 'keeps its' : 'keep their'} initial values (training all needs ${trainingBytes(memory, memory.batch, all).toLocaleString('en')} B of SRAM, ${budget.toLocaleString('en')} B are free); ${remedy}`;
  });
}

export function prepareFederated(scenario: Scenario, swarm: ResolvedSwarm): FlSetup & { readonly partitionsByNode: ReadonlyMap<number, Int32Array> } {
  const settings = scenario.federated!;
  const spec = settings.task;
  if (spec.dataset === 'names' && spec.model.topK > spec.model.experts) throw new InputError([{ path: 'federated.task.model.topK', message: `expected at most model.experts (${spec.model.experts}), found ${spec.model.topK}` }]);
  const task: FlTask = spec.dataset === 'mnist' ? loadMnistTask({ seed: scenario.seed, model: spec.model, hidden: spec.hidden }) : namesTask({ seed: scenario.seed, by: spec.by, model: spec.model });
  const coordinator = chooseCoordinator(scenario, swarm);
  const clients = federatedClients(scenario, swarm, coordinator);
  if (clients.length === 0) throw new InputError([{ path: 'federated', message: 'expected at least one client (a node with role node), found none' }]);
  let partitions: Int32Array[];
  try {
    partitions = partition(task.train, task.labels, clients.length, settings.partition, createRandomStreams(scenario.seed).stream('fl/partition'));
  } catch (error) {
    if (error instanceof PartitionError) throw new InputError([{ path: 'federated.partition', message: `expected a partition of the ${task.train.length} training samples over ${clients.length} clients, found: ${error.message}` }]);
    throw error;
  }
  const memory = trainingMemory(scenario, task, partitions);
  const trainable = clients.map((node) => {
    const keep = trainableTensors(memory, memory.batch, trainingBudgetBytes(swarm.nodes[node]!));
    // A declared limit applies on top of what the memory allows.
    return settings.trainLastTensors === undefined ? keep : Math.min(keep, settings.trainLastTensors);
  });
  if (trainable.every((keep) => keep === 0)) {
    throw new InputError([{ path: 'federated.task', message: `expected clients with the SRAM to train at least the output layer, found none (${swarm.nodes[clients[0]!]!.mcu.id} has ${swarm.nodes[clients[0]!]!.mcu.modelSramBytes.toLocaleString('en')} B for models)` }]);
  }
  return {
    settings,
    task,
    clients,
    partitions,
    coordinator,
    trainable,
    seed: scenario.seed,
    durationMs: scenario.duration,
    partitionsByNode: new Map(clients.map((node, c) => [node, partitions[c]!])),
  };
}
