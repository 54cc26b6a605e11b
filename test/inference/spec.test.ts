/** A scenario may describe the model's shape instead of naming a checkpoint: an untrained model whose costs are real. */
import { describe, expect, it } from 'vitest';
import { modelCost } from '../../src/model/cost.ts';
import { loadScenarioText } from '../../src/scenario/loader.ts';
import { resolveSwarm } from '../../src/scenario/resolve.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { InputError } from '../../src/scenario/errors.ts';

const scenario = (model: string): string => `
name: spec
duration: 20min
framing: raw
node: { mcu: nrf52840 }
model: ${model}
inference: { requests: { kind: list, at: [0] }, maxTokens: 3 }
groups:
  - name: board
    count: 8
    placement: { shape: disc, radiusM: 200, minSeparationM: 20 }
`;
const spec = '{ spec: { dim: 32, layers: 2, heads: 2, headDim: 16, latentDim: 16, context: 8, experts: 8, sharedExperts: 1, expertHidden: 64, topK: 2, seed: 5 }, placement: { flashShare: 0.03 } }';

describe('model.spec', () => {
  it('places and serves an untrained model of that shape, with its real costs', () => {
    const { scenario: s, locate } = loadScenarioText(scenario(spec), { file: 'spec.yaml' });
    const swarm = resolveSwarm(s, locate);
    const setup = inferenceFor(s, swarm)!;
    expect(setup.model.config).toMatchObject({ dim: 32, layers: 2, experts: 8, vocab: 28 });
    const weights = setup.plan.nodes.reduce((sum, node) => sum + node.weightBytes, 0);
    expect(weights).toBe(modelCost(setup.model.config).weightBytes[8]);
    expect(setup.plan.usedNodes).toBeGreaterThan(1);
    const simulation = createSimulation(s, swarm, { inference: setup });
    simulation.finish();
    const tokens = simulation.inference!.tokens;
    expect(tokens).toHaveLength(3);
    expect(tokens.every((t) => t.status === 'ok' && t.matchesReference === true && t.frames > 0)).toBe(true);
  });

  it('wants exactly one of checkpoint and spec', () => {
    expect(() => loadScenarioText(scenario('{ bits: 8 }'), { file: 'spec.yaml' })).toThrow(/expected either "checkpoint" \(a trained model\) or "spec" \(a model shape\), found neither/);
    expect(() => loadScenarioText(scenario(spec.replace('{ spec', '{ checkpoint: tinyseek-names, spec')), { file: 'spec.yaml' })).toThrow(InputError);
    expect(() => loadScenarioText(scenario(spec.replace('topK: 2', 'topK: 9')), { file: 'spec.yaml' })).toThrow(/model\.spec\.topK.*expected at most spec\.experts \(8\), found 9/);
  });
});
