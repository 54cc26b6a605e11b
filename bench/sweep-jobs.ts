/**
 * `sweep --jobs 1` against `--jobs 2` on the same sweep of 8 runs (ALOHA, 100 senders, 48
 * simulated hours, seeds 1..8), each a whole `loraswarm sweep` process as a user starts it,
 * in interleaved pairs; prints each wall time, the medians, their ratio, the CPU time of each
 * sweep's processes and the load average (other work on the machine slows the parallel sweep
 * most). The target on a 2-core machine: a ratio of at least 1.7. The two sweep.csv
 * files must be the same bytes.
 *
 * Runs of several seconds each, because every process pays its start-up and a warm-up: its
 * first few runs cost more CPU than later ones while V8 optimises the hot path (aloha at 6 h:
 * 1.9, 1.0, 0.6, 0.3 CPU-s for a child's first four runs). With sub-second runs that cost,
 * paid once per child, is most of the difference.
 *
 *   node --import tsx bench/sweep-jobs.ts [pairs]     (3 pairs by default)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const sweep = ['sweep', 'scenarios/aloha.yaml', '--set', 'duration=48h', '--set', 'groups.1.count=100', '--repeats', '8', '--quiet'];
const pairs = Number(process.argv[2] ?? 3);

const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds of this process's finished children and their descendants (Linux: cutime + cstime). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / clockTicksPerSecond;
}

/** Wall and CPU seconds of one whole sweep process with `jobs` jobs, and its sweep.csv. */
function timeSweep(jobs: number, out: string): { seconds: number; cpuSeconds: number; csv: string } {
  const cpuBefore = childrenCpuSeconds();
  const start = performance.now();
  execFileSync(process.execPath, ['bin/loraswarm.js', ...sweep, '--jobs', String(jobs), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - start) / 1000;
  return { seconds, cpuSeconds: childrenCpuSeconds() - cpuBefore, csv: readFileSync(join(out, 'sweep.csv'), 'utf8') };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-bench-sweep-'));
try {
  const loadBefore = load();
  const one: { seconds: number; cpuSeconds: number }[] = [];
  const two: { seconds: number; cpuSeconds: number }[] = [];
  let same = true;
  for (let pair = 0; pair < pairs; pair++) {
    const serial = timeSweep(1, join(dir, `jobs1-${pair}`));
    const parallel = timeSweep(2, join(dir, `jobs2-${pair}`));
    one.push(serial);
    two.push(parallel);
    same &&= serial.csv === parallel.csv;
  }
  const wall = (times: typeof one): string => `${times.map((t) => t.seconds.toFixed(2)).join(', ')} s wall (median ${median(times.map((t) => t.seconds)).toFixed(2)})`;
  const cpu = (times: typeof one): string => `${median(times.map((t) => t.cpuSeconds)).toFixed(2)} CPU-s`;
  const ratio = median(one.map((t) => t.seconds)) / median(two.map((t) => t.seconds));
  console.log(
    `sweep --jobs (8 runs of aloha, 100 senders, 48 h; whole processes, ${pairs} interleaved pairs; ${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores): ` +
      `--jobs 1 ${wall(one)}, ${cpu(one)}; --jobs 2 ${wall(two)}, ${cpu(two)}; ` +
      `${ratio.toFixed(2)}× faster with 2 jobs (target ≥ 1.7×); sweep.csv ${same ? 'byte-identical' : 'DIFFERENT'}; load average ${loadBefore} before, ${load()} after`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
