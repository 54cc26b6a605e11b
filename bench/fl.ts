/**
 * Federated-learning benchmark (printed, never asserted), run in its own process by bench/run.ts:
 * wall time per simulated round with 100 clients training the MNIST MLP over the radio, and
 * the same without the radio (the learning alone).
 *
 * Batches of 5: at the scenario's 10, an nRF52840 cannot hold the gradient of the MLP's first
 * layer (training all of it needs 236,640 B of SRAM, 221,184 B are free), which then keeps its
 * random initial values, and three rounds end near chance (11.2 % on 2026-12-05; `run` now
 * warns of it). At 5 every tensor trains, as it does in the learning without the radio below.
 */
import { readScenario } from '../src/scenario/read-scenario.ts';
import { prepareFederated } from '../src/fl/setup.ts';
import { runFederation } from '../src/fl/federation.ts';
import { loadMnistTask } from '../src/fl/task.ts';
import { createClassifier } from '../src/model/classifier.ts';
import { createSimulation } from '../src/run/simulate.ts';

const sets = ['groups.1.count=100', 'federated.task.model=mlp', 'federated.rounds=3', 'federated.fraction=1', 'federated.local.batchSize=5', 'duration=2d', 'radio.sf=7'];
const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets });
const setup = prepareFederated(loaded.scenario, loaded.swarm);
const start = performance.now();
const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: setup, keepRecords: false });
simulation.finish();
const ms = performance.now() - start;
const rounds = simulation.federated!.rounds;
const hours = rounds.reduce((s, r) => s + (r.endMs - r.startMs), 0) / 3_600_000;
console.log(
  `fl: 100 clients, MNIST MLP (32 hidden; ${setup.trainable[0]} of ${setup.task.params.length} parameter tensors trainable in an nRF52840's SRAM), C = 1, over the radio: ` +
    `${(ms / 1000 / rounds.length).toFixed(2)} s wall per round (${rounds.length} rounds, ${hours.toFixed(1)} simulated hours, ${simulation.tracker.totals().sent} frames, updates aggregated per round ${rounds.map((r) => r.participants).join('/')}, accuracy ${rounds.at(-1)!.validationAccuracy})`,
);
const alone = performance.now();
const task = loadMnistTask({ seed: 1, model: 'mlp', hidden: 32 });
runFederation(createClassifier('mlp', task.data.dim, 10, 1, 32), task.data, { partitions: setup.partitions, strategy: { kind: 'fedavg' }, local: { ...setup.settings.local }, fraction: 1, rounds: 3, seed: 1 });
console.log(`fl: the same learning without the radio: ${((performance.now() - alone) / 1000 / 3).toFixed(2)} s wall per round`);
