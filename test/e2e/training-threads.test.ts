/**
 * `run --training-threads`: federated clients trained on threads while the simulation goes on
 * give the same run directory as training them on the simulation's thread, for the MNIST
 * classifier and for TinySeek, with checkpoints taken on the way.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, inOrder, runCli } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'loraswarm-training-threads-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function sameDirectories(name: string, scenario: string, sets: readonly string[]): Promise<string> {
  const dirs = await inOrder(['0', '2'], async (threads) => {
    const out = join(tmp, `${name}-${threads}`);
    const args = ['run', scenario, ...sets.flatMap((set) => ['--set', set]), '--transport', 'memory', '--quiet', '--out', out, '--training-threads', threads, '--checkpoint-every', '0.05'];
    // The threads' run as a user's process runs it (the bundle's thread entry), the other in this process.
    const result = threads === '0' ? await runCli(args) : cli(args, 120_000);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return out;
  });
  const files = readdirSync(dirs[0]!).sort();
  expect(files).toEqual(readdirSync(dirs[1]!).sort());
  for (const file of files.filter((entry) => entry !== 'timing.json')) expect(readFileSync(join(dirs[0]!, file)).equals(readFileSync(join(dirs[1]!, file))), file).toBe(true);
  for (const [i, out] of dirs.entries()) {
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { checkpoints: number; trainingThreads: number };
    expect(timing.checkpoints).toBeGreaterThan(0);
    expect(timing.trainingThreads).toBe([0, 2][i]);
  }
  return readFileSync(join(dirs[0]!, 'rounds.csv'), 'utf8');
}

describe('loraswarm run --training-threads', () => {
  it('writes byte-identical files with the MNIST clients trained on two threads or here', async () => {
    const rounds = await sameDirectories('mnist', 'scenarios/fl-mnist-iid.yaml', ['federated.rounds=3']);
    expect(rounds.trim().split('\n')).toHaveLength(4);
  });

  it('writes byte-identical files with the TinySeek clients trained on two threads or here', async () => {
    const rounds = await sameDirectories('names', 'scenarios/fl-names.yaml', ['federated.rounds=2']);
    expect(rounds.trim().split('\n')).toHaveLength(3);
  });

  it('says each round as it closes, the same with the rounds evaluated on threads', async () => {
    const said = await inOrder(['0', '2'], async (threads) => {
      const result = await runCli(['run', 'scenarios/fl-mnist-iid.yaml', '--set', 'federated.rounds=3', '--transport', 'memory', '--out', join(tmp, `said-${threads}`), '--training-threads', threads]);
      expect(result.status).toBe(0);
      return result.stderr.split(/[\r\n]+/).filter((line) => line.startsWith('round '));
    });
    expect(said[1]).toEqual(said[0]);
    expect(said[0]).toEqual([
      'round 1: 10/10 updates, validation accuracy 82.3 % (loss 0.8224), 34.79 J, 41.0 min',
      'round 2: 10/10 updates, validation accuracy 87.6 % (loss 0.5982), 33.3 J, 37.7 min',
      'round 3: 10/10 updates, validation accuracy 88.1 % (loss 0.5148), 34.06 J, 50.2 min',
    ]);
  });

  it('refuses a value other than auto or a count (exit 2)', async () => {
    const result = await runCli(['run', 'scenarios/fl-mnist-iid.yaml', '--out', join(tmp, 'bad'), '--training-threads', 'many']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('loraswarm: --training-threads: expected "auto" or a count 0..64, found "many"\n');
  });
});
