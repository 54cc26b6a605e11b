/**
 * Runs bench/listen-10k.yaml in this process and prints its wall time and peak memory (RSS).
 * Started as its own process by bench/run.ts so that the peak belongs to this run alone.
 */
import { readScenario } from '../src/scenario/read-scenario.ts';
import { createSimulation } from '../src/run/simulate.ts';

const start = performance.now();
const { scenario, swarm } = readScenario('bench/listen-10k.yaml');
const simulation = createSimulation(scenario, swarm, { keepRecords: true });
const result = simulation.finish();
const wallS = (performance.now() - start) / 1000;
const totals = simulation.tracker.totals();
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `listen-10k (10,000 battery nodes, their firmware listening 5 ms every second, a frame every 10 min, 1 simulated hour): ` +
    `${wallS.toFixed(2)} s wall, peak RSS ${peakMb.toFixed(0)} MB; ${totals.sent} frames, ${result.events} events, DER ${(totals.fates.received / totals.receptions).toFixed(4)}`,
);
