/**
 * Pipelines (issue 19, point 1): more boards than the model needs hold more copies of it, each
 * on nodes of its own, so that concurrent requests run on different transmitters, and a
 * pipeline whose node died hands its requests to another. The quickstart's 24 boards hold two
 * pipelines of 12; forty requests queued at once measure what the swarm sustains.
 */
import { describe, expect, it } from 'vitest';
import { simulateSummary } from '../../src/run/simulate-summary.ts';
import { cli } from '../helpers/cli.ts';

const saturated = 'inference.requests={kind: poisson, interval: 1ms, count: 40}';

interface Served {
  readonly tokensPerHour: number;
  readonly latencyMs: { p95: number };
  readonly requests: { complete: number; texts: string[] };
  readonly inference: { pipelines: number };
}

const serve = async (...sets: string[]): Promise<Served> => (await simulateSummary('scenarios/quickstart.yaml', { sets: [saturated, ...sets], seed: 1 })) as unknown as Served;

describe('pipelines', () => {
  it('places each pipeline on nodes of its own, the entry only in the first, and refuses more than the boards hold', () => {
    const plan = JSON.parse(cli(['place', 'scenarios/quickstart.yaml', '--json', '--set', 'model.placement.pipelines=auto']).stdout) as { entry: string; pipelines: string[][]; units: { id: string; nodes: string[] }[] };
    expect(plan.pipelines).toEqual([
      ['board-0', 'board-0'],
      ['board-12', 'board-12'],
    ]);
    const nodesOf = (p: number): Set<string> => new Set(plan.units.filter((u) => u.id !== 'io').map((u) => u.nodes[p]!));
    expect([...nodesOf(0)].filter((n) => nodesOf(1).has(n))).toEqual([]);
    expect(nodesOf(1).has(plan.entry)).toBe(false);
    expect(plan.units.find((u) => u.id === 'io')!.nodes).toEqual(['board-0']);
    const three = cli(['place', 'scenarios/quickstart.yaml', '--set', 'model.placement.pipelines=3']);
    expect(three.status).toBe(2);
    expect(three.stderr).toContain('or units of another of the 3 pipelines');
    expect(three.stderr).toContain('12 (at least 9) more nodes like board-0');
  });

  it('serve concurrent requests on different transmitters: two pipelines sustain 53 % more tokens per hour, with the same tokens, until the entry\'s duty cycle binds', async () => {
    const one = await serve('model.placement.pipelines=1');
    const two = await serve('model.placement.pipelines=auto');
    expect(two.inference.pipelines).toBe(2);
    expect([one.tokensPerHour, two.tokensPerHour]).toEqual([53.291771, 81.498797]);
    expect([one.latencyMs.p95, two.latencyMs.p95]).toEqual([153_856, 107_187.361]);
    // Where a token runs changes when it is done, not what it is.
    expect(two.requests.texts).toEqual(one.requests.texts);
    expect(two.requests.complete).toBe(40);
  });

  it('stand in for each other: a dead attention node sends its pipeline\'s requests to the other, a dead expert holder its calls to the other\'s copy', async () => {
    const attentionDown = await serve('model.placement.pipelines=2', 'faults=[{node: board-12, at: 0}]');
    expect([attentionDown.tokensPerHour, attentionDown.requests.complete]).toEqual([53.291771, 40]);
    const expertDown = await serve('model.placement.pipelines=2', 'faults=[{node: board-14, at: 0}]');
    expect([expertDown.tokensPerHour, expertDown.requests.complete]).toEqual([80.0303, 40]);
  });
});
