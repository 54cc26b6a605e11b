/**
 * What the node count costs a frame (2026-12-08, docs/explanation/performance.md, "The nodes'
 * memory, not the frames"): the same ~432,000 frames of the Poisson city (bench/poisson-1000.yaml,
 * 12 simulated hours, `region: none` so that no duty cycle delays them) from 1,000, 10,000 and
 * 100,000 nodes, the interval scaled with the count so that the offered load, hence the ether's
 * work per frame, stays the same. Each count in a process of its own, in process (no files):
 * the set-up, the simulation and µs per frame of each of `runs` runs (the first on memory the
 * process has not touched yet), and the simulation's heap per node after the first set-up. A frame that costs more at 100,000 nodes than at 1,000 pays for reading
 * the nodes' state cold.
 *
 * @example
 * node --import tsx bench/node-count.ts          # 1,000, 10,000 and 100,000 nodes
 * node --import tsx bench/node-count.ts 1000 30000
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { createSimulation } from '../src/run/simulate.ts';
import { readScenario } from '../src/scenario/read-scenario.ts';

const runs = 2;

interface Figures {
  readonly frames: number;
  /** Per run, in order: the first runs on memory the process has not touched yet. */
  readonly setupMs: readonly number[];
  readonly simulateMs: readonly number[];
  /** After the first set-up (later ones follow a finished simulation's garbage). */
  readonly heapBytesPerNode: number;
}

/** One count, in this process (the child's side). */
function measure(nodes: number): Figures {
  const sets = [`groups.1.count=${nodes}`, `groups.1.traffic.interval=${nodes / 10}s`, 'duration=12h', 'region=none'];
  const { scenario, swarm } = readScenario('bench/poisson-1000.yaml', { sets });
  const setupMs: number[] = [];
  const simulateMs: number[] = [];
  let frames = 0;
  let heapBytesPerNode = 0;
  for (let run = 0; run < runs; run++) {
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const simulation = createSimulation(scenario, swarm, { keepRecords: false, keepSeriesRows: false });
    setupMs.push(performance.now() - started);
    globalThis.gc?.();
    if (run === 0) heapBytesPerNode = (process.memoryUsage().heapUsed - heapBefore) / swarm.nodes.length;
    const simulating = performance.now();
    simulation.finish();
    simulateMs.push(performance.now() - simulating);
    frames = simulation.tracker.totals().sent;
  }
  return { frames, setupMs, simulateMs, heapBytesPerNode };
}

const [first, ...rest] = process.argv.slice(2);
if (first === '--child') {
  process.stdout.write(JSON.stringify(measure(Number(rest[0]))));
} else {
  const counts = (first === undefined ? [1000, 10_000, 100_000] : [first, ...rest].map(Number)).filter((n) => n >= 10);
  console.log(`node-count: machine ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; the same frames from more nodes, in process, ${runs} runs each`);
  for (const nodes of counts) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/node-count.ts', '--child', String(nodes)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const f = JSON.parse(out) as Figures;
    const seconds = (ms: readonly number[]): string => ms.map((m) => (m / 1000).toFixed(2)).join(' / ');
    console.log(
      `  ${nodes.toLocaleString('en')} nodes: ${f.frames.toLocaleString('en')} frames, set-up ${seconds(f.setupMs)} s, simulation ${seconds(f.simulateMs)} s ` +
        `(${f.simulateMs.map((m) => ((1000 * m) / f.frames).toFixed(1)).join(' / ')} µs a frame; the first run on untouched memory), heap ${Math.round(f.heapBytesPerNode).toLocaleString('en')} B a node`,
    );
  }
}
