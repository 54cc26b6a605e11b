/**
 * The quickstart is a real swarm (issue 6, acceptance): the model spread over many nodes, every
 * token through frames, the single-node model's names in lossless mode, latency parts and
 * attributed joules that add up, node-limited routing, and the same files over the broker.
 */
import { describe, expect, it } from 'vitest';
import { boundary } from '../../src/data/dataset.ts';
import { totalMs } from '../../src/inference/components.ts';
import { createReference, replayDraw } from '../../src/inference/reference.ts';
import { sampleToken } from '../../src/model/sample.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';
import { prepareMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { runInference } from '../helpers/inference.ts';

const quickstart = 'scenarios/quickstart.yaml';

describe('the quickstart swarm', () => {
  const run = runInference(quickstart);

  it('spreads the model over at least 8 nodes, none holding more than a quarter of the weights', () => {
    const { plan } = run.setup;
    expect(plan.usedNodes).toBe(12);
    const weights = plan.nodes.map((node) => node.weightBytes);
    const total = weights.reduce((s, w) => s + w, 0);
    expect(total).toBe(2_006_560);
    expect(Math.max(...weights) / total).toBeCloseTo(0.106164, 6);
    expect(run.summary.inference.largestShareOfWeights).toBe(0.106164);
  });

  it('serves every request, with exact figures for seed 1', () => {
    expect(run.summary.requests.texts).toEqual(['constance', 'galven', 'jeromia', 'harley', 'bonny']);
    expect(run.summary.tokens).toBe(38);
    expect(run.summary.latencyMs).toEqual({ p50: 123084.8, p95: 153856, p99: 153856, mean: 121958.994 });
    expect(run.summary.joulesPerToken).toEqual({ mean: 0.235291851, p95: 0.266542744, withBackground: 63.541327681 });
    expect(run.summary.inference.framesPerToken).toBe(8.631579);
    expect(run.summary.fidelity).toEqual({ top1: 1, compared: 38 });
  });

  it('generates, without loss, exactly the names the single-node int8 model generates with the same seed', () => {
    const { model } = run.setup;
    const options = { temperature: 0.8, topP: 0.95 };
    const names = run.setup.arrivals.map((_, r) => {
      const rng = createRandomStreams(1).stream(`inference/request/${r}`);
      const reference = createReference(model);
      const ids: number[] = [];
      let token = boundary;
      for (let p = 0; p < model.config.context; p++) {
        token = sampleToken(reference.step(token, [undefined, undefined]), options, replayDraw(rng.next()));
        if (token === boundary) break;
        ids.push(token);
      }
      return run.setup.decode(ids);
    });
    expect(names).toEqual(run.engine.requests.map((r) => r.text));
  });

  it('records latency parts that add up to each token\'s latency', () => {
    for (const token of run.engine.tokens) {
      expect(token.status).toBe('ok');
      expect(Math.abs(totalMs(token.components) - (token.endMs - token.startMs))).toBeLessThan(1e-6);
    }
    // The first token: eight frames one after the other (calls wait for replies), each but the
    // first from a board whose 1 % budget is still closed from the frame before.
    const first = run.engine.tokens[0]!;
    expect(first.frames).toBe(8);
    expect(first.components).toEqual({ airtimeMs: 1328.128, queueingMs: 0, dutyCycleWaitMs: expect.closeTo(45120.531, 3), wakeWaitMs: 0, computeMs: expect.closeTo(12.988, 3), processingMs: 8, timeoutMs: 0 });
  });

  it('attributes to tokens exactly the ledger energy their frames and computations cost, node by node', () => {
    run.simulation.runtimes.forEach((runtime, node) => {
      const byState = runtime!.ledger.totals().energyByStateUj;
      const caused = byState.transmit + byState.receive + byState.compute + byState.idle;
      expect(run.engine.attributedUj[node]).toBeCloseTo(caused, 3);
    });
    const tokensUj = run.engine.tokens.reduce((s, t) => s + t.energyUj.transmit + t.energyUj.receive + t.energyUj.compute + t.energyUj.idle, 0);
    expect(tokensUj).toBeCloseTo(run.engine.attributedUj.reduce((s, v) => s + v, 0), 3);
    expect(tokensUj).toBeCloseTo(8_941_090.3, 0);
  });

  it('cuts frames per token with node-limited routing (M = 1 against M = k)', () => {
    const limited = runInference(quickstart, ['inference.maxNodesPerToken=1']);
    expect(limited.summary.inference.framesPerToken).toBe(5.625);
    expect(run.summary.inference.framesPerToken).toBe(8.631579);
    // Each token's routed experts sit on one node per layer.
    for (const token of limited.engine.tokens) {
      token.experts.forEach((experts, l) => {
        const holders = new Set(experts.map((e) => limited.setup.plan.holders[limited.setup.plan.units.findIndex((u) => u.id === `L${l}.expert${e}`)]![0]));
        expect(holders.size).toBeLessThanOrEqual(1);
      });
    }
    expect(limited.summary.fidelity).toEqual({ top1: 1, compared: 32 });
  });

  it('loses fidelity measurably under injected loss', () => {
    const lossy = runInference(quickstart, ['extraLossProbability=0.2']);
    expect(lossy.summary.fidelity).toEqual({ top1: 0.72093, compared: 43 });
    expect(lossy.summary.inference.expertsDropped).toBe(31);
    expect(lossy.summary.inference.sharedExpertsDropped).toBe(6);
    expect(lossy.summary.inference.timeouts).toBe(113);
    expect(lossy.summary.inference.retries).toBe(79);
    expect(lossy.summary.requests.complete).toBe(5);
    expect(lossy.summary.requests.texts).toEqual(['celestina', 'galis', 'jenecho', 'harrietta', 'lorraina']);
    // Timeouts, backoffs and retries are parts of the latency too: they still add up.
    for (const token of lossy.engine.tokens) if (token.status === 'ok') expect(Math.abs(totalMs(token.components) - (token.endMs - token.startMs))).toBeLessThan(1e-6);
    lossy.simulation.runtimes.forEach((runtime, node) => {
      const e = runtime!.ledger.totals().energyByStateUj;
      expect(lossy.engine.attributedUj[node]).toBeCloseTo(e.transmit + e.receive + e.compute + e.idle, 3);
    });
  });

  it('sends every token through the broker: tx publishes per token at least twice the MoE layers, and the same results as memory', async () => {
    const loaded = readScenario(quickstart);
    const setup = inferenceFor(loaded.scenario, loaded.swarm)!;
    const mqtt = await prepareMqttTransport({ runId: 'quickstart-test', nodes: loaded.swarm.nodes.length });
    try {
      const simulation = createSimulation(loaded.scenario, loaded.swarm, { transport: mqtt.bind, inference: setup });
      await simulation.finishAsync();
      const tx = mqtt.broker!.stats.published.tx;
      const passes = simulation.inference!.tokens.length;
      expect(tx).toBe(simulation.tracker.totals().sent);
      expect(tx / passes).toBeGreaterThanOrEqual(2 * setup.model.config.layers);
      expect(simulation.inference!.requests.map((r) => r.text)).toEqual(run.engine.requests.map((r) => r.text));
      expect(simulation.inference!.tokens.map((t) => t.endMs)).toEqual(run.engine.tokens.map((t) => t.endMs));
    } finally {
      await mqtt.close();
    }
  });
});
