/**
 * The warning before a run when a wake schedule cannot receive the traffic sent to it (issue 20,
 * point 5). Today's failing example: fl-mnist-iid with its boards in rendezvous windows of 50 ms
 * every 2 s aggregates no update in 12 h, because the model download is a broadcast; `run` and
 * `validate` now say so first, naming the traffic and the boards, and the run's own fates bear
 * the figure out.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWakes, describeWakeCheck } from '../../src/run/wake-check.ts';
import { runCli } from '../helpers/cli.ts';
import { loadScenario } from '../helpers/scenario.ts';

const rendezvous = 'groups.1.node={wake: {mode: rendezvous, period: 2s, window: 50ms}}';
const boards = Array.from({ length: 20 }, (_, i) => `board-${i}`);

describe('the wake check', () => {
  it('names the model download that rendezvous boards catch only by chance, with the share', () => {
    const { scenario, swarm } = loadScenario('scenarios/fl-mnist-iid.yaml', [rendezvous]);
    expect(checkWakes(scenario, swarm)).toEqual([
      {
        traffic: "the federated model download (each round's announce and model chunks, broadcast by gateway)",
        schedule: 'listening in 50 ms windows every 2 s',
        catchShare: 0.025,
        receivers: boards,
      },
    ]);
  });

  it('gives preamble-sampling boards the share of a sample inside an unstretched preamble', () => {
    const { scenario, swarm } = loadScenario('scenarios/fl-mnist-iid.yaml', ['groups.1.node={wake: {mode: preamble-sampling, period: 1s}}']);
    const [finding] = checkWakes(scenario, swarm);
    // SF7/125 kHz: 1.024 ms symbols; (8 + 4.25) symbols of preamble less a 2-symbol detection, over 1 s.
    expect(finding!.catchShare).toBeCloseTo(((8 + 4.25) * 1.024 - 2 * 1.024) / 1000, 12);
    expect(finding!.schedule).toBe('sampling the channel for 2.048 ms every 1 s');
  });

  it('says a coordinator that never listens receives no update, and nothing about nodes declared deaf to broadcasts', () => {
    const { scenario, swarm } = loadScenario('scenarios/fl-mnist-iid.yaml', ['groups.0.node={wake: {mode: off}, battery: mains}']);
    expect(describeWakeCheck(checkWakes(scenario, swarm))[0]).toBe("  warning: the clients' updates (unicast to the coordinator, gateway): 1 receiver never listening (wake: off) receives none of it: gateway");
    const mixed = loadScenario('test/fixtures/kitchen-sink.yaml');
    const findings = checkWakes(mixed.scenario, mixed.swarm);
    expect(findings.map((f) => [f.traffic, f.schedule, f.catchShare, f.receivers.length])).toEqual([
      ['broadcast traffic (from 3 nodes)', 'listening in 30 ms windows every 2 s', 0.015, 10],
      ['broadcast traffic (from 3 nodes)', 'sampling the channel for 2.048 ms every 500 ms', expect.closeTo(0.020992, 9), 6],
      ['peer traffic (from 16 nodes)', 'never listening (wake: off)', 0, 61],
    ]);
  });

  it('leaves scheduled rounds\' own download alone, and says that other broadcasts reach their clients only inside those sessions', () => {
    const { scenario, swarm } = loadScenario('scenarios/fl-scheduled.yaml', ['groups.1.traffic={kind: periodic, interval: 10min, payloadBytes: 10, to: broadcast}']);
    const findings = checkWakes(scenario, swarm);
    expect(findings.map((f) => [f.traffic, f.schedule, f.catchShare, f.receivers.length])).toEqual([['broadcast traffic (from 20 nodes)', "listening only in their scheduled federated rounds' sessions", undefined, 20]]);
    expect(describeWakeCheck(findings)[0]).toContain('20 receivers listening only in their scheduled federated rounds\' sessions catch only what starts inside their sessions: board-0');
  });

  it('finds nothing in the shipped scenarios', () => {
    const shipped = readdirSync('scenarios').filter((file) => file.endsWith('.yaml'));
    expect(shipped.length).toBeGreaterThan(10);
    for (const file of shipped) {
      const { scenario, swarm } = loadScenario(join('scenarios', file));
      expect([file, checkWakes(scenario, swarm)]).toEqual([file, []]);
    }
  });
});

describe('run and validate warn before the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-wake-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on the failing example: the warning first, then the rounds that aggregate nothing', async () => {
    const run = await runCli(['run', 'scenarios/fl-mnist-iid.yaml', '--set', rendezvous, '--transport', 'memory', '--out', join(dir, 'run')]);
    expect(run.status).toBe(0);
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe(
      "loraswarm: warning: the federated model download (each round's announce and model chunks, broadcast by gateway): 20 receivers listening in 50 ms windows every 2 s catch at most 2.5 % of it, by chance (a broadcast neither waits for a window nor stretches its preamble): board-0, board-1, board-2, board-3, board-4, board-5, board-6, board-7, board-8, board-9, …",
    );
    expect(lines[1]).toMatch(/^loraswarm: \(keep those radios on, wake: always/);
    expect(run.stdout).toContain('updates: 0 aggregated, 60 dropouts');
    const quiet = await runCli(['run', 'scenarios/fl-mnist-iid.yaml', '--set', rendezvous, '--transport', 'memory', '--out', join(dir, 'quiet'), '--quiet']);
    expect([quiet.status, quiet.stderr, quiet.stdout]).toEqual([0, '', '']);
    const validate = await runCli(['validate', 'scenarios/fl-mnist-iid.yaml', '--set', rendezvous]);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain('  warning: the federated model download');
  });
});
