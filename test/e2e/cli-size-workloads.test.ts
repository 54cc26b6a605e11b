/**
 * `loraswarm size` for every workload (issue 19, point 8): a sensor network's gateways for a
 * delivery ratio, and federated learning's boards and compression for an accuracy within an
 * energy, each answer checked against a sweep done by hand with the same runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulateSummary } from '../../src/run/simulate-summary.ts';
import { runCli } from '../helpers/cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-size-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sizing a sensor network', () => {
  it('answers the gateways a town needs for a delivery ratio of 0.95, as a sweep by hand finds them', async () => {
    const result = await runCli(['size', 'scenarios/city-plan.yaml', '--group', 'gw', '--vary', 'nodes=1..6', '--seeds', '1', '--target-delivery-ratio', '0.95', '--out', join(dir, 'gw')]);
    expect(result.status).toBe(0);
    // By hand: each gateway count at the scenario's seed, the first whose uplinks reach 0.95.
    const ratios: number[] = [];
    for (let gateways = 1; gateways <= 6; gateways++) {
      const summary = await simulateSummary('scenarios/city-plan.yaml', { sets: [`groups.1.count=${gateways}`], seed: 1 });
      ratios.push((summary.uplinks as { deliveryRatio: number }).deliveryRatio);
    }
    expect(ratios).toEqual([0.789785, 0.901324, 0.962727, 0.979157, 0.977279, 0.983476]);
    const byHand = ratios.findIndex((ratio) => ratio >= 0.95) + 1;
    expect(byHand).toBe(3);
    expect(result.stdout).toContain(`smallest that meets delivery ratio ≥ 0.95: ${byHand} × stm32u575 (group gw); delivery ratio 0.963, energy 2788.3 J, lifetime 2349.1 d (extrapolated from the simulated window)`);
    expect(result.stdout).toContain('  why: delivery ratio 0.963 against 0.950 (margin 1 %); 3.7 % of messages lost, receptions lost mostly to under sensitivity (99 %);');
    expect(result.stdout).toContain('  2 × stm32u575 (one fewer) misses: delivery ratio 0.901 against 0.950 (5 % short)');
    const text = readFileSync(join(dir, 'gw', 'sizing-runs.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('mcu,nodes,seed,feasible,nodesHoldingUnits,p95LatencyMs,joulesPerToken,lifetimeDays,tokensPerHour,completedShare,why,settings,deliveryRatio,accuracy,energyJ,timeToAccuracyMs,capacityTokensPerHour,capacityBound,failedNodes');
    expect((parse(text, { columns: true }) as Record<string, string>[]).map((row) => Number(row.deliveryRatio))).toEqual(ratios);
    expect(readFileSync(join(dir, 'gw', 'sizing.svg'), 'utf8')).toContain('gw (count)');
  }, 180_000);

  it('sizes coin-cell sensors\' lifetime with the gateways: a nearer gateway lets the farthest sensors use a lower SF', async () => {
    const result = await runCli(['size', 'scenarios/city-plan.yaml', '--group', 'gw', '--vary', 'nodes=3..4', '--seeds', '1', '--set', 'groups.0.node.battery=cr2032', '--target-lifetime', '200d', '--quiet', '--out', join(dir, 'coin')]);
    expect(result.status).toBe(0);
    const rows = parse(readFileSync(join(dir, 'coin', 'sizing.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.nodes, row.lifetimeDays, row.meetsTargets])).toEqual([
      ['3', '146.32196', '0'],
      ['4', '211.257483', '1'],
    ]);
  }, 120_000);

  it('takes the conservative side of the delivery ratio over seeds', async () => {
    const result = await runCli(['size', 'scenarios/city-plan.yaml', '--group', 'gw', '--vary', 'nodes=3..8', '--seeds', '3', '--target-delivery-ratio', '0.95', '--quiet', '--out', join(dir, 'seeds')]);
    expect(result.status).toBe(0);
    const rows = parse(readFileSync(join(dir, 'seeds', 'sizing.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    // The logit interval stays inside (0, 1): three gateways average 0.972, but their lower bound is 0.919; seven is the first whose lower bound reaches 0.95.
    expect(rows.map((row) => [row.nodes, row.deliveryRatio, row.deliveryRatioLow, row.deliveryRatioHigh, row.meetsTargets])).toEqual([
      ['3', '0.972193', '0.91901', '0.991941', '0'],
      ['4', '0.986986', '0.945349', '0.997673', '0'],
      ['5', '0.988468', '0.935798', '0.998732', '0'],
      ['6', '0.992119', '0.927462', '0.999602', '0'],
      ['7', '0.994714', '0.970496', '0.999366', '1'],
      ['8', '0.996952', '0.981398', '0.9997', '1'],
    ]);
  }, 180_000);
});

describe('sizing federated learning', () => {
  it('answers the boards and compression that reach 85 % on MNIST within 8 kJ, as a sweep by hand finds them', async () => {
    const result = await runCli(['size', 'scenarios/fl-plan.yaml', '--vary', 'nodes=8..12', '--vary', 'federated.compression.topK=1,0.1', '--seeds', '1', '--target-accuracy', '0.85', '--target-energy', '8kJ', '--out', join(dir, 'fl')]);
    expect(result.status).toBe(0);
    const byHand: { nodes: number; topK: string; accuracy: number; joules: number | undefined }[] = [];
    for (const nodes of [8, 9, 10, 11, 12]) {
      for (const topK of ['1', '0.1']) {
        const summary = await simulateSummary('scenarios/fl-plan.yaml', { sets: [`groups.1.count=${nodes}`, `federated.compression.topK=${topK}`], seed: 1 });
        const accuracy = summary.accuracy as { final: number; toTarget: { joules: number } | null };
        byHand.push({ nodes, topK, accuracy: accuracy.final, joules: accuracy.toTarget?.joules });
      }
    }
    const first = byHand.find((c) => c.accuracy >= 0.85 && c.joules !== undefined && c.joules <= 8000)!;
    expect([first.nodes, first.topK]).toEqual([12, '1']);
    expect(result.stdout).toContain(`smallest that meets accuracy ≥ 0.85, energy ≤ 8000.0 J: ${first.nodes} × nrf52840 federated.compression.topK=${first.topK} (group board)`);
    expect(result.stdout).toContain(`accuracy ${first.accuracy.toFixed(3)}, energy to accuracy`);
    expect(result.stdout).toContain('  11 × nrf52840 federated.compression.topK=1 (one fewer) misses: accuracy 0.847 against 0.850 (0 % short), energy: none (the accuracy target was never reached)');
    // Compression costs accuracy here: top-10 % never reaches 85 % in eight rounds.
    expect(byHand.filter((c) => c.topK === '0.1').every((c) => c.joules === undefined)).toBe(true);
  }, 180_000);
});

describe('capacity (issue 19, point 2)', () => {
  it('grows with the boards as pipelines fit, up to a bound the answer names, and a tokens/h target is checked against it', async () => {
    const result = await runCli(['size', 'scenarios/inference-capacity.yaml', '--vary', 'nodes=4,7,10', '--target-tokens-per-hour', '200', '--seeds', '1', '--out', join(dir, 'capacity')]);
    expect(result.status).toBe(0);
    // 4 to 6 boards hold one pipeline beside the entry, 7 two, 10 three: the bisection tries 5 and 6.
    const rows = parse(readFileSync(join(dir, 'capacity', 'sizing.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.nodes, row.capacityTokensPerHour, row.meetsTargets])).toEqual([
      ['4', '138', '0'],
      ['5', '138', '0'],
      ['6', '138', '0'],
      ['7', '236', '1'],
      ['10', '236', '1'],
    ]);
    expect(result.stdout).toContain('smallest that meets ≥ 200 tokens/h sustained: 7 × nrf52840; p95 latency 75.9 s, capacity 236.0 tokens/h');
    expect(result.stdout).toContain("  6 × nrf52840 (one fewer) misses: tokens/h 138.0 against 200.0 (31 % short); latency mostly queueing behind other frames (66 %); board-1 uses 54 % of its duty cycle; 3 of the 6 boards hold no units (too few for another pipeline); board-1's battery empties first; capacity bound by board-1's duty cycle (100 % used)");
    expect(result.stdout).toContain(
      '  capacity of nrf52840 (tokens/h by count): 4: 138.0, 5: 138.0, 6: 138.0, 7: 236.0, 10: 236.0; more boards stop raising it from 7 on (236.0 tokens/h): bound by timeouts after lost frames (58 % of the token latency; 18 receptions collided, 4 lost to half-duplex, 0 under sensitivity)',
    );
    const runs = parse(readFileSync(join(dir, 'capacity', 'sizing-runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(runs.map((row) => row.capacityBound)[0]).toBe("board-1's duty cycle (100 % used)");
  }, 240_000);

  it('under a p95 target, searches the offered load below saturation', async () => {
    const result = await runCli(['size', 'scenarios/inference-capacity.yaml', '--vary', 'nodes=7', '--capacity', '--target-p95-latency', '60s', '--seeds', '1', '--quiet', '--out', join(dir, 'p95')]);
    expect(result.status).toBe(0);
    const row = (parse(readFileSync(join(dir, 'p95', 'sizing-runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[])[0]!;
    // At saturation the p95 is 134.4 s; the highest rate whose p95 stays within 60 s serves 83.4 tokens an hour, below the 131.3 the scenario's own requests bring.
    expect([row.capacityTokensPerHour, row.capacityBound, row.tokensPerHour]).toEqual(['83.4386', 'the p95 target (at saturation the p95 is 134.4 s)', '131.284236']);
  }, 180_000);

  it('is refused for workloads that serve no model', async () => {
    const refused = await runCli(['size', 'scenarios/city-plan.yaml', '--vary', 'nodes=1..2', '--capacity']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--capacity: expected a scenario that serves a model ("model" and "inference" blocks), found neither in scenarios/city-plan.yaml');
  });
});

describe('N + k (issue 19, point 7)', () => {
  it('answers more boards than plain sizing when a failure matters: every seeded draw of a dead board must still serve every request', async () => {
    const plain = await runCli(['size', 'scenarios/inference-capacity.yaml', '--vary', 'nodes=4..10', '--seeds', '1', '--quiet', '--out', join(dir, 'plain')]);
    expect(plain.status).toBe(0);
    const plainRows = parse(readFileSync(join(dir, 'plain', 'sizing.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(plainRows.find((row) => row.meetsTargets === '1')!.nodes).toBe('4');
    const result = await runCli(['size', 'scenarios/inference-capacity.yaml', '--vary', 'nodes=4..10', '--failures', '1', '--seeds', '1', '--out', join(dir, 'n-plus-1')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('smallest that meets the workload (every request served) after 1 node failure (3 draws per seed, every draw): 7 × nrf52840;');
    // Six boards hold one pipeline (board-0 the entry and layer 0, board-1 layer 1): a draw that kills board-1 serves nothing.
    expect(result.stdout).toContain('  6 × nrf52840 (one fewer) misses: 33 % of the requests unserved (mean over the runs); with board-1 dead: no token latency');
    const runs = parse(readFileSync(join(dir, 'n-plus-1', 'sizing-runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(runs.filter((row) => row.nodes === '6').map((row) => [row.failedNodes, row.completedShare])).toEqual([
      ['board-3', '1'],
      ['board-4', '1'],
      ['board-1', '0'],
    ]);
    // The entry is never drawn; seven boards (two pipelines) survive every draw.
    expect(runs.some((row) => row.failedNodes === 'board-0')).toBe(false);
    expect(runs.filter((row) => row.nodes === '7').every((row) => row.completedShare === '1')).toBe(true);
  }, 240_000);

  it('refuses a bad failure count', async () => {
    const refused = await runCli(['size', 'scenarios/inference-capacity.yaml', '--vary', 'nodes=4', '--failures', 'two']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--failures: expected a whole number of nodes 0..64, found "two"');
  });
});

describe('sizing refuses what it cannot size', () => {
  it('names the target a workload cannot have, and a group without a count', async () => {
    const accuracy = await runCli(['size', 'scenarios/city-plan.yaml', '--vary', 'nodes=1..2', '--target-accuracy', '0.9']);
    expect(accuracy.status).toBe(2);
    expect(accuracy.stderr).toContain('--target-accuracy: expected a scenario that trains a model ("federated" block), found neither in scenarios/city-plan.yaml');
    const latency = await runCli(['size', 'scenarios/fl-plan.yaml', '--vary', 'nodes=4..5', '--target-p95-latency', '60s']);
    expect(latency.status).toBe(2);
    expect(latency.stderr).toContain('--target-p95-latency: expected a scenario that serves a model ("model" and "inference" blocks), found one that trains a model in scenarios/fl-plan.yaml');
    const group = await runCli(['size', 'scenarios/fl-plan.yaml', '--group', 'gateway', '--vary', 'nodes=1..2']);
    expect(group.status).toBe(2);
    expect(group.stderr).toContain('--group: expected a group with a count (a node list cannot vary), found "gateway"');
    for (const [flag, value] of [['--target-delivery-ratio', '1.5'], ['--target-energy', 'lots'], ['--target-time-to-accuracy', 'soon']]) {
      const refused = await runCli(['size', 'scenarios/fl-plan.yaml', '--vary', 'nodes=4..5', flag!, value!]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`${flag}: expected`);
    }
  });
});
