import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { estimateProblems, estimateRun, runLimits } from '../../src/run/run-estimate.ts';
import { streamedWriting } from '../../src/run/result-files.ts';

describe('the run estimate', () => {
  it('counts the traffic frames, events, series rows, memory, files and CPU of the Poisson city', () => {
    const { scenario, swarm } = readScenario('bench/poisson-1000.yaml');
    const estimate = estimateRun(scenario, swarm);
    // 1,000 senders, one message every 1,000 s on average, for a day: 86,400 (the run sends 86,158).
    expect(estimate.frames).toBe(86_400);
    // Two events a frame (the run: 173,045) and one per hourly sample time.
    expect(estimate.events).toBe(2 * 86_400 + 25);
    expect(estimate.seriesRows).toBe(25 * 1001);
    expect(estimate.peakMemoryBytes).toBe(200 * 2 ** 20 + 1001 * 20 * 2 ** 10);
    expect(estimate.outputBytes).toBe(86_400 * (115 + 55) + 25 * 1001 * 95);
    expect(estimate.cpuSeconds).toBeCloseTo((2 * 86_400 + 25) / 100_000 + (25 * 1001) / 1e6, 12);
  });

  it('names each bound the estimate passes, and none within them', () => {
    const { scenario, swarm } = readScenario('bench/poisson-1000.yaml');
    const estimate = estimateRun(scenario, swarm);
    expect(estimateProblems(estimate, { memoryBytes: 8 * 2 ** 30, freeDiskBytes: 2 ** 40 })).toEqual([]);
    expect(estimateProblems(estimate, { memoryBytes: 256 * 2 ** 20, freeDiskBytes: 2 ** 20 })).toEqual([
      'it would need ~220 MiB of memory, more than 80 % of this machine\'s 256 MiB',
      'it would write ~16 MiB of files, more than the 1 MiB free where they go',
    ]);
    expect(estimateProblems({ ...estimate, events: 2 * runLimits.events, cpuSeconds: 1e5 }, { memoryBytes: 2 ** 40 })).toEqual([
      'it would simulate ~20G events (~28 h of CPU), more than the bound of 10G',
    ]);
  });
});

describe('how the streamed files are written (--compress, --write-thread, --report-thread)', () => {
  const auto = { compress: 'auto', thread: 'auto', reportThread: 'auto' } as const;
  it('chooses by the frames expected, and the report\'s thread by the cores too', () => {
    // The Poisson city: 86,400 frames expected at 1,000 nodes, 864,000 at 10,000; LoRaSim's experiment at N = 200, 200,000.
    const small = readScenario('bench/poisson-1000.yaml');
    const lorasim = readScenario('scenarios/lorasim-exp1.yaml', { sets: ['groups.1.count=200', 'duration=1000000000ms'] });
    expect(streamedWriting(auto, lorasim.scenario, lorasim.swarm, 2)).toEqual({ compress: false, threaded: true, digested: true });
    const large = readScenario('bench/poisson-1000.yaml', { sets: ['groups.1.count=10000'] });
    expect(streamedWriting(auto, small.scenario, small.swarm, 2)).toEqual({ compress: false, threaded: true, digested: false });
    expect(streamedWriting(auto, small.scenario, small.swarm, 4)).toEqual({ compress: false, threaded: true, digested: true });
    expect(streamedWriting(auto, large.scenario, large.swarm, 2)).toEqual({ compress: false, threaded: true, digested: true });
    // `on` writes on the writer thread even below its threshold; without the writer thread, no digest.
    const quick = readScenario('bench/poisson-1000.yaml', { sets: ['duration=10min'] });
    expect(streamedWriting({ ...auto, reportThread: 'on' }, quick.scenario, quick.swarm, 2)).toEqual({ compress: false, threaded: true, digested: true });
    expect(streamedWriting({ ...auto, thread: 'off' }, large.scenario, large.swarm, 4)).toEqual({ compress: false, threaded: false, digested: false });
    expect(streamedWriting({ ...auto, reportThread: 'off' }, large.scenario, large.swarm, 4)).toEqual({ compress: false, threaded: true, digested: false });
    // Compressed or not: the city's writer thread digests its rows on two cores too, unless asked not to.
    const city = readScenario('bench/poisson-1000.yaml', { sets: ['groups.1.count=100000'] });
    expect(streamedWriting(auto, city.scenario, city.swarm, 2)).toEqual({ compress: true, threaded: true, digested: true });
    expect(streamedWriting({ ...auto, reportThread: 'off' }, city.scenario, city.swarm, 2)).toEqual({ compress: true, threaded: true, digested: false });
    expect(streamedWriting(auto, city.scenario, city.swarm, 3)).toEqual({ compress: true, threaded: true, digested: true });
  });
});
