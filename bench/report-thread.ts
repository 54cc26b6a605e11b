/**
 * `run --report-thread on` against `off` (docs/explanation/performance.md): the report digested
 * while the run goes on, or read back from the files after it. Whole `loraswarm run` processes
 * over the memory transport with the writer thread on, in interleaved pairs: LoRaSim's
 * experiment (200,000 frames in about a second of simulation) and the 10,000-node day
 * (864,000 frames). Printed for each: the wall time, the simulation's (timing.json) and what
 * came after it (the books, the files, the report), medians; and whether the two reports are
 * the same bytes. The digest is made on the writer thread, from the rows it writes; on two
 * cores the simulation slows beside it, by less than the report saves after it above 150,000
 * expected frames (LoRaSim's experiment gained 0.1 s whole on 2026-12-07), which is where
 * `--report-thread auto` digests (src/run/run-estimate.ts).
 *
 *   node --import tsx bench/report-thread.ts [pairs]     (3 pairs by default)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const pairs = Number(process.argv[2] ?? 3);
const cases = [
  { label: "LoRaSim's experiment (N = 200, 10⁹ ms)", args: ['scenarios/lorasim-exp1.yaml', '--set', 'groups.1.count=200', '--set', 'duration=1000000000ms'] },
  { label: 'the 10,000-node day', args: ['bench/poisson-1000.yaml', '--set', 'groups.1.count=10000'] },
] as const;

interface Figures {
  readonly wallS: number;
  readonly simulateS: number;
  readonly afterS: number;
  readonly report: Buffer;
}

function run(args: readonly string[], report: 'on' | 'off'): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-report-thread-'));
  try {
    const out = join(dir, 'run');
    const started = performance.now();
    const result = spawnSync(process.execPath, ['bin/loraswarm.js', 'run', ...args, '--transport', 'memory', '--write-thread', 'on', '--report-thread', report, '--out', out, '--quiet'], { encoding: 'utf8' });
    const wallS = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`${args.join(' ')} --report-thread ${report}: exit ${result.status}\n${result.stderr}`);
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { simulateWallMs: number; totalWallMs: number };
    return { wallS, simulateS: timing.simulateWallMs / 1000, afterS: (timing.totalWallMs - timing.simulateWallMs) / 1000, report: readFileSync(join(out, 'report.html')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const describe = (figures: readonly Figures[]): string =>
  `${median(figures.map((f) => f.wallS)).toFixed(2)} s wall [${figures.map((f) => f.wallS.toFixed(2)).join(', ')}], simulation ${median(figures.map((f) => f.simulateS)).toFixed(2)} s, after it ${median(figures.map((f) => f.afterS)).toFixed(2)} s`;

console.log(`report-thread: machine ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; whole \`loraswarm run\` processes, memory transport, writer thread on, ${pairs} interleaved pairs, medians`);
for (const { label, args } of cases) {
  const on: Figures[] = [];
  const off: Figures[] = [];
  for (let i = 0; i < pairs; i++) {
    on.push(run(args, 'on'));
    off.push(run(args, 'off'));
  }
  const same = on.every((f) => f.report.equals(off[0]!.report)) && off.every((f) => f.report.equals(off[0]!.report));
  console.log(`  ${label}: --report-thread on ${describe(on)}; off ${describe(off)}; report.html ${same ? 'byte-identical' : 'DIFFERS'}`);
}
