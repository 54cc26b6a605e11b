/**
 * Benchmarks (printed, never asserted): `npm run bench`.
 * - scheduler: schedule + pop pairs per second on one core;
 * - scheduler-city: ns per event with a city's queue (a pending message per node) at 200,
 *   10,000 and 100,000 nodes, through the scheduler and through its queue with and without
 *   the calendar of far events;
 * - poisson-1000: a 1,000-node Poisson-to-sink scenario over one simulated day, simulation
 *   only and the whole `loraswarm run` (validation, simulation, result files);
 * - listen-10k: 10,000 battery nodes whose firmware listens 5 ms every
 *   second, one hour: wall time and peak memory;
 * - mqtt: raw aedes throughput beside loraswarm's MQTT path, and city-sink over memory and MQTT;
 * - mqtt-ratio: city-sink, the 1,000-node day, the quickstart and fl-mnist-iid over memory, the embedded broker and a worker;
 * - mosquitto-partitions: 5,000 nodes through Mosquitto, a connection per 64 nodes against one per node;
 * - model: TinySeek training steps per second and int8 forward MACs per second;
 * - inference: simulated tokens per wall-clock second of the inference scenarios, memory and MQTT;
 * - speculative: speculative decoding against the plain decoder, per token, on three radio setups;
 * - fl: wall time per simulated federated round, 100 clients on the MNIST MLP, with and
 *   without training threads; fl-names and fl-mnist-iid whole runs with and without them;
 * - dashboard: bundle sizes, report.html sizes and time to first render in Chromium;
 * - startup: wall time of a `loraswarm airtime` process, through the bundle and through tsx;
 * - sweep-jobs: a sweep of 8 runs with `--jobs 1` and `--jobs 2`, wall times and their ratio;
 * - lorasim: LoRaSim's experiment 1 at N = 200 over 10⁹ ms, both collision models, whole runs;
 * - scale: the whole `loraswarm run` of the Poisson city for a day at 1,000, 10,000 and
 *   100,000 nodes, around one gateway and at one gateway per 1,000 nodes;
 * - node-count: the same frames from 1,000, 10,000 and 100,000 nodes, in process: what the
 *   node count costs a frame, and the heap a node takes;
 * - report-thread: LoRaSim's experiment and the 10,000-node day with the report digested
 *   while the run goes on and read back after it;
 * - lorawan: the 10,000-node city for a day without LoRaWAN, with class A devices under ADR,
 *   and with confirmed uplinks under ADR.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScheduler } from '../src/sim/scheduler.ts';
import { createSimulation } from '../src/run/simulate.ts';
import { readScenario } from '../src/scenario/read-scenario.ts';
import { runCommand } from '../src/cli/commands/run.ts';

function bestOf<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let best = Number.POSITIVE_INFINITY;
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = fn();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, value: value! };
}

function benchScheduler(): void {
  const pairs = 2_000_000;
  const pending = 1_000;
  const { ms } = bestOf(3, () => {
    const scheduler = createScheduler();
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const noop = (): void => undefined;
    for (let i = 0; i < pending; i++) scheduler.after(next() * 1000, noop);
    for (let i = 0; i < pairs; i++) {
      scheduler.after(next() * 1000, noop);
      scheduler.step();
    }
    return scheduler.eventsProcessed;
  });
  console.log(`scheduler: ${(pairs / (ms / 1000) / 1e6).toFixed(2)} million schedule+pop pairs/s (${pending} pending, best of 3)`);
}

function benchPoisson(): void {
  const { scenario, swarm } = readScenario('bench/poisson-1000.yaml');
  const { ms, value } = bestOf(3, () => {
    const simulation = createSimulation(scenario, swarm, { keepRecords: true });
    const result = simulation.finish();
    return { result, totals: simulation.tracker.totals() };
  });
  console.log(
    `poisson-1000 (1,000 nodes, 1 simulated day): simulation ${(ms / 1000).toFixed(2)} s wall (best of 3); ` +
      `${value.totals.sent} frames, ${value.result.events} events, ${Math.round(value.result.events / (ms / 1000)).toLocaleString('en')} events/s, DER ${(value.totals.fates.received / value.totals.receptions).toFixed(4)}`,
  );
}

async function benchRunCommand(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-bench-'));
  try {
    const start = performance.now();
    await runCommand('bench/poisson-1000.yaml', { out: join(dir, 'run'), set: [], transport: 'memory', quiet: true }, () => undefined);
    console.log(`poisson-1000 via \`loraswarm run\` (validate, simulate, write every file): ${((performance.now() - start) / 1000).toFixed(2)} s wall`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`);
benchScheduler();
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/scheduler-city.ts'], { encoding: 'utf8' }));
benchPoisson();
await benchRunCommand();
// Its own process, so that the peak memory is the run's alone.
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/listen-10k.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/mqtt.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/mqtt-ratio.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/mosquitto-partitions.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/model.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/inference.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/speculative.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/fl.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/dashboard.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/startup.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/sweep-jobs.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/lorasim.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/scale.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/node-count.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/report-thread.ts'], { encoding: 'utf8' }));
process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', 'bench/lorawan.ts'], { encoding: 'utf8' }));
