/**
 * From a scenario's `federated` block to what the run needs: the data and its partition over
 * the clients, the coordinator, the model, and what each client can train with its memory.
 */
import { mnistPixels } from '../data/mnist.ts';
import { meanPathLossDb } from '../radio/path-loss.ts';
import { InputError } from '../scenario/errors.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { partition, PartitionError } from './partition.ts';
import type { FlSetup } from './swarm.ts';
import { loadMnistTask, namesTask, type FlTask } from './task.ts';

/** The coordinator: the named node, else the sink (then the mains node) with the least total path loss to the others. */
export function chooseCoordinator(scenario: Scenario, swarm: ResolvedSwarm): number {
  const named = scenario.federated?.coordinator;
  if (named !== undefined) {
    const index = swarm.nodes.findIndex((node) => node.id === named);
    if (index < 0) throw new InputError([{ path: 'federated.coordinator', message: `expected the id of a node of the scenario, found ${JSON.stringify(named)}` }]);
    return index;
  }
  const candidates = swarm.nodes.filter((node) => node.role === 'sink').length > 0 ? swarm.nodes.filter((node) => node.role === 'sink') : swarm.nodes.filter((node) => node.power.mains);
  if (candidates.length === 0) throw new InputError([{ path: 'federated.coordinator', message: 'expected a sink or a mains-powered node to coordinate, found none: name one' }]);
  const loss = (a: (typeof candidates)[number]): number => swarm.nodes.reduce((sum, b) => sum + (a === b ? 0 : meanPathLossDb(swarm.pathLoss, Math.hypot(a.xM - b.xM, a.yM - b.yM))), 0);
  return candidates.reduce((best, node) => (loss(node) < loss(best) ? node : best)).index;
}

/** The clients of federated learning: every node but the coordinator in a group that holds units (by default, role node), by index. */
export function federatedClients(scenario: Scenario, swarm: ResolvedSwarm, coordinator: number): number[] {
  const groups = new Map(scenario.groups.map((group) => [group.name, group]));
  return swarm.nodes.filter((node) => node.index !== coordinator && (groups.get(node.group)?.holdsUnits ?? node.role === 'node')).map((node) => node.index);
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
  // Training state in SRAM: every value (float32), a gradient (and a velocity with momentum) for
  // each trained value, and a batch of activations. A client short of SRAM trains the last
  // parameters that fit (the output layer first).
  const sizes = task.params.map((p) => p.value.length);
  const batch = settings.local.batchSize === 'full' ? partitions.reduce((most, p) => Math.max(most, p.length), Number.NEGATIVE_INFINITY) : settings.local.batchSize;
  const activations = spec.dataset === 'mnist' ? 4 * batch * (mnistPixels + (spec.model === 'mlp' ? spec.hidden : 0) + 10) : 4 * batch * spec.model.context * (8 * spec.model.dim + 32);
  const perTrained = settings.local.momentum > 0 ? 8 : 4;
  const trainable = clients.map((node) => {
    const nodeSpec = swarm.nodes[node]!;
    const m = nodeSpec.memory;
    const budget = nodeSpec.mcu.sramBytes - (m.firmwareBaseline + m.radioBuffers + m.activations + m.kvCache + m.trainingBuffers);
    let keep = 0;
    let bytes = 4 * sizes.reduce((s, n) => s + n, 0) + activations;
    for (let k = sizes.length - 1; k >= 0; k--) {
      if (bytes + perTrained * sizes[k]! > budget) break;
      bytes += perTrained * sizes[k]!;
      keep++;
    }
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
