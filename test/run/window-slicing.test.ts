import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/run/simulate.ts';
import { loadScenario } from '../helpers/scenario.ts';

/** A run advanced to half a window past each next event (every slice ends inside a window) when `cut`, else in one go. */
function sliced(file: string, cut: boolean) {
  const { scenario, swarm } = loadScenario(file, []);
  const simulation = createSimulation(scenario, swarm);
  const halfMs = simulation.windowLength.longestMs / 2;
  for (let next = simulation.scheduler.peekTimeMs(); cut && next !== undefined && next + halfMs < scenario.duration; next = simulation.scheduler.peekTimeMs()) simulation.advance(next + halfMs);
  const result = simulation.finish();
  return { simulation, result };
}

describe('slicing a run', () => {
  it('changes no window: a slice runs the window under way to its end', () => {
    const whole = sliced('test/fixtures/busy-swarm.yaml', false);
    const slicedRun = sliced('test/fixtures/busy-swarm.yaml', true);
    // Every slice ends half a window after the event that starts one; none cuts it.
    expect(whole.simulation.windowsRun).toBe(1545);
    expect(slicedRun.simulation.windowsRun).toBe(1545);
    expect(slicedRun.result).toEqual(whole.result);
    expect(slicedRun.simulation.tracker.frames).toEqual(whole.simulation.tracker.frames);
  });

  it('leaves the clock at or past the slice end, by less than a window', () => {
    const { scenario, swarm } = loadScenario('test/fixtures/busy-swarm.yaml', []);
    const simulation = createSimulation(scenario, swarm);
    const untilMs = scenario.duration / 3;
    simulation.advance(untilMs);
    expect(simulation.scheduler.nowMs).toBeGreaterThanOrEqual(untilMs);
    expect(simulation.scheduler.nowMs - untilMs).toBeLessThan(simulation.windowLength.longestMs);
  });
});
