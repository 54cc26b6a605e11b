/**
 * Why a 100-client MNIST MLP stayed near chance (issue 20, point 6): at batch 10 an nRF52840
 * cannot hold the gradient of the MLP's first layer, which then keeps its random initial
 * values. `run` says so before the run, with the bytes and the batch at which every tensor fits.
 */
import { describe, expect, it } from 'vitest';
import { describeFrozenTensors, prepareFederated } from '../../src/fl/setup.ts';
import { loadScenario } from '../helpers/scenario.ts';

const mlp = ['groups.1.count=100', 'federated.task.model=mlp', 'federated.fraction=1'];

function warnings(sets: readonly string[]): string[] {
  const { scenario, swarm } = loadScenario('scenarios/fl-mnist-iid.yaml', sets);
  return describeFrozenTensors(scenario, swarm, prepareFederated(scenario, swarm));
}

describe('clients that cannot train the whole model', () => {
  it('are named with the tensor that keeps its initial values, the bytes, and the batch at which all fit', () => {
    const { scenario, swarm } = loadScenario('scenarios/fl-mnist-iid.yaml', mlp);
    const setup = prepareFederated(scenario, swarm);
    expect(new Set(setup.trainable)).toEqual(new Set([3]));
    expect(describeFrozenTensors(scenario, swarm, setup)).toEqual([
      "  warning: 100 clients (nrf52840) can train only 3 of the model's 4 parameter tensors at batch 10: mlp.hidden.weight (25,088 values) keeps its initial values (training all needs 236,640 B of SRAM, 221,184 B are free); at federated.local.batchSize 5 all fit",
    ]);
  });

  it('are not warned of when every tensor fits, or when the scenario limits the trained tensors itself', () => {
    expect(warnings([...mlp, 'federated.local.batchSize=5'])).toEqual([]);
    expect(warnings([])).toEqual([]);
    expect(warnings([...mlp, 'federated.trainLastTensors=2'])).toEqual([]);
  });
});
