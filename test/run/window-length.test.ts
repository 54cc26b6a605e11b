import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowEndMs, windowLength } from '../../src/run/window-length.ts';
import { goldenCases } from '../golden/cases.ts';
import { loadScenario, runScenario } from '../helpers/scenario.ts';

/** Everything a run writes, from its books: the result, every frame and reception, every series row. */
function books(file: string, sets: readonly string[], shortWindows: boolean) {
  const { simulation, result } = runScenario(file, sets, { shortWindows });
  return { windows: simulation.windowsRun, wide: simulation.windowLength.narrowBecause === undefined, books: { result, frames: simulation.tracker.frames, receptions: simulation.tracker.receptions, series: simulation.series.rows } };
}

describe('windowEndMs', () => {
  const wide = { shortMs: 1, longestMs: 46.336, processingDelayMs: 1, narrowBecause: undefined };
  it('is the shortest airtime after the window start, unless a frame on the air ends sooner, and never shorter than the short window', () => {
    expect(windowEndMs(wide, 100, Number.POSITIVE_INFINITY)).toBe(146.336);
    expect(windowEndMs(wide, 100, 120)).toBe(121);
    expect(windowEndMs(wide, 100, 100)).toBe(101);
    expect(windowEndMs({ ...wide, longestMs: 1, narrowBecause: 'x' }, 100, Number.POSITIVE_INFINITY)).toBe(101);
  });

  it('keeps short windows, and says why, where a frame can reach a node that acts on its preamble or carrier sense reads the air', () => {
    const reason = (file: string, sets: string[] = []): string | undefined => {
      const { scenario, swarm } = loadScenario(file, sets);
      return windowLength(scenario, swarm.nodes, 46.336).narrowBecause;
    };
    expect(reason('scenarios/city-sink.yaml')).toBeUndefined();
    expect(reason('scenarios/quickstart.yaml')).toBe('node applications address nodes');
    expect(reason('scenarios/city-gateways.yaml', ['lorawan={}'])).toBe('LoRaWAN devices receive downlinks');
    expect(reason('test/fixtures/peer-mac.yaml', ['peerMac={ack: true, lbt: true}'])).toBe('the peer MAC acknowledges frames and may listen before talking');
    expect(reason('bench/dense-broadcast.yaml')).toBe('beacon-0 sends to every node in range');
    expect(reason('scenarios/city-sink.yaml', ['groups.0.receivePaths=1'])).toMatch(/is a sink that acts on caught preambles/);
  });
});

describe('wide windows against the short protocol', () => {
  // The golden cases whose windows widen (the others run the short protocol itself), some shortened.
  const shorter: Readonly<Record<string, readonly string[]>> = { 'lorasim-exp1': ['duration=3d'], 'city-gateways': ['duration=6h'], 'city-plan': ['duration=6h'] };
  const cases = goldenCases.filter((c) => {
    const { scenario, swarm } = loadScenario(c.file, c.sets);
    return windowLength(scenario, swarm.nodes, 1).narrowBecause === undefined;
  });
  it('widens the windows of 11 of the golden cases', () => {
    expect(cases.map((c) => c.name)).toEqual(['aloha', 'city-gateways', 'city-plan', 'city-sink', 'lorasim-exp1', 'late-delivery', 'many-gateways', 'multi-gateway', 'us915-raw', 'poisson-1000-1h', 'listen-300']);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s: the same books, in no more windows', (name, golden) => {
    const sets = [...golden.sets, ...(shorter[name] ?? [])];
    const wide = books(golden.file, sets, false);
    const short = books(golden.file, sets, true);
    expect(wide.books).toEqual(short.books);
    expect(wide.windows).toBeLessThanOrEqual(short.windows);
  });

  it('gives the same books on 40 random scenarios: sizes, spreading factors, framings, collision models, shadowing, processing delays, sleeping and dying nodes, faults', () => {
    const scenario = fc.record({
      seed: fc.integer({ min: 1, max: 1000 }),
      region: fc.constantFrom('eu868', 'us915'),
      framing: fc.constantFrom('raw', 'lorawan'),
      collision: fc.constantFrom('energy-sir', 'lorasim', 'aloha'),
      shadowing: fc.constantFrom('', 'shadowing: { sigmaDb: 4, mode: per-frame }', 'shadowing: { sigmaDb: 6, mode: per-link }'),
      delayMs: fc.constantFrom(0.1, 1, 5, 30),
      sinks: fc.integer({ min: 1, max: 3 }),
      nodes: fc.integer({ min: 5, max: 60 }),
      sf: fc.constantFrom('7', '9', '12', 'auto'),
      radiusM: fc.constantFrom(300, 2000, 6000),
      interval: fc.constantFrom('20s', '2min', '10min'),
      payload: fc.integer({ min: 1, max: 120 }),
      kind: fc.constantFrom('poisson', 'periodic'),
      battery: fc.constantFrom('', 'node: { battery: cr2032, initialStateOfCharge: 0.004 }'),
      fault: fc.boolean(),
    });
    let widened = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        // US915's 400 ms dwell time allows no SF12 frame at 125 kHz.
        fc.pre(!(s.region === 'us915' && s.sf === '12'));
        const text = `
seed: ${s.seed}
duration: 20min
region: ${s.region}
framing: ${s.framing}
collision: ${s.collision}
processingDelayMs: ${s.delayMs}
${s.shadowing}
${s.fault ? 'faults:\n  - { node: n-2, at: 7min }' : ''}
radio: { sf: ${s.sf} }
groups:
  - name: gw
    role: sink
    count: ${s.sinks}
    placement: { shape: grid, spacingM: 1500 }
    receivePaths: 8
    radio: { sensitivity: sx1301 }
  - name: n
    count: ${s.nodes}
    placement: { shape: disc, radiusM: ${s.radiusM} }
    ${s.battery}
    traffic: { kind: ${s.kind}, interval: ${s.interval}, payloadBytes: ${s.payload}, to: sink }
`;
        const wide = books(text, [], false);
        const short = books(text, [], true);
        expect(wide.books).toEqual(short.books);
        if (wide.windows < short.windows) widened++;
      }),
      { numRuns: 40, seed: 22 },
    );
    expect(widened).toBe(25);
  });
});
