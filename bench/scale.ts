/**
 * Scale (issue 14): the whole `loraswarm run` of the Poisson city for one simulated day at
 * N = 1,000, 10,000 and 100,000 nodes, once around one gateway (bench/poisson-1000.yaml: a
 * 4 km disc, the density growing with N) and once at constant density (bench/city-grid.yaml:
 * one gateway per 1,000 nodes on a grid). Each run is its own process, through bin/loraswarm.js
 * as a user runs it, writing its run directory (per-frame files compressed when the run is
 * large, `--compress auto`). Printed: events, frames, wall time and where it went (the
 * simulation with its set-up, then the books, files and report after it, from timing.json; the
 * rest is the process's start, reading the scenario and its exit), the process's CPU time, events
 * per CPU-second and peak RSS. `node --import tsx bench/scale.ts [N…]` runs some sizes only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const counts = sizes.length > 0 ? sizes : [1_000, 10_000, 100_000];
const spacingM = 7090;

/** The grid variant's overrides: ⌈√G⌉ columns of gateways, the nodes over their rectangle. */
function gridSets(nodes: number): string[] {
  const gateways = Math.max(1, Math.round(nodes / 1000));
  const columns = Math.ceil(Math.sqrt(gateways));
  const rows = Math.ceil(gateways / columns);
  return [`groups.0.count=${gateways}`, `groups.0.placement.columns=${columns}`, `groups.1.count=${nodes}`, `groups.1.placement.widthM=${columns * spacingM}`, `groups.1.placement.heightM=${rows * spacingM}`];
}

interface Figures {
  readonly events: number;
  readonly frames: number;
  readonly wallS: number;
  /** The simulation with its set-up, and what came after it (timing.json). */
  readonly simulateS: number;
  readonly afterS: number;
  readonly cpuS: number;
  readonly peakRssMb: number;
}

function run(file: string, sets: readonly string[]): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-scale-'));
  try {
    const report = join(dir, 'resources.json');
    const out = join(dir, 'run');
    const started = performance.now();
    const result = spawnSync(process.execPath, ['bin/loraswarm.js', 'run', file, ...sets.flatMap((set) => ['--set', set]), '--transport', 'memory', '--out', out, '--quiet'], {
      env: { ...process.env, LORASWARM_RESOURCE_REPORT: report },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const wallS = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`${file} ${sets.join(' ')}: exit ${result.status}\n${result.stderr}`);
    const usage = JSON.parse(readFileSync(report, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { events: number; frames: { sent: number } };
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { simulateWallMs: number; totalWallMs: number };
    return { events: summary.events, frames: summary.frames.sent, wallS, simulateS: timing.simulateWallMs / 1000, afterS: (timing.totalWallMs - timing.simulateWallMs) / 1000, cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6, peakRssMb: usage.maxRSS / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`scale: machine ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; whole \`loraswarm run\`, memory transport, 1 simulated day`);
for (const nodes of counts) {
  for (const [label, file, sets] of [
    ['one gateway', 'bench/poisson-1000.yaml', [`groups.1.count=${nodes}`]],
    [Math.round(nodes / 1000) > 1 ? `${Math.round(nodes / 1000)} gateways` : 'one gateway on the grid', 'bench/city-grid.yaml', gridSets(nodes)],
  ] as const) {
    const f = run(file, sets);
    console.log(
      `  ${nodes.toLocaleString('en')} nodes, ${label}: ${f.events.toLocaleString('en')} events, ${f.frames.toLocaleString('en')} frames, ` +
        `${f.wallS.toFixed(1)} s wall (simulation ${f.simulateS.toFixed(1)} s, after it ${f.afterS.toFixed(1)} s, the process's start and end ${(f.wallS - f.simulateS - f.afterS).toFixed(1)} s), ${f.cpuS.toFixed(1)} s CPU, ${Math.round(f.events / f.cpuS).toLocaleString('en')} events per CPU-second, peak RSS ${Math.round(f.peakRssMb)} MiB`,
    );
  }
}
