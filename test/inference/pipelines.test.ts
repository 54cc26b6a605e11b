/**
 * Pipelines (issue 19, point 1): more boards than the model needs hold more copies of it, each
 * on nodes of its own, so that concurrent requests run on different transmitters, and a
 * pipeline whose node died hands its requests to another. scenarios/inference-capacity.yaml
 * on 7 boards: the entry and two pipelines of three boards; forty requests queued at once,
 * counted over the first half hour while every KV slot is busy.
 */
import { describe, expect, it } from 'vitest';
import { simulateRun } from '../../src/run/simulate-summary.ts';
import { runCli } from '../helpers/cli.ts';

const scenario = 'scenarios/inference-capacity.yaml';
const base = ['groups.0.count=7', 'inference.requests={kind: poisson, interval: 1ms, count: 40}'];

/** Tokens generated in the first 30 minutes, requests completed, and the names. */
async function serve(...sets: string[]): Promise<{ halfHour: number; complete: number; pipelines: number; texts: string[] }> {
  const run = await simulateRun(scenario, { sets: [...base, ...sets], seed: 1 });
  const summary = run.summary as { requests: { complete: number; texts: string[] }; inference: { pipelines: number } };
  const halfHour = run.served!.tokens.filter((t) => t.kind === 'generated' && t.status === 'ok' && t.endMs <= 1_800_000).length;
  return { halfHour, complete: summary.requests.complete, pipelines: summary.inference.pipelines, texts: summary.requests.texts };
}

describe('pipelines', () => {
  it('places each pipeline on nodes of its own, off the entry, and refuses more than the boards hold', async () => {
    const plan = JSON.parse((await runCli(['place', scenario, '--json', '--set', 'groups.0.count=7'])).stdout) as { entry: string; pipelines: string[][]; units: { id: string; nodes: string[] }[] };
    expect(plan.pipelines).toEqual([
      ['board-1', 'board-2'],
      ['board-4', 'board-5'],
    ]);
    const nodesOf = (p: number): Set<string> => new Set(plan.units.filter((u) => u.id !== 'io').map((u) => u.nodes[p]!));
    expect([...nodesOf(0)].filter((n) => nodesOf(1).has(n))).toEqual([]);
    expect([...nodesOf(0), ...nodesOf(1)]).not.toContain(plan.entry);
    expect(plan.units.find((u) => u.id === 'io')!.nodes).toEqual(['board-0']);
    const three = await runCli(['place', scenario, '--set', 'groups.0.count=7', '--set', 'model.placement.pipelines=3']);
    expect(three.status).toBe(2);
    expect(three.stderr).toContain('or units of another of the 3 pipelines');
    expect(three.stderr).toContain('3 more nodes like board-0');
  });

  it('serve concurrent requests on different transmitters: two pipelines generate 71 % more tokens in the half hour, the same tokens', async () => {
    const one = await serve('model.placement.pipelines=1');
    const two = await serve();
    expect([one.pipelines, two.pipelines]).toEqual([1, 2]);
    expect([one.halfHour, two.halfHour]).toEqual([69, 118]);
    // Where a token runs changes when it is done, not what it is.
    expect(two.texts).toEqual(one.texts);
    expect([one.complete, two.complete]).toEqual([40, 40]);
  });

  it('stand in for each other: a dead attention node sends its pipeline\'s requests to the other, a dead expert holder its calls to the other\'s copy', async () => {
    const attentionDown = await serve('faults=[{node: board-4, at: 0}]');
    expect([attentionDown.halfHour, attentionDown.complete]).toEqual([69, 40]);
    const expertDown = await serve('faults=[{node: board-6, at: 0}]');
    expect([expertDown.halfHour, expertDown.complete]).toEqual([117, 40]);
  });
});
