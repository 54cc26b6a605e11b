/**
 * LoRaSim side by side (issue 14): LoRaSim's experiment 1 at N = 200 over 10⁹ ms
 * (scenarios/lorasim-exp1.yaml), both collision models, as whole `loraswarm run` processes
 * over the memory transport writing their run directories: wall time (median and minimum of
 * interleaved runs), the simulation's share (timing.json) and the delivery ratio. LoRaSim's
 * own figures on this machine (Python 3 + SimPy, r334; issue 14): 2.3 s simple, 3.1 s capture.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = 5;
const models = [
  { label: 'capture (collision: lorasim)', collision: 'lorasim' },
  { label: 'simple (collision: aloha)', collision: 'aloha' },
] as const;

interface Figures {
  readonly wallMs: number;
  readonly simulateMs: number;
  readonly der: number;
}

function run(collision: string): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-lorasim-'));
  try {
    const out = join(dir, 'run');
    const sets = ['groups.1.count=200', 'duration=1000000000ms', `collision=${collision}`];
    const started = performance.now();
    const result = spawnSync(process.execPath, ['bin/loraswarm.js', 'run', 'scenarios/lorasim-exp1.yaml', ...sets.flatMap((set) => ['--set', set]), '--transport', 'memory', '--out', out, '--quiet'], { encoding: 'utf8' });
    const wallMs = performance.now() - started;
    if (result.status !== 0) throw new Error(`lorasim-exp1 ${collision}: exit ${result.status}\n${result.stderr}`);
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { simulateWallMs: number };
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { frames: { receptions: number; fates: { received: number } } };
    return { wallMs, simulateMs: timing.simulateWallMs, der: summary.frames.fates.received / summary.frames.receptions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const figures = models.map((): Figures[] => []);
for (let i = 0; i < runs; i++) models.forEach((model, index) => figures[index]!.push(run(model.collision)));
for (const [index, model] of models.entries()) {
  const walls = figures[index]!.map((f) => f.wallMs);
  console.log(
    `lorasim-exp1, N = 200, 10⁹ ms, ${model.label}: whole run median ${(median(walls) / 1000).toFixed(2)} s, min ${(Math.min(...walls) / 1000).toFixed(2)} s; ` +
      `simulation median ${(median(figures[index]!.map((f) => f.simulateMs)) / 1000).toFixed(2)} s; DER ${figures[index]![0]!.der.toFixed(6)} (${runs} interleaved runs)`,
  );
}
