import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, runCli, type CliResult } from '../helpers/cli.ts';
import { frameColumns } from '../../src/metrics/tables.ts';


/** `loraswarm run` that must succeed: in this process, or with `inChild` in a fresh one. */
async function run(args: readonly string[], inChild = false): Promise<CliResult> {
  const result = inChild ? cli(['run', ...args]) : await runCli(['run', ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result;
}

const deterministicFiles = ['summary.json', 'frames.csv', 'receptions.csv', 'nodes.csv'] as const;
const runFiles = ['frames.csv', 'nodes.csv', 'receptions.csv', 'report.html', 'scenario.yaml', 'series.csv', 'summary.json', 'timing.json'];
const aloha10min = ['scenarios/aloha.yaml', '--set', 'duration=10min'];

describe('loraswarm run scenarios/aloha.yaml for 10 simulated minutes', () => {
  let tmp: string;
  let first: string;
  let firstOutput: CliResult;
  let second: string;
  let secondOutput: CliResult;

  // One reference run shared by the tests below, and the same run again with --quiet (compared
  // with it byte for byte, and its stdout read) in a fresh process, so that nothing this process
  // keeps can make the two agree; each test writes its own further runs into tmp.
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'loraswarm-cli-run-'));
    first = join(tmp, 'a');
    firstOutput = await run([...aloha10min, '--out', first]);
    second = join(tmp, 'same-seed');
    secondOutput = await run([...aloha10min, '--out', second, '--quiet'], true);
  });

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  const read = (dir: string, name: string): string => readFileSync(join(dir, name), 'utf8');
  const summaryOf = (dir: string): Record<string, unknown> => JSON.parse(read(dir, 'summary.json')) as Record<string, unknown>;

  it('writes exactly the run files, with no RUNNING, FAILED.txt or .partial left behind', () => {
    expect(readdirSync(first).sort()).toEqual(runFiles);
    expect(existsSync(`${first}.partial`)).toBe(false);
    expect(readdirSync(tmp).filter((name) => name.startsWith('a'))).toEqual(['a']);
  });

  it('gives byte-identical summary.json, frames.csv, receptions.csv and nodes.csv for the same seed', () => {
    for (const name of deterministicFiles) expect(read(second, name), name).toBe(read(first, name));
    // timing.json holds wall-clock figures: present, but not compared.
    const timing = JSON.parse(read(second, 'timing.json')) as Record<string, unknown>;
    expect(Object.keys(timing)).toEqual(expect.arrayContaining(['startedAt', 'simulateWallMs', 'totalWallMs', 'node']));
  });

  it('gives a different summary.json and frames.csv for --seed 2', async () => {
    const other = join(tmp, 'seed2');
    await run([...aloha10min, '--out', other, '--seed', '2', '--quiet']);
    expect(read(other, 'summary.json')).not.toBe(read(first, 'summary.json'));
    expect(read(other, 'frames.csv')).not.toBe(read(first, 'frames.csv'));
    expect(summaryOf(other).seed).toBe(2);
  });

  it('reproduces the run byte for byte from the scenario.yaml it wrote (the resolved scenario is complete)', async () => {
    const scenario = read(first, 'scenario.yaml');
    expect(scenario).toMatch(/^duration: 600000$/m);
    expect(scenario).toMatch(/^seed: 1$/m);
    const rerun = join(tmp, 'b');
    await run([join(first, 'scenario.yaml'), '--out', rerun, '--quiet']);
    for (const name of deterministicFiles) expect(read(rerun, name), name).toBe(read(first, name));
  });

  it('summarises 1347 frames sent, 796 received, 551 collided in 2696 events (seed 1)', () => {
    const summary = summaryOf(first) as {
      durationMs: number;
      events: number;
      frames: { sent: number; dutyCycleBlocked: number; receptions: number; fates: Record<string, number> };
      der: number;
      airtimeMs: { total: number };
      energyJ: { radioTx: number };
    };
    expect(summary.durationMs).toBe(600_000);
    // Simulation events: message creation and the radio's end of each frame (the MAC's service
    // then only when a frame waits), and the node's deaths and samples' kin, if any.
    expect(summary.events).toBe(2696);
    expect(summary.frames.sent).toBe(1347);
    expect(summary.frames.dutyCycleBlocked).toBe(0);
    expect(summary.frames.fates).toEqual({
      received: 796,
      underSensitivity: 0,
      collided: 551,
      lostHalfDuplex: 0,
      asleep: 0,
      noReceivePath: 0,
      dropped: 0,
    });
    // One receiver (the sink) hears every frame, so DER = received / sent.
    expect(summary.frames.receptions).toBe(1347);
    expect(summary.der).toBe(0.590943);
    // 1347 frames of 59 PHY bytes at SF7/125 kHz, 112.896 ms each.
    expect(summary.airtimeMs.total).toBe(152_070.912);
    // 152.070912 s of airtime × 43.5 mA (SX1276 at 14 dBm, interpolated between 13 and 17 dBm) × 3.3 V
    expect(summary.energyJ.radioTx).toBe(21.829779);
  });

  it('leaves a mains node\'s state of charge and remaining charge empty in series.csv, as in nodes.csv (issue 16: not 1 and 1e15)', () => {
    // aloha's nodes and sink are all on mains.
    const rows = read(first, 'series.csv').trimEnd().split('\n').map((line) => line.split(','));
    expect(rows[0]!.slice(3, 5)).toEqual(['stateOfCharge', 'remainingMah']);
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows.slice(1)) expect(row.slice(3, 5)).toEqual(['', '']);
    const nodes = read(first, 'nodes.csv').trimEnd().split('\n').map((line) => line.split(','));
    const [soc, remaining] = ['stateOfCharge', 'batteryRemainingMah'].map((column) => nodes[0]!.indexOf(column));
    for (const row of nodes.slice(1)) expect([row[soc!], row[remaining!]]).toEqual(['', '']);
  });

  it('writes frames.csv with the documented header and one row per frame', () => {
    const lines = read(first, 'frames.csv').trimEnd().split('\n');
    expect(lines[0]).toBe(frameColumns.join(','));
    expect(lines[0]).toBe(
      'sender,seq,destination,outcome,blockReason,queuedAtMs,atMs,queueWaitMs,dutyCycleWaitMs,wakeWaitMs,airtimeMs,channelMhz,sf,bandwidthKhz,' +
        'txPowerDbm,phyBytes,messageId,fragmentIndex,fragmentCount,energyUj,receivers,received,fate',
    );
    expect(lines.length - 1).toBe(1347);
    expect(lines.filter((line) => line.endsWith(',collided'))).toHaveLength(551);
  });

  it('with --compress on, writes frames.csv.gz and receptions.csv.gz holding the plain files\' bytes; a bad value is refused', async () => {
    const packed = join(tmp, 'packed');
    await run([...aloha10min, '--out', packed, '--compress', 'on', '--quiet']);
    const names = readdirSync(packed).sort();
    expect(names).toContain('frames.csv.gz');
    expect(names).toContain('receptions.csv.gz');
    expect(names).not.toContain('frames.csv');
    expect(gunzipSync(readFileSync(join(packed, 'frames.csv.gz'))).toString('utf8')).toBe(read(first, 'frames.csv'));
    expect(gunzipSync(readFileSync(join(packed, 'receptions.csv.gz'))).toString('utf8')).toBe(read(first, 'receptions.csv'));
    expect(read(packed, 'summary.json')).toBe(read(first, 'summary.json'));
    const bad = await runCli(['run', ...aloha10min, '--out', join(tmp, 'bad'), '--compress', 'yes']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--compress: expected "auto", "on" or "off", found "yes"');
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
  });

  it('prints a summary naming the run directory without --quiet, and nothing to stdout with --quiet', () => {
    expect(firstOutput.stdout).toContain('frames: 1,347 attempts, 1,347 sent, 0 dutyCycleBlocked');
    expect(firstOutput.stdout).toContain('fates:  received 796, collided 551');
    expect(firstOutput.stdout).toContain(`results in ${first}/`);
    expect(secondOutput.stdout).toBe('');
  });
});

describe('loraswarm run scenarios/city-sink.yaml: the network\'s lifetime and its silent nodes (issue 17, points 8 and 9)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'loraswarm-cli-city-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints and summarises the battery deaths to come and the nodes that delivered nothing', async () => {
    const result = await run(['scenarios/city-sink.yaml', '--transport', 'memory', '--out', join(tmp, 'city')]);
    expect(result.stdout).toContain('  lifetime of 400 battery nodes: first death 3.2 years (sensor-135, extrapolated), 10 % dead 7.0 years (sensor-183, extrapolated), half dead 15.9 years (sensor-23, extrapolated)');
    expect(result.stdout).toContain('  18 nodes delivered nothing (tried to send; no frame received anywhere): sensor-41, sensor-54, sensor-87, sensor-116, sensor-134, sensor-155, sensor-159, sensor-165, sensor-190, sensor-192, … (nodes.csv: receptionsReceived 0)');
    const summary = JSON.parse(readFileSync(join(tmp, 'city', 'summary.json'), 'utf8')) as { nodes: { deliveredNothing: { count: number; first: string[] }; lifetime: { batteryNodes: number; firstDeath: { days: number; node: string; basis: string } } }; perNode: { id: string; lifetimeDays: number | null; lifetimeBasis: string }[] };
    expect(summary.nodes.deliveredNothing.count).toBe(18);
    expect(summary.nodes.deliveredNothing.first).toHaveLength(18);
    expect(summary.nodes.lifetime.batteryNodes).toBe(400);
    // The network's first death is the least of the nodes' lifetimes; the mains gateway has none.
    const lifetimes = summary.perNode.filter((node) => node.lifetimeDays !== null).map((node) => node.lifetimeDays!);
    expect(summary.nodes.lifetime.firstDeath.days).toBe(Math.min(...lifetimes));
    expect(summary.perNode[0]).toMatchObject({ id: 'gw', lifetimeDays: null, lifetimeBasis: 'mains' });
    const nodes = readFileSync(join(tmp, 'city', 'nodes.csv'), 'utf8').split('\n');
    expect(nodes[0]!.endsWith(',peakSramBytes,peakFlashBytes,lifetimeDays,lifetimeBasis')).toBe(true);
    expect(nodes[1]!.endsWith(',,mains')).toBe(true);
  });
});
