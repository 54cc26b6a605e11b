/**
 * The live feed (`run --dashboard`): the rows it sends, step by step, add up to the run
 * directory's files, so a viewer who watched from the start sees what report.html shows.
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { createLiveFeed } from '../../src/dashboard/live-feed.ts';
import { appendFiles, parseRun, tokensBy } from '../../src/dashboard/views/run-model.ts';
import { latencyView } from '../../src/dashboard/views/latency.ts';
import { tokensCsv } from '../../src/inference/report.ts';
import { framesCsv } from '../../src/metrics/tables.ts';

describe('live feed', () => {
  it('sends every row once: the quickstart watched live ends with the files of its run directory', () => {
    const loaded = readScenario('scenarios/quickstart.yaml', {});
    const setup = inferenceFor(loaded.scenario, loaded.swarm)!;
    const simulation = createSimulation(loaded.scenario, loaded.swarm, { inference: setup });
    const feed = createLiveFeed('quickstart', loaded.scenario.duration, loaded.swarm, simulation, { plan: setup.plan, symbols: setup.symbols });
    const model = parseRun(feed.start().files);
    expect(model.nodes).toHaveLength(24);
    const counts: number[] = [];
    for (let step = 1; step <= 20; step++) {
      const atMs = (loaded.scenario.duration * step) / 20;
      simulation.advance(atMs);
      const delta = feed.delta(atMs);
      appendFiles(model, delta.files);
      counts.push(delta.totals.tokens);
    }
    const result = simulation.finish();
    const last = feed.delta(result.drainedUntilMs, true);
    appendFiles(model, last.files);
    // The token count grows while the run goes on.
    expect(counts.filter((n, i) => i > 0 && n > counts[i - 1]!).length).toBeGreaterThan(5);
    expect(last.totals.tokens).toBe(38);
    // At the time the page draws the end (the rows' µs precision: the last token ends at 2,765,886.0067 ms, written 2,765,886.007).
    expect(last.totals.atMs).toBe(2_765_886.007);
    expect(tokensBy(model, last.totals.atMs)).toHaveLength(38);
    const finished = parseRun({ 'nodes.csv': feed.start().files['nodes.csv']!, 'tokens.csv': tokensCsv(simulation.inference!, setup.symbols), 'frames.csv': framesCsv(simulation.tracker.frames, loaded.swarm.nodes) });
    // Every frame once, with its fate (a frame is sent once it is off the air).
    const order = (a: { atMs: number; sender: number }, b: { atMs: number; sender: number }): number => a.atMs - b.atMs || a.sender - b.sender;
    expect([...model.frames].sort(order)).toEqual([...finished.frames].sort(order));
    expect(model.frames.every((f) => f.fate !== '')).toBe(true);
    expect(model.receptions).toHaveLength(simulation.tracker.receptions.length);
    expect(model.series).toHaveLength(simulation.series.rows.length);
    expect(latencyView(tokensBy(model, Infinity)).p95).toBe(latencyView(tokensBy(finished, Infinity)).p95);
  });
});
