/**
 * The inference commands as a user runs them: `place` prints the plan or refuses an infeasible
 * model (exit 2); `run` writes tokens.csv, requests.csv and placement.csv and prints the
 * summary table; `size` returns a node count with sizing.csv and the plot, the same for the same
 * seeds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-inference-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loraswarm place', () => {
  it('prints which unit goes where and the memory per node', async () => {
    const result = await runCli(['place', 'scenarios/quickstart.yaml']);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^quickstart: radio-aware placement of .*tinyseek-names\/model\.tskp at int8 \(2,006,560 B of weights\) on 24 nodes$/);
    expect(lines[1]).toBe('  12 nodes hold units; the largest holds 213,024 B (10.6 % of the weights); entry board-0; attention board-0, board-0');
    expect(result.stdout).toContain('board-0   nrf52840    213,024         225,280  2,048      1,280        221,184           0  internal flash: io L0.attention L0.shared0 L0.expert0 L0.expert1 L1.attention');
    const json = JSON.parse((await runCli(['place', 'scenarios/quickstart.yaml', '--json', '--set', 'model.placement.strategy=pack'])).stdout) as { strategy: string; nodesHoldingUnits: number; units: { id: string; nodes: string[] }[] };
    expect(json.strategy).toBe('pack');
    expect(json.nodesHoldingUnits).toBe(12);
    expect(json.units.find((u) => u.id === 'L1.expert15')?.nodes).toHaveLength(1);
  });

  it('refuses a model that does not fit with the shortfall and exit 2, writing nothing', async () => {
    const result = await runCli(['place', 'scenarios/quickstart.yaml', '--set', 'groups.0.count=6']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'loraswarm: the model does not fit the swarm: 16 units (L1.expert0, L1.expert1, L1.expert2, L1.expert3, L1.expert4, L1.expert5 and 10 more, 925,696 B of weights) found no node with room',
        "  the units need 2,006,560 B of internal flash; the 6 eligible nodes' placement budgets total 1,351,680 B, of which 270,816 B stayed free in pieces too small or on nodes that hold a copy already",
        // Three 57,856 B experts fit a 225,280 B budget: 16 experts take 6 more boards.
        '  shortfall 654,880 B beyond all free internal flash; 6 more nodes like board-0 (nrf52840, 225,280 B placement budget each) would hold the rest',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', 'scenarios/quickstart.yaml', '--set', 'groups.0.count=6', '--out', join(dir, 'run')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('the model does not fit the swarm');
    expect(existsSync(join(dir, 'run'))).toBe(false);
    expect(existsSync(join(dir, 'run.partial'))).toBe(false);
  });
});

describe('loraswarm run with a model', () => {
  it('writes the inference files and prints the summary table', async () => {
    const result = await runCli(['run', 'scenarios/quickstart.yaml', '--transport', 'memory', '--out', join(dir, 'q')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  requests: 5 (5 complete, 0 failed, 0 unfinished): "constance", "galven", "jeromia", "harley", "bonny"');
    expect(result.stdout).toContain('  tokens: 38, latency p50 123.1 s, p95 153.9 s');
    // The headline gives the scenario's duration and the drain after it; figures in their units.
    expect(result.stdout).toMatch(/^run quickstart \(seed 1\): 24 nodes, 30\.0 min simulated \(drained to 46\.1 min\) in \d/);
    expect(result.stdout).toContain('  DER 1.0000, airtime 51.6 s, energy 2414.6 J (radio TX 7.072 J), 0 nodes died');
    expect(result.stdout).toContain('  fidelity: 100.0 % of 38 tokens equal the single-node model\'s; 0 experts dropped; 8.6 frames per token');
    expect(result.stdout).toContain('first node death: none');
    const tokens = readFileSync(join(dir, 'q', 'tokens.csv'), 'utf8').trim().split('\n');
    expect(tokens).toHaveLength(39);
    expect(tokens[0]).toBe('request,position,kind,input,output,positions,drafted,accepted,emitted,status,startMs,endMs,latencyMs,airtimeMs,queueingMs,dutyCycleWaitMs,wakeWaitMs,computeMs,processingMs,timeoutMs,hops,frames,phyBytes,framesAirtimeMs,energyJ,transmitJ,receiveJ,computeJ,processingJ,experts,expertsDropped,expertsSkipped,sharedExpertsDropped,attempts,matchesReference');
    const requests = readFileSync(join(dir, 'q', 'requests.csv'), 'utf8').trim().split('\n');
    expect(requests.map((line) => line.split(',').at(-1))).toEqual(['text', 'constance', 'galven', 'jeromia', 'harley', 'bonny']);
    const summary = JSON.parse(readFileSync(join(dir, 'q', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['tokens', 'latencyMs', 'joulesPerToken', 'fidelity', 'expertLoad', 'dutyCycleUtilisation', 'lifetime']));
    expect((summary.expertLoad as number[][]).flat().reduce((s, v) => s + v, 0)).toBe(2 * 2 * 38);
    expect(readFileSync(join(dir, 'q', 'placement.csv'), 'utf8').split('\n')[1]).toBe('io,io,-1,0,board-0,5152,0,288,1');
  });
});

describe('loraswarm size', () => {
  it('returns the smallest node count that meets the targets, with sizing.csv and the plot, the same for the same seeds', async () => {
    const args = ['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=10..14/2', '--seeds', '2', '--target-p95-latency', '200s', '--target-lifetime', '10d'];
    const first = await runCli([...args, '--out', join(dir, 's1')]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('nrf52840  10     model does not fit');
    expect(first.stdout).toContain('smallest that meets p95 latency ≤ 200.0 s, lifetime ≥ 10 d: 12 × nrf52840; p95 latency 153.9 s [153.9 s, 153.9 s], lifetime 10.5 d [10.4 d, 10.7 d]');
    // The ladder tried 10, 12 and 14; bisection adds 11, which misses by one expert.
    expect(first.stdout).toContain('nrf52840  11     model does not fit');
    expect(first.stdout).toContain('  why: p95 latency 153.9 s against 200.0 s (margin 23 %); lifetime 10.4 d against 10.0 d (margin 4 %); latency mostly duty-cycle waits (54 %); board-0 uses 91 % of its duty cycle');
    // More boards than the model needs only listen, and the output says so (issue 19, point 1).
    expect(readFileSync(join(dir, 's1', 'sizing.csv'), 'utf8')).toContain('2 of the 14 boards hold no units (model.placement.pipelines: auto would put more copies of the model on them once they can hold one)');
    expect(first.stdout).toContain('  11 × nrf52840 (one fewer) misses: the model does not fit: internal flash: no room for L1.expert15 (1 more node would hold it)');
    const csv = readFileSync(join(dir, 's1', 'sizing.csv'), 'utf8');
    expect(csv.split('\n')[2]).toBe('nrf52840,11,0,0,,,,,,,,,,,,,,0,1,internal flash: no room for L1.expert15 (1 more node would hold it),,,,,,,,,,,,,,,,');
    expect(csv.split('\n')[3]).toMatch(/^nrf52840,12,1,2,153856,153856,153856,0\.235/);
    expect(readFileSync(join(dir, 's1', 'sizing.svg'), 'utf8')).toContain('chosen: 12');
    // An infeasible count has no figures: empty cells, as in every other file (it was NaN).
    const runs = readFileSync(join(dir, 's1', 'sizing-runs.csv'), 'utf8');
    expect(runs).not.toContain('NaN');
    expect(runs.split('\n')[1]).toBe('nrf52840,10,1,0,0,,,,,0,internal flash: no room for 4 units (2 more nodes would hold them),,,,,,,,');
    const second = await runCli([...args, '--out', join(dir, 's2'), '--quiet']);
    expect(second.status).toBe(0);
    for (const file of ['sizing.csv', 'sizing-runs.csv', 'sizing.svg']) expect(readFileSync(join(dir, 's2', file), 'utf8')).toBe(readFileSync(join(dir, 's1', file), 'utf8'));
  }, 180_000);

  it('answers the true minimum of the quickstart over nodes=4..128 (12: the ladder jumps from 10 to 13, bisection finds it) and names what binds, with the same files from two child processes (issue 19)', async () => {
    const result = await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=4..128', '--seeds', '1', '--out', join(dir, 'true-min')]);
    expect(result.status).toBe(0);
    const rows = readFileSync(join(dir, 'true-min', 'sizing.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    expect(rows.map((row) => Number(row[1]))).toEqual([4, 5, 6, 8, 10, 11, 12, 13, 16, 20, 25, 31, 39, 49, 61, 76, 95, 119, 128]);
    expect(rows.filter((row) => row[18] === '1').map((row) => Number(row[1]))).toEqual([11, 12]);
    expect(result.stdout).toContain('smallest that meets the workload (every request served): 12 × nrf52840;');
    expect(result.stdout).toContain('  11 × nrf52840 (one fewer) misses: the model does not fit: internal flash: no room for L1.expert15 (1 more node would hold it)');
    expect(readFileSync(join(dir, 'true-min', 'sizing.csv'), 'utf8').split('\n')[1]).toBe('nrf52840,4,0,0,,,,,,,,,,,,,,0,0,"internal flash short by 1,105,440 B",,,,,,,,,,,,,,,,');
    // In two child processes: the same files (the models that do not fit found before any child runs; the bisection's batches).
    const jobs = await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=4..128', '--seeds', '1', '--out', join(dir, 'true-min-jobs'), '--jobs', '2', '--quiet']);
    expect(jobs.stderr).toBe('');
    expect(jobs.status).toBe(0);
    for (const file of ['sizing.csv', 'sizing-runs.csv', 'sizing.svg']) expect(readFileSync(join(dir, 'true-min-jobs', file), 'utf8'), file).toBe(readFileSync(join(dir, 'true-min', file), 'utf8'));
    const bad = await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=12', '--jobs', '0', '--out', join(dir, 'bad-jobs')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('loraswarm: --jobs: expected a whole number 1..256 (child processes), found "0"\n');
  }, 180_000);

  it('chooses by --objective: cost and energy answer differently on three MCUs, each explained against the others (issue 19)', async () => {
    const args = ['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=12', '--mcus', 'nrf52840,esp32-s3,stm32l4r5', '--seeds', '1', '--target-p95-latency', '200s'];
    const cost = await runCli([...args, '--objective', 'cost', '--out', join(dir, 'cost')]);
    const energy = await runCli([...args, '--objective', 'energy', '--out', join(dir, 'energy')]);
    expect([cost.status, energy.status]).toEqual([0, 0]);
    expect(cost.stdout).toContain('best by cost that meets p95 latency ≤ 200.0 s: 12 × nrf52840;');
    expect(energy.stdout).toContain('best by energy that meets p95 latency ≤ 200.0 s: 12 × esp32-s3;');
    // Both print what every objective picks, with its figure; the L4R5 has no sourced price.
    const alternatives = '  by objective (--objective): nodes → 12 × nrf52840 (12 boards); energy → 12 × esp32-s3 (8.131 mJ per token); cost → 12 × nrf52840 ($48.35: 12 × $4.029); lifetime → 12 × esp32-s3 (10.6 d); no unit price for stm32l4r5, so cost leaves it out';
    expect(cost.stdout).toContain(alternatives);
    expect(energy.stdout).toContain(alternatives);
    expect((await runCli([...args, '--objective', 'cheapest'])).stderr).toBe('loraswarm: --objective: expected one of nodes, energy, cost, lifetime, found "cheapest"\n');
  }, 180_000);

  it('varies any scenario key beside the count, several at once: each combination a variant (issue 19, point 6)', async () => {
    const result = await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=12', '--vary', 'radio.sf=7,8', '--vary', 'model.bits=8,4', '--seeds', '1', '--target-p95-latency', '200s', '--out', join(dir, 'keys')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('smallest that meets p95 latency ≤ 200.0 s: 12 × nrf52840 radio.sf=7 model.bits=8 (the first variant that does, in --mcus and --vary order)');
    const rows = readFileSync(join(dir, 'keys', 'sizing.csv'), 'utf8').trim().split('\n').slice(1);
    // settings is the 21st column, before the figures of other workloads (empty here).
    expect(rows.map((row) => [row.split(',')[0], row.split(',').at(-16), row.split(',')[17]])).toEqual([
      ['nrf52840', 'radio.sf=7 model.bits=8', '1'],
      ['nrf52840', 'radio.sf=7 model.bits=4', '1'],
      ['nrf52840', 'radio.sf=8 model.bits=8', '0'],
      ['nrf52840', 'radio.sf=8 model.bits=4', '0'],
    ]);
    // At SF8 a token's frames take longer and the 1 % sub-band closes for longer: 277.0 s at p95.
    expect(result.stdout).toMatch(/\nnrf52840 radio\.sf=8 model\.bits=8 +12 +277\.0 s /);
    for (const [args, message] of [
      [['--vary', 'nodes=12', '--vary', 'nodes=14'], '--vary: expected exactly one nodes=a..b (or a list), found "nodes=12 nodes=14"'],
      [['--vary', 'nodes=12', '--vary', 'radio.sf'], '--vary: expected key=value1,value2 (a scenario key and its values), found "radio.sf"'],
      [['--vary', 'nodes=12', '--vary', 'radio.sf=7', '--vary', 'radio.sf=8'], '--vary: expected each key once, found radio.sf twice'],
    ] as const) {
      const refused = await runCli(['size', 'scenarios/quickstart.yaml', ...args]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toBe(`loraswarm: ${message}\n`);
    }
  }, 180_000);

  it("prints the STM32N6's p95 as its octo-SPI flash sets it (~1.07 ms: the active weights streamed per token), in its units (issues 16 and 18)", async () => {
    const result = await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=12', '--mcus', 'stm32n6', '--seeds', '1', '--out', join(dir, 'n6')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('mcu      nodes  p95 latency  energy/token  lifetime (extrapolated)');
    // Not the 0.002 ms and 0.353 µJ of the NPU's 600 GOPS peak: 384 kB of weights at 382 MB/s, 264.87 mW while it waits, and the CPU's norms and softmax (test/run/npu-streaming.test.ts).
    expect(result.stdout).toContain('stm32n6  12     1.07 ms      345.3 µJ');
  }, 180_000);

  it('simulates to the first battery death with --to-end (the extrapolation is 4 % optimistic on a coin cell)', async () => {
    const args = ['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=12', '--seeds', '1', '--set', 'node.battery=cr2032', '--quiet'];
    expect((await runCli([...args, '--out', join(dir, 'x')])).status).toBe(0);
    expect((await runCli([...args, '--to-end', '--out', join(dir, 'e')])).status).toBe(0);
    const lifetime = (sub: string): string => readFileSync(join(dir, sub, 'sizing.csv'), 'utf8').split('\n')[1]!.split(',')[10]!;
    expect(lifetime('x')).toBe('0.614278');
    expect(lifetime('e')).toBe('0.589737');
  }, 180_000);

  it('counts the nodes a replicated model needs: copies of one expert never share a node', async () => {
    const result = await runCli(['place', 'scenarios/inference-replicas.yaml', '--set', 'model.placement.replicas=4', '--set', 'groups.1.count=1', '--set', 'node.mcu=stm32n6', '--set', 'faults=[]']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('  2 more nodes like hub (stm32n6, 66,953,216 B placement budget each) would hold the rest\n');
  });

  it('refuses bad options with exit 2', async () => {
    expect((await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=9..4'])).stderr).toContain('--vary: expected a range a..b with 1 ≤ a ≤ b, found "9..4"');
    expect((await runCli(['size', 'scenarios/quickstart.yaml', '--vary', 'nodes=4..8', '--target-p95-latency', 'soon'])).status).toBe(2);
    expect((await runCli(['size', 'scenarios/city-sink.yaml', '--vary', 'nodes=4..8', '--target-p95-latency', '60s'])).stderr).toContain('--target-p95-latency: expected a scenario that serves a model ("model" and "inference" blocks), found neither in scenarios/city-sink.yaml');
  });
});

describe('loraswarm run with federated learning', () => {
  it('saves the trained TinySeek in the run directory, which model sample and model eval take (issue 16, point 5)', async () => {
    const out = join(dir, 'fl-names');
    expect((await runCli(['run', 'scenarios/fl-names.yaml', '--set', 'federated.rounds=1', '--transport', 'memory', '--out', out, '--quiet'])).status).toBe(0);
    const sample = await runCli(['model', 'sample', out, '--count', '3']);
    expect(sample.status).toBe(0);
    expect(sample.stdout.trim().split('\n')).toHaveLength(3);
    // The float model `model eval` judges is the global model the run evaluated last: the same bits per character.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { federated: { finalValidationBitsPerChar: number } };
    const evaluated = await runCli(['model', 'eval', out, '--bits', '8']);
    expect(evaluated.status).toBe(0);
    expect(evaluated.stdout).toContain(`(float ${summary.federated.finalValidationBitsPerChar.toFixed(4)})`);
  }, 120_000);

  it('writes rounds.csv and the partition and prints the federated summary', async () => {
    const result = await runCli(['run', 'scenarios/fl-compression.yaml', '--set', 'federated.rounds=2', '--transport', 'memory', '--out', join(dir, 'fl')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  federated: 2 rounds, final validation accuracy 85.5 %; 85 % reached in round 2 after 34.7 min, 1604.4 J and 83.9 s of airtime');
    expect(result.stdout).toContain('  updates: 20 aggregated, 0 dropouts, 0 abandoned; 36,393 B up, 16,920 B down; 1604.4 J in rounds');
    // Each round is told as it closes, as Flower does (on stderr, with the progress).
    expect(result.stderr).toMatch(/^round 1: 10\/10 updates, validation accuracy \d+\.\d % \(loss \d\.\d{4}\), [\d.]+ J, [\d.]+ min\nround 2: 10\/10 updates, validation accuracy 85\.5 % \(loss \d\.\d{4}\), [\d.]+ J, [\d.]+ min\n/);
    expect(readFileSync(join(dir, 'fl', 'rounds.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readFileSync(join(dir, 'fl', 'partition-samples.csv'), 'utf8').trim().split('\n')).toHaveLength(9001);
    const summary = JSON.parse(readFileSync(join(dir, 'fl', 'summary.json'), 'utf8')) as { rounds: number; accuracy: { final: number }; energyJ: { total: number } };
    expect(summary.rounds).toBe(2);
    expect(summary.accuracy.final).toBe(0.855);
    expect(summary.energyJ.total).toBeGreaterThan(0);
    // A sweep's rows carry the federated keys too (one run per compression setting).
    expect((await runCli(['sweep', 'scenarios/fl-compression.yaml', '--set', 'federated.rounds=1', '--set', 'federated.compression.topK=1,0.1', '--out', join(dir, 'sweep'), '--quiet'])).status).toBe(0);
    const rows = readFileSync(join(dir, 'sweep', 'sweep.csv'), 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    const column = (row: string, key: string): string => row.split(',')[header.indexOf(key)]!;
    expect(rows.slice(1).map((row) => [column(row, 'accuracy.final'), column(row, 'federated.bytesUp')])).toEqual([['0.823', '92210'], ['0.781', '18501']]);
    // Workers run clients (test/e2e/cli-workers.test.ts); the coordinator, node 0, stays with the run.
    expect((await runCli(['run', 'scenarios/fl-compression.yaml', '--remote', '0-3', '--out', join(dir, 'w')])).stderr).toContain('the federated coordinator gateway (node 0) must run in this process');
  }, 180_000);
});
