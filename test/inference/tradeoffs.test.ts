/**
 * The trade-off scenarios (issue 6, acceptance): replication keeps the service up when expert
 * holders die; radio-aware placement beats pack on airtime per token where routes are long.
 */
import { describe, expect, it } from 'vitest';
import { runInference } from '../helpers/inference.ts';

describe('replication under node deaths (scenarios/inference-replicas.yaml)', () => {
  it('keeps every expert served when two holders fail, where single copies are dropped', () => {
    const replicated = runInference('scenarios/inference-replicas.yaml');
    const single = runInference('scenarios/inference-replicas.yaml', ['model.placement.strategy=radio-aware']);
    for (const run of [replicated, single]) {
      expect(run.summary.nodes.died).toBe(2);
      expect(run.summary.requests.complete).toBe(13);
    }
    // The failed boards held experts in both plans.
    const holds = (run: typeof single, id: string): boolean => run.setup.plan.nodes[run.swarm.nodes.findIndex((n) => n.id === id)]!.units.length > 0;
    expect(holds(single, 'board-0') && holds(single, 'board-1') && holds(replicated, 'board-0')).toBe(true);
    expect(replicated.summary.inference.expertsDropped).toBe(0);
    expect(replicated.summary.inference.sharedExpertsDropped).toBe(0);
    // Before the routing layer learns of the deaths (5 minutes), calls to the dead boards time out and fail over.
    expect(replicated.summary.inference.timeouts).toBe(4);
    expect(replicated.summary.inference.retries).toBe(4);
    expect(replicated.summary.fidelity).toEqual({ top1: 1, compared: 102 });
    expect(single.summary.inference.expertsDropped).toBe(150);
    expect(single.summary.inference.sharedExpertsDropped).toBe(84);
    expect(single.summary.fidelity).toEqual({ top1: 0.543689, compared: 103 });
  });
});

describe('radio-aware against pack (scenarios/inference-spread.yaml)', () => {
  it('halves the airtime per token on a multi-hop grid', () => {
    const aware = runInference('scenarios/inference-spread.yaml');
    const packed = runInference('scenarios/inference-spread.yaml', ['model.placement.strategy=pack']);
    expect(aware.summary.inference.framesAirtimeMsPerToken).toBe(1190.113);
    expect(packed.summary.inference.framesAirtimeMsPerToken).toBe(2380.227);
    expect(aware.summary.inference.hopsPerToken).toBe(7.28);
    expect(packed.summary.inference.hopsPerToken).toBe(14.56);
    expect(aware.summary.joulesPerToken.mean!).toBeLessThan(packed.summary.joulesPerToken.mean!);
  });
});
