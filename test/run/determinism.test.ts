import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.ts';
import type { TestRun } from '../helpers/scenario.ts';

/** What a node drew by itself: where it stands, when it sent, on which channel, how strong it arrived. */
function drawsOf(run: TestRun, group: string): Map<string, string> {
  const { swarm, simulation } = run;
  const byNode = new Map<string, string[]>();
  for (const node of swarm.nodes) if (node.group === group) byNode.set(node.id, [`pos ${node.xM} ${node.yM} sf ${node.sf}`]);
  for (const frame of simulation.tracker.frames) {
    const id = swarm.nodes[frame.sender]!.id;
    byNode.get(id)?.push(`${frame.outcome} ${frame.seq} ${frame.queuedAtMs} ${frame.atMs} ${frame.channelHz}`);
  }
  for (const reception of simulation.tracker.receptions) {
    const id = swarm.nodes[reception.sender]!.id;
    if (swarm.nodes[reception.receiver]!.role === 'sink') byNode.get(id)?.push(`rx ${reception.seq} ${reception.rxPowerDbm}`);
  }
  return new Map([...byNode].map(([id, lines]) => [id, lines.join('\n')]));
}

const short = ['duration=30min', 'groups.1.count=60'];

describe('determinism', () => {
  it('gives identical books for the same seed and different ones for another seed', () => {
    const a = runScenario('scenarios/city-sink.yaml', short).simulation.tracker;
    const b = runScenario('scenarios/city-sink.yaml', short).simulation.tracker;
    const c = runScenario('scenarios/city-sink.yaml', [...short, 'seed=2']).simulation.tracker;
    expect(b.frames).toEqual(a.frames);
    expect(b.receptions).toEqual(a.receptions);
    expect(c.frames).not.toEqual(a.frames);
  });

  it('does not change the other nodes\u2019 draws when a node is added to the end of a group', () => {
    const base = drawsOf(runScenario('scenarios/city-sink.yaml', short), 'sensor');
    const more = drawsOf(runScenario('scenarios/city-sink.yaml', ['duration=30min', 'groups.1.count=61']), 'sensor');
    expect(base.size).toBe(60);
    expect(more.size).toBe(61);
    for (const [id, draws] of base) expect(more.get(id), id).toBe(draws);
  });

  it('does not change the other nodes\u2019 draws when a group is inserted before them', () => {
    const base = drawsOf(runScenario('scenarios/city-sink.yaml', short), 'sensor');
    const inserted = runScenario('scenarios/city-sink.yaml', [
      ...short,
      // The sensors move to group 2, behind three far-away nodes that never reach them.
      'groups.2.name=sensor',
      'groups.2.count=60',
      'groups.2.placement={shape: disc, radiusM: 5000, minSeparationM: 5}',
      'groups.2.traffic={kind: poisson, interval: 10min, payloadBytes: 20, to: sink, deadline: 10min}',
      'groups.1.name=extra',
      'groups.1.count=3',
      'groups.1.placement={shape: grid, spacingM: 7, originM: [20000, 0]}',
    ]);
    expect(inserted.swarm.nodes.filter((node) => node.group === 'sensor')[0]!.index).toBe(4);
    const after = drawsOf(inserted, 'sensor');
    for (const [id, draws] of base) expect(after.get(id), id).toBe(draws);
  });
});

describe('sf: auto', () => {
  it('sizes each link with the sink\u2019s sensitivity table and gain, not the sender\u2019s', async () => {
    const { loadScenario } = await import('../helpers/scenario.ts');
    const { meanPathLossDb } = await import('../../src/radio/path-loss.ts');
    const { sensitivityDbm } = await import('../../src/radio/sensitivity.ts');
    const { swarm } = loadScenario('scenarios/city-sink.yaml', ['groups.1.count=100']);
    for (const node of swarm.nodes.slice(1)) {
      const rxDbm = 14 - meanPathLossDb(swarm.pathLoss, Math.hypot(node.xM, node.yM));
      const closes = (sf: number): boolean => rxDbm >= sensitivityDbm('sx1301', sf, 125e3, 6)! + 5;
      const expected = [7, 8, 9, 10, 11, 12].find(closes) ?? 12;
      expect(node.sf, node.id).toBe(expected);
    }
  });
});
