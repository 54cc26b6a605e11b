/**
 * Start-up: wall time of whole `loraswarm` processes that do little, through the bundle
 * (bin/loraswarm.js with a fresh dist/) and through tsx (LORASWARM_DEV=1), beside Node's own
 * start (`node -e 0`). Medians and minima of interleaved runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'loraswarm.js');
const runs = 15;

interface Case {
  readonly label: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

const cases: Case[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'loraswarm airtime --sf 12 --bytes 20 (bundle)', args: [bin, 'airtime', '--sf', '12', '--bytes', '20'] },
  { label: 'loraswarm validate scenarios/quickstart.yaml (bundle)', args: [bin, 'validate', 'scenarios/quickstart.yaml'] },
  { label: 'loraswarm airtime --sf 12 --bytes 20 (tsx, LORASWARM_DEV=1)', args: [bin, 'airtime', '--sf', '12', '--bytes', '20'], env: { LORASWARM_DEV: '1' } },
];

function wallMs(testCase: Case): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, testCase.args, { cwd: root, env: { ...process.env, LORASWARM_DEV: '', ...testCase.env }, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${testCase.label} exited ${result.status}: ${result.stderr}`);
  return ms;
}

// The first start rebuilds dist/ if a source changed; it is not counted.
for (const testCase of cases) wallMs(testCase);
const times = cases.map((): number[] => []);
for (let i = 0; i < runs; i++) cases.forEach((testCase, index) => times[index]!.push(wallMs(testCase)));
for (const [index, testCase] of cases.entries()) {
  const sorted = [...times[index]!].sort((a, b) => a - b);
  console.log(`start-up: ${testCase.label}: median ${sorted[Math.floor(runs / 2)]!.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms (${runs} runs)`);
}
