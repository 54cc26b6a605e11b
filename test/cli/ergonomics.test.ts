/**
 * Issue 16, point 6 (scenario ergonomics): list items addressed by name in `--set`, "did you
 * mean" for misspelt keys and values, a group switched off by count 0, `--version`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { closestTo } from '../../src/scenario/suggest.ts';
import { planSweep } from '../../src/run/sweep-plan.ts';
import { runCli } from '../helpers/cli.ts';
import { loadScenario, runScenario } from '../helpers/scenario.ts';

/** The first problem `sets` cause, as printed. */
function problem(sets: string[]): string {
  try {
    loadScenario('scenarios/aloha.yaml', sets);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return 'no problem';
}

describe('scenario ergonomics', () => {
  it('addresses a group by its name in --set, as by its index', () => {
    const byName = loadScenario('scenarios/aloha.yaml', ['groups.n.count=7', 'groups.sink.node.battery=cr2032']);
    const byIndex = loadScenario('scenarios/aloha.yaml', ['groups.1.count=7', 'groups.0.node.battery=cr2032']);
    expect(byName.scenario).toEqual(byIndex.scenario);
    expect(byName.swarm.nodes.length).toBe(8);
    expect(problem(['groups.nodes.count=7'])).toContain('groups.nodes: --set groups.nodes.count=7: expected a list index or the name of an item (sink, n) after groups, found "nodes"');
    expect(problem(['groups.snk.count=7'])).toContain('found "snk"; did you mean "sink"?');
  });

  it('suggests the key or value a misspelt one was meant to be, among those allowed there', () => {
    expect(problem(['groups.1.cont=5'])).toContain('groups[1].cont: unknown key "cont" (not part of the scenario format; see `loraswarm schema`); did you mean "count"?');
    expect(problem(['durtion=1h'])).toContain('did you mean "duration"?');
    expect(problem(['groups.1.node.batery=cr2032'])).toContain('did you mean "battery"?');
    expect(problem(['collision=alloha'])).toContain('expected one of "aloha", "lorasim", "energy-sir", "croce", found "alloha"; did you mean "aloha"?');
    // Nothing close: no suggestion rather than a wrong one.
    expect(problem(['groups.1.zzzzzz=5'])).not.toContain('did you mean');
    // Names of hardware profiles, checked after the schema: a suggestion too, and the --set that gave them, not a file position.
    expect(problem(['groups.n.node.battery=2xa'])).toBe('groups[1].node.battery: expected "mains", a built-in battery (18650, cr2032, 2xaa) or a key of profiles.batteries, found "2xa"; did you mean "2xaa"? (set by --set)');
    expect(problem(['node.mcu=nrf5284'])).toContain('found "nrf5284"; did you mean "nrf52840"? (set by --set)');
    expect(problem(['radio.chip=sx127'])).toContain('found "sx127"; did you mean "sx1276"? (set by --set)');
    expect(closestTo('count', ['count'])).toBeUndefined();
    expect(closestTo('sf', ['bw', 'cr'])).toBeUndefined();
  });

  it('switches a group off with count 0, in --set as in a sweep', () => {
    const off = runScenario('scenarios/aloha.yaml', ['groups.n.count=0']);
    expect(off.swarm.nodes.map((node) => node.id)).toEqual(['sink']);
    expect(off.simulation.tracker.totals().sent).toBe(0);
    // A group that is off is not checked for what its traffic would need.
    const peers = `
duration: 10min
groups:
  - { name: gw, role: sink, nodes: [{ id: gw, xM: 0, yM: 0 }] }
  - { name: a, count: 3, placement: { shape: disc, radiusM: 300 }, traffic: { kind: poisson, interval: 1min, payloadBytes: 10, to: sink } }
  - { name: b, count: 0, placement: { shape: disc, radiusM: 300 }, traffic: { kind: poisson, interval: 1min, payloadBytes: 10, to: peer } }
`;
    const run = runScenario(peers, ['groups.a.count=0']);
    expect(run.swarm.nodes.length).toBe(1);
    expect(problem(['groups.n.count=-1'])).toContain('groups[1].count: expected a number ≥ 0, found -1');
  });

  it('plans a sweep over a group named, switched off in one combination', () => {
    const plan = planSweep('scenarios/aloha.yaml', { sets: ['groups.n.count=0,5', 'duration=10min'] });
    expect(plan.runs.map((run) => run.sets)).toEqual([
      ['groups.n.count=0', 'duration=10min'],
      ['groups.n.count=5', 'duration=10min'],
    ]);
  });

  it('prints its version', async () => {
    const result = await runCli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});
