/**
 * Federated-learning benchmark (printed, never asserted), run in its own process by bench/run.ts:
 * wall time per simulated round with 100 clients training the MNIST MLP over the radio, with
 * the clients trained on the simulation's thread and on training threads (fl/training-pool.ts:
 * `auto`, the cores less one, at most 4), and the same without the radio (the learning alone);
 * then whole `loraswarm run`s of fl-names and fl-mnist-iid with `--training-threads 0` and
 * `auto`, interleaved, and whether their files are byte-identical.
 *
 * Batches of 5: at the scenario's 10, an nRF52840 cannot hold the gradient of the MLP's first
 * layer (training all of it needs 236,640 B of SRAM, 221,184 B are free), which then keeps its
 * random initial values, and three rounds end near chance (11.2 % on 2026-12-05; `run` now
 * warns of it). At 5 every tensor trains, as it does in the learning without the radio below.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScenario } from '../src/scenario/read-scenario.ts';
import { trainingThreadsOption } from '../src/cli/commands/options.ts';
import { prepareFederated } from '../src/fl/setup.ts';
import { runFederation } from '../src/fl/federation.ts';
import { loadMnistTask } from '../src/fl/task.ts';
import { createClassifier } from '../src/model/classifier.ts';
import { createSimulation } from '../src/run/simulate.ts';

const sets = ['groups.1.count=100', 'federated.task.model=mlp', 'federated.rounds=3', 'federated.fraction=1', 'federated.local.batchSize=5', 'duration=2d', 'radio.sf=7'];
const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets });
const setup = prepareFederated(loaded.scenario, loaded.swarm);
const threads = trainingThreadsOption('auto');
console.log(`fl: machine ${cpus()[0]?.model ?? 'unknown'} × ${availableParallelism()}, Node ${process.version}; training threads auto = ${threads}`);
const radioRounds: string[] = [];
for (const trainingThreads of [0, threads]) {
  const start = performance.now();
  const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: setup, keepRecords: false, trainingThreads });
  simulation.finish();
  const ms = performance.now() - start;
  const rounds = simulation.federated!.rounds;
  radioRounds.push(JSON.stringify(rounds));
  const hours = rounds.reduce((s, r) => s + (r.endMs - r.startMs), 0) / 3_600_000;
  console.log(
    `fl: 100 clients, MNIST MLP (32 hidden; ${setup.trainable[0]} of ${setup.task.params.length} parameter tensors trainable in an nRF52840's SRAM), C = 1, over the radio, ${trainingThreads} training threads: ` +
      `${(ms / 1000 / rounds.length).toFixed(2)} s wall per round (${rounds.length} rounds, ${hours.toFixed(1)} simulated hours, ${simulation.tracker.totals().sent} frames, updates aggregated per round ${rounds.map((r) => r.participants).join('/')}, accuracy ${rounds.at(-1)!.validationAccuracy})`,
  );
}
console.log(`fl: the rounds with and without training threads are ${radioRounds[0] === radioRounds[1] ? 'identical' : 'DIFFERENT'}`);
const alone = performance.now();
const task = loadMnistTask({ seed: 1, model: 'mlp', hidden: 32 });
runFederation(createClassifier('mlp', task.data.dim, 10, 1, 32), task.data, { partitions: setup.partitions, strategy: { kind: 'fedavg' }, local: { ...setup.settings.local }, fraction: 1, rounds: 3, seed: 1 });
console.log(`fl: the same learning without the radio: ${((performance.now() - alone) / 1000 / 3).toFixed(2)} s wall per round`);

// Whole runs, interleaved: the bundle's CLI as a user runs it.
const dir = mkdtempSync(join(tmpdir(), 'loraswarm-bench-fl-'));
try {
  for (const scenario of ['fl-names', 'fl-mnist-iid']) {
    const times = new Map<string, number[]>([['0', []], ['auto', []]]);
    let identical = true;
    for (let round = 0; round < 2; round++) {
      for (const option of times.keys()) {
        const out = join(dir, `${scenario}-${option}`);
        rmSync(out, { recursive: true, force: true });
        const started = performance.now();
        const result = spawnSync(process.execPath, ['bin/loraswarm.js', 'run', `scenarios/${scenario}.yaml`, '--transport', 'memory', '--quiet', '--out', out, '--training-threads', option], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`${scenario} --training-threads ${option}: exit ${result.status}\n${result.stderr}`);
        times.get(option)!.push((performance.now() - started) / 1000);
      }
      const [none, auto] = [...times.keys()].map((option) => join(dir, `${scenario}-${option}`));
      identical &&= readdirSync(none!).filter((file) => file !== 'timing.json').every((file) => readFileSync(join(none!, file)).equals(readFileSync(join(auto!, file))));
    }
    const best = (option: string): string => Math.min(...times.get(option)!).toFixed(2);
    console.log(`fl: ${scenario}, whole run (best of 2, interleaved): --training-threads 0 ${best('0')} s, auto (${threads}) ${best('auto')} s; files ${identical ? 'byte-identical' : 'DIFFERENT'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
