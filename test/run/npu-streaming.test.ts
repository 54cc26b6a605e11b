/**
 * The quickstart served by STM32N6 boards (issue 18's acceptance): one board holds the whole
 * model (its 128 MB octo-SPI flash), and every token's compute time is set by streaming the
 * weights the token uses (one embedding row and position row, the head, both layers' attention
 * blocks, shared experts and the two routed experts the gate picks) from that flash at 382 MB/s,
 * not by the NPU's arithmetic. The hand calculation below comes from the model's unit costs; the
 * simulated time must lie within a factor 1.1 above it: the norms, softmax and SiLU that the NPU
 * cannot run take the CPU ~6.7 % more at Helium's 0.04 elements per cycle, and the combine a
 * little.
 */
import { describe, expect, it } from 'vitest';
import { matrixBytes, unitCosts } from '../../src/model/cost.ts';
import { runInference } from '../helpers/inference.ts';

const byUnit = (config: Parameters<typeof unitCosts>[0]) => Object.fromEntries(unitCosts(config).map((c) => [c.unit, c]));

describe('TinySeek on STM32N6 boards: weights streamed from the octo-SPI flash for every token', () => {
  const streamed = runInference('scenarios/quickstart.yaml', ['node.mcu=stm32n6']);
  const config = streamed.setup.model.config;
  const u = byUnit(config);
  // Bytes read per token at int8: the embedding and position rows + head + 2 × (attention and gate + shared + 2 routed).
  const bytesPerToken =
    2 * matrixBytes(1, config.dim, 8) + u.head!.weightBytes[8] + config.layers * (u.attention!.weightBytes[8] + u.gate!.weightBytes[8] + u.sharedExpert!.weightBytes[8] + config.topK * u.routedExpert!.weightBytes[8]);
  const handMs = (bytesPerToken / 382e6) * 1000;

  it('holds the whole model on one board, read in place from its external flash: every byte streams', () => {
    const plan = streamed.setup.plan;
    expect(plan.usedNodes).toBe(1);
    expect(plan.tiers.flat().every((tier) => tier === 'flash')).toBe(true);
    const node = plan.nodes[plan.entry]!;
    expect(node.streamedBytes).toBe(2_006_560);
    expect(bytesPerToken).toBe(383_736);
  });

  it('takes each token ~1.07 ms of compute, within 10 % above 383,736 B / 382 MB/s (not the 0.002 ms of the NPU at its 600 GOPS peak)', () => {
    const tokens = streamed.engine.tokens.filter((t) => t.status === 'ok');
    expect(tokens.length).toBe(38);
    expect(handMs).toBeCloseTo(1.004545, 6);
    for (const token of tokens) {
      expect(token.components.computeMs).toBeGreaterThanOrEqual(handMs);
      expect(token.components.computeMs).toBeLessThan(1.1 * handMs);
    }
    expect(streamed.summary.latencyMs.p95).toBe(1.073);
  });

  it("books the NPU's 264.87 mW while it waits on the flash, and the flash's 141 pJ per byte, on the node's ledger", () => {
    const token = streamed.engine.tokens.find((t) => t.status === 'ok')!;
    const streamUj = 264.87 * handMs + bytesPerToken * 141e-6;
    expect(token.energyUj.compute).toBeGreaterThan(streamUj);
    expect(token.energyUj.compute).toBeLessThan(1.1 * streamUj);
    expect(streamed.summary.joulesPerToken.mean).toBe(0.000345303);
  });

  it('with weights: sram copies the 2,006,560 B to SRAM at boot: booked there, and each token then runs ~7× faster', () => {
    const copied = runInference('scenarios/quickstart.yaml', ['node.mcu=stm32n6', 'model.placement.weights=sram']);
    const entry = copied.setup.plan.entry;
    const memory = copied.result.nodeTotals.find((t) => t.node === entry)!.memory;
    expect(memory.bytesByKind.sramWeights).toBe(2_006_560);
    expect(memory.bytesByKind.weights).toBe(2_006_560);
    expect(memory.peakBytes.sram).toBe(2_006_560 + 98_304 + 8_192 + 2_048 + 1_280);
    const fast = copied.engine.tokens.find((t) => t.status === 'ok')!.components.computeMs;
    const slow = streamed.engine.tokens.find((t) => t.status === 'ok')!.components.computeMs;
    expect(slow / fast).toBeGreaterThan(6);
    // auto finds the same: everything fits the SRAM.
    const auto = runInference('scenarios/quickstart.yaml', ['node.mcu=stm32n6', 'model.placement.weights=auto']);
    expect(auto.engine.tokens.map((t) => t.components.computeMs)).toEqual(copied.engine.tokens.map((t) => t.components.computeMs));
  });
});
