/**
 * The run's samples: every sampling interval of [0, duration), this process's nodes are
 * sampled into the series, and its share of the live snapshot goes out (and, on a worker,
 * into its next report).
 */
import type { SamplePartial } from '../transport/partition-report.ts';
import type { SimulationParts } from './simulation-parts.ts';

/** Samples this process's nodes now. */
export function takeSample(parts: SimulationParts): void {
  const { scheduler, series, swarmNodes } = parts;
  const { runtimes, hostedIndices } = swarmNodes;
  for (const i of hostedIndices) runtimes.settle(i);
  series.sample(scheduler.nowMs, hostedIndices, runtimes.alive, runtimes.ledgers);
  let nodesAlive = 0;
  let energyUj = 0;
  for (const i of hostedIndices) {
    if (runtimes.alive(i)) nodesAlive++;
    energyUj += runtimes.ledgers.loadEnergyUj(i);
  }
  const local: SamplePartial = { atMs: scheduler.nowMs, nodesAlive, energyUj };
  parts.state.samplePartials.push(local);
  parts.live.share(local, true);
}

/** Registers the sample event kind (after every other part's: ties are broken by kind) and schedules the samples. */
export function scheduleSamples(parts: SimulationParts, sampleEveryMs: number): void {
  const { scheduler, durationMs } = parts;
  // Integer events (not callbacks): a checkpoint can hold them.
  const sampleKind = scheduler.kind(() => {
    parts.state.sampleEvents++;
    takeSample(parts);
  });
  for (let atMs = 0; atMs < durationMs; atMs += sampleEveryMs) scheduler.atKind(atMs, sampleKind, 0);
}
