/** Injected failures: the named node stops at its time; an unknown node is refused where it is written. */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/loader.ts';
import { resolveSwarm } from '../../src/scenario/resolve.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { InputError } from '../../src/scenario/errors.ts';

const text = (faults: string): string => `
name: faults
duration: 10min
faults: ${faults}
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: s
    count: 3
    placement: { shape: disc, radiusM: 100 }
    traffic: { kind: periodic, interval: 1min, payloadBytes: 10 }
`;

describe('faults', () => {
  it('stops the named node at its time, with reason failure', () => {
    const { scenario, locate } = loadScenarioText(text('[{ node: s-1, at: 150s }]'), { file: 'faults.yaml' });
    const simulation = createSimulation(scenario, resolveSwarm(scenario, locate));
    const deaths: unknown[] = [];
    simulation.finish();
    const tally = simulation.tracker.nodes[2]!;
    deaths.push({ at: tally.diedAtMs, reason: tally.deathReason });
    expect(deaths).toEqual([{ at: 150_000, reason: 'failure' }]);
    expect(simulation.runtimes[2]!.alive).toBe(false);
    expect(simulation.runtimes[1]!.alive).toBe(true);
    // It sent its frames before the failure and none after: 2 or 3 of the 10 minutes' messages.
    expect(simulation.tracker.nodes[2]!.sent).toBeLessThan(simulation.tracker.nodes[1]!.sent);
  });

  it('refuses a fault on a node the scenario does not have', () => {
    const { scenario, locate } = loadScenarioText(text('[{ node: s-9, at: 1min }]'), { file: 'faults.yaml' });
    expect(() => resolveSwarm(scenario, locate)).toThrow(InputError);
    expect(() => resolveSwarm(scenario, locate)).toThrow(/faults\[0\]\.node.*expected the id of a node of the scenario, found "s-9"/);
  });
});
