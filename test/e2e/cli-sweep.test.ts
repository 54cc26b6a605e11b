import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, repoRoot, spawnCli, type CliResult } from '../helpers/cli.ts';
import { flattenSummary } from '../../src/run/sweep.ts';

const runFiles = ['frames.csv', 'nodes.csv', 'receptions.csv', 'report.html', 'scenario.yaml', 'series.csv', 'summary.json', 'timing.json'];
/** 2 simulated minutes of the ALOHA scenario with 10 or 20 senders, seeds 1 and 2: four runs of well under a second. */
const sweepArgs = ['sweep', 'scenarios/aloha.yaml', '--set', 'duration=2min', '--set', 'groups.1.count=10,20', '--repeats', '2'];

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-cli-sweep-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** `loraswarm …` that must succeed. */
async function succeed(args: readonly string[]): Promise<CliResult> {
  const result = await runCli(args);
  expect(result.status, result.stderr).toBe(0);
  return result;
}

const read = (path: string): string => readFileSync(path, 'utf8');
const csvLines = (dir: string): string[][] => read(join(dir, 'sweep.csv')).trimEnd().split('\n').map((line) => line.split(','));

describe('loraswarm sweep scenarios/aloha.yaml --set groups.1.count=10,20 --repeats 2', () => {
  let out: string;
  let result: CliResult;
  let header: string[];
  let rows: Record<string, string>[];

  beforeAll(async () => {
    out = join(tmp, 'a');
    result = await succeed([...sweepArgs, '--out', out]);
    // The sweep's last run, as a single run (on the default transport, MQTT).
    await succeed(['run', 'scenarios/aloha.yaml', '--set', 'duration=2min', '--set', 'groups.1.count=20', '--seed', '2', '--out', join(tmp, 'single'), '--quiet']);
    const [head, ...body] = csvLines(out);
    header = head!;
    rows = body.map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i]!])));
  });

  it('writes only sweep.csv, with no RUNNING, .partial or run directories left behind', () => {
    expect(readdirSync(out)).toEqual(['sweep.csv']);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('has one row per combination and seed: run, the swept key as given, seed, then the summary', () => {
    expect(header.slice(0, 8)).toEqual(['run', 'groups.1.count', 'seed', 'schema', 'scenario', 'durationMs', 'drainedUntilMs', 'events']);
    expect(header.filter((column) => column === 'seed')).toHaveLength(1);
    expect(header.some((column) => column.startsWith('perNode'))).toBe(false);
    expect(rows.map((row) => [row.run, row['groups.1.count'], row.seed])).toEqual([
      ['1', '10', '1'],
      ['2', '10', '2'],
      ['3', '20', '1'],
      ['4', '20', '2'],
    ]);
  });

  it('gives 33 frames all received with 10 senders and 63 sent, 59 received, 4 collided with 20 (seed 1)', () => {
    const [ten, , twenty] = rows;
    expect([ten!['nodes.total'], ten!['frames.sent'], ten!['frames.fates.received'], ten!['der']]).toEqual(['11', '33', '33', '1']);
    expect([twenty!['nodes.total'], twenty!['frames.sent'], twenty!['frames.fates.received'], twenty!['frames.fates.collided'], twenty!['der']]).toEqual([
      '21', '63', '59', '4', '0.936508',
    ]);
    // A null figure keeps its column, empty.
    expect(twenty!['nodes.firstDeathMs']).toBe('');
  });

  it('gives in each row the summary.json of `loraswarm run` with the same --set and seed', () => {
    const leaves = flattenSummary(JSON.parse(read(join(tmp, 'single', 'summary.json'))) as Record<string, unknown>);
    expect(header.slice(2)).toEqual(['seed', ...leaves.map(([path]) => path).filter((path) => path !== 'seed')]);
    for (const [path, value] of leaves) expect(rows[3]![path], path).toBe(value === null ? '' : String(value));
  });

  it('prints a table of the runs with the headline metrics that differ and the CSV path, and one line per finished run on stderr', () => {
    expect(result.stdout).toBe(
      [
        'sweep aloha: 4 runs (2 combinations × 2 seeds), memory transport',
        // The headline metrics that differ between the runs (latency p95 and deaths do not, here).
        'run  groups.1.count  seed  frames.sent  der       energyJ.total',
        '1    10              1     33           1         50.524446',
        '2    10              2     36           0.944444  50.560211',
        '3    20              1     63           0.936508  96.455761',
        '4    20              2     64           0.90625   96.467682',
        `results in ${join(out, 'sweep.csv')}`,
        '',
      ].join('\n'),
    );
    // With a child process per core, runs may finish in any order; each is reported once.
    expect(result.stderr.split('\n').sort()).toEqual(['', 'run 1/4 done', 'run 2/4 done', 'run 3/4 done', 'run 4/4 done']);
  });

  it('writes a byte-identical sweep.csv when run again, and with --keep-runs replacing an earlier sweep', async () => {
    const again = join(tmp, 'again');
    expect((await succeed([...sweepArgs, "--out", again, "--quiet"])).stdout).toBe('');
    expect(read(join(again, 'sweep.csv'))).toBe(read(join(out, 'sweep.csv')));
    // Into the same directory: the earlier sweep is replaced, now with every run's directory.
    await succeed([...sweepArgs, '--out', again, '--keep-runs', '--quiet']);
    expect(read(join(again, 'sweep.csv'))).toBe(read(join(out, 'sweep.csv')));
    expect(readdirSync(again).sort()).toEqual(['runs', 'sweep.csv']);
    expect(readdirSync(join(again, 'runs')).sort()).toEqual(['1', '2', '3', '4']);
    for (const run of ['1', '2', '3', '4']) expect(readdirSync(join(again, 'runs', run)).sort()).toEqual(runFiles);
    expect(read(join(again, 'runs', '4', 'summary.json'))).toBe(read(join(tmp, 'single', 'summary.json')));
  });
});

describe('loraswarm sweep refuses bad input with status 2 and writes nothing', () => {
  const refuse = async (extra: readonly string[]): Promise<string> => {
    const out = join(tmp, 'refused');
    const result = await runCli(['sweep', 'scenarios/aloha.yaml', '--set', 'duration=1min', ...extra, '--out', out]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    return result.stderr;
  };

  it('a --set without "="', async () => {
    expect(await refuse(['--set', 'groups.1.count'])).toBe('loraswarm: invalid input\n  --set: expected key.path=value, found "groups.1.count"\n');
  });

  it('an empty value in a list', async () => {
    expect(await refuse(['--set', 'groups.1.count=1,,2'])).toBe(
      'loraswarm: invalid input\n  groups.1.count: --set groups.1.count=1,,2: expected a value between every two commas, found an empty value (value 2 of 3)\n',
    );
  });

  it('a value the scenario schema rejects, naming the run and its combination, though the first run is valid', async () => {
    expect(await refuse(['--set', 'radio.sf=7,13'])).toBe('loraswarm: invalid input\n  in sweep run 2 of 2 (radio.sf=13):\n  radio.sf: expected a number ≤ 12, found 13 (set by --set)\n');
  });

  it('--repeats that is not a whole number ≥ 1', async () => {
    expect(await refuse(['--repeats', '0'])).toBe('loraswarm: --repeats: expected a whole number ≥ 1, found "0"\n');
    expect(await refuse(['--repeats', '1.5'])).toBe('loraswarm: --repeats: expected a whole number ≥ 1, found "1.5"\n');
  });

  it('more than 10000 combinations', async () => {
    const values = (n: number): string => Array.from({ length: n }, (_, i) => i + 1).join(',');
    expect(await refuse(['--set', `groups.1.count=${values(101)}`, '--set', `seed=${values(100)}`])).toBe(
      'loraswarm: invalid input\n  --set: expected at most 10000 combinations, found 10100 (groups.1.count: 101 × seed: 100)\n',
    );
  });

  it('an --out directory holding other files, which it leaves untouched', async () => {
    const foreign = join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine\n');
    const result = await runCli(['sweep', 'scenarios/aloha.yaml', '--set', 'duration=1min', '--set', 'groups.1.count=1,2', '--out', foreign]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^loraswarm: --out: expected a new directory, an empty one or an earlier loraswarm result at .*foreign, found a directory with other files \(notes\.txt\); it is left untouched\n$/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    expect(existsSync(`${foreign}.partial`)).toBe(false);
  });
});

/** 5 simulated minutes of ALOHA with 10, 20, 30 and 40 senders, seeds 1 and 2: eight short runs. */
const eightRuns = ['sweep', 'scenarios/aloha.yaml', '--set', 'duration=5min', '--set', 'groups.1.count=10,20,30,40', '--repeats', '2'];

/** `loraswarm …` with these environment variables, and none of the shard variables the test's own environment may have. */
function cliWithEnv(args: readonly string[], env: Readonly<Record<string, string>>): CliResult {
  const inherited = Object.entries(process.env).filter(([name]) => name !== 'JOB_COMPLETION_INDEX' && !name.startsWith('SLURM_'));
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'loraswarm.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...Object.fromEntries(inherited), ...env } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('loraswarm sweep --jobs, --shard and sweep merge, on a sweep of 8 runs', () => {
  let serial: CliResult;
  let serialCsv: string;
  const shards: string[] = [];

  beforeAll(async () => {
    serial = await succeed([...eightRuns, '--jobs', '1', '--out', join(tmp, 'jobs1')]);
    serialCsv = read(join(tmp, 'jobs1', 'sweep.csv'));
    for (const index of [1, 2, 3]) {
      shards.push(join(tmp, `shard${index}`));
      await succeed([...eightRuns, '--shard', `${index}/3`, '--jobs', index === 1 ? '1' : '2', '--quiet', '--out', shards.at(-1)!]);
    }
  });

  it('--jobs 1 runs in order in one process; --jobs 2 writes a byte-identical sweep.csv, prints the same table, and reports each run done once', async () => {
    expect(serial.stderr).toBe(Array.from({ length: 8 }, (_, i) => `run ${i + 1}/8 done\n`).join(''));
    const parallel = await succeed([...eightRuns, '--jobs', '2', '--out', join(tmp, 'jobs2')]);
    expect(read(join(tmp, 'jobs2', 'sweep.csv'))).toBe(serialCsv);
    expect(parallel.stdout).toBe(serial.stdout.replace(join(tmp, 'jobs1'), join(tmp, 'jobs2')));
    expect(parallel.stderr.split('\n').sort()).toEqual(['', ...Array.from({ length: 8 }, (_, i) => `run ${i + 1}/8 done`)]);
    expect(readdirSync(join(tmp, 'jobs2'))).toEqual(['sweep.csv']);
  });

  it('--jobs 2 --keep-runs writes every run\'s directory and the same sweep.csv', async () => {
    const out = join(tmp, 'kept');
    await succeed([...eightRuns, '--jobs', '2', '--keep-runs', '--quiet', '--out', out]);
    expect(read(join(out, 'sweep.csv'))).toBe(serialCsv);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    for (const run of ['1', '8']) expect(readdirSync(join(out, 'runs', run)).sort()).toEqual(runFiles);
  });

  it('--shard 2/3 writes only shard.json, with runs 2, 5 and 8; sweep merge of the three shards, in any order, writes the serial sweep.csv byte for byte', async () => {
    expect(readdirSync(shards[1]!)).toEqual(['shard.json']);
    expect((JSON.parse(read(join(shards[1]!, 'shard.json'))) as { runs: number[] }).runs).toEqual([2, 5, 8]);
    const merged = join(tmp, 'merged');
    const merge = await succeed(['sweep', 'merge', shards[2]!, shards[0]!, shards[1]!, '--out', merged]);
    expect(read(join(merged, 'sweep.csv'))).toBe(serialCsv);
    expect(readdirSync(merged)).toEqual(['sweep.csv']);
    expect(merge.stdout).toBe(serial.stdout.replace('8 runs (4 combinations × 2 seeds), memory transport', '8 runs merged from 3 shards').replace(join(tmp, 'jobs1'), merged));
  });

  it('a shard prints its share of the table and where its shard.json is', async () => {
    const shard = await succeed([...eightRuns, '--shard', '2/3', '--jobs', '1', '--out', join(tmp, 'shard2-again')]);
    const table = serial.stdout.split('\n');
    expect(shard.stdout).toBe(
      [
        'sweep aloha, shard 2 of 3: 3 of 8 runs (4 combinations × 2 seeds), memory transport',
        table[1],
        table[3],
        table[6],
        table[9],
        `shard in ${join(tmp, 'shard2-again', 'shard.json')}; join the shards with \`loraswarm sweep merge\``,
        '',
      ].join('\n'),
    );
    expect(shard.stderr).toBe('run 2/8 done\nrun 5/8 done\nrun 8/8 done\n');
    expect(read(join(tmp, 'shard2-again', 'shard.json'))).toBe(read(join(shards[1]!, 'shard.json')));
  });

  it('--shard-from-env takes the shard from JOB_COMPLETION_INDEX (0-based, with --shards) or a Slurm array task, and writes the same shard.json as --shard', () => {
    const k8s = cliWithEnv([...eightRuns, '--shard-from-env', '--shards', '3', '--quiet', '--out', join(tmp, 'k8s')], { JOB_COMPLETION_INDEX: '1' });
    expect(k8s.status, k8s.stderr).toBe(0);
    expect(read(join(tmp, 'k8s', 'shard.json'))).toBe(read(join(shards[1]!, 'shard.json')));
    const slurm = cliWithEnv([...eightRuns, '--shard-from-env', '--quiet', '--jobs', '1', '--out', join(tmp, 'slurm')], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' });
    expect(slurm.status, slurm.stderr).toBe(0);
    expect(read(join(tmp, 'slurm', 'shard.json'))).toBe(read(join(shards[2]!, 'shard.json')));
  });

  it('sweep merge refuses a missing shard, a repeated shard, a shard of another sweep and what is not a shard, with status 2, writing nothing', async () => {
    const out = join(tmp, 'not-merged');
    const refuse = async (dirs: readonly string[]): Promise<string> => {
      const result = await runCli(['sweep', 'merge', ...dirs, '--out', out]);
      expect(result.status, result.stderr).toBe(2);
      expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
      return result.stderr;
    };
    const [one, two, three] = shards as [string, string, string];
    expect(await refuse([one, three])).toBe('loraswarm: invalid input\n  sweep merge: expected all 3 shards of the sweep, found 2; missing shard 2\n');
    const copy = join(tmp, 'copy-of-2');
    cpSync(two, copy, { recursive: true });
    expect(await refuse([one, two, three, copy])).toBe(`loraswarm: invalid input\n  ${copy}: expected each shard once, found shard 2 of 3 again (also in ${two})\n`);
    const halves = join(tmp, 'half');
    await succeed([...eightRuns, '--shard', '1/2', '--jobs', '1', '--quiet', '--out', halves]);
    expect(await refuse([one, two, halves])).toBe(`loraswarm: invalid input\n  ${halves}: expected a shard of the same sweep as ${one}, found another number of shards: 2, where ${one} has 3\n`);
    expect(await refuse([join(tmp, 'jobs1'), one])).toBe(
      `loraswarm: invalid input\n  ${join(tmp, 'jobs1')}: expected a sweep shard directory (written by \`loraswarm sweep --shard\`), found a whole sweep (sweep.csv, no shard.json)\n`,
    );
  });

  it('refuses bad --jobs, --shard and --shard-from-env values with status 2 before it runs anything', async () => {
    const refuse = (extra: readonly string[], env: Readonly<Record<string, string>> = {}): string => {
      const out = join(tmp, 'refused-flags');
      const result = cliWithEnv([...eightRuns, ...extra, '--out', out], env);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
      return result.stderr;
    };
    expect(await refuse(['--jobs', '0'])).toBe('loraswarm: --jobs: expected a whole number 1..256 (child processes), found "0"\n');
    expect(await refuse(['--jobs', 'all'])).toBe('loraswarm: --jobs: expected a whole number 1..256 (child processes), found "all"\n');
    expect(await refuse(['--shard', '4/3'])).toBe('loraswarm: --shard: expected I/N with 1 ≤ I ≤ N ≤ 10000 (shard I of N, 1-based), found "4/3"\n');
    expect(await refuse(['--shard-from-env', '--shards', '3'])).toBe(
      'loraswarm: --shard-from-env: expected JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm array) in the environment, found neither\n',
    );
    expect(await refuse(['--shard-from-env', '--shards', '3'], { JOB_COMPLETION_INDEX: '3' })).toBe('loraswarm: --shard-from-env: expected JOB_COMPLETION_INDEX to give a shard 0..2 of 3, found 3 (JOB_COMPLETION_INDEX=3)\n');
  });
});

/** The pids of `pid`'s child processes whose command line holds `word` (from /proc). */
function childrenOf(pid: number, word: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // The parent pid is the second field after the command name, which is in parentheses.
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(join('/proc', entry, 'cmdline'), 'utf8').includes(word)) found.push(Number(entry));
    } catch {
      // The process has gone.
    }
  }
  return found;
}

describe('a sweep whose child process is killed', () => {
  it('stops with status 1 naming the run the child held, leaves <out>.partial with FAILED.txt and no process behind', async () => {
    const out = join(tmp, 'killed');
    // Runs of a second or so, so that a child is killed while it holds one.
    const running = spawnCli(['sweep', 'scenarios/aloha.yaml', '--set', 'duration=2h', '--set', 'groups.1.count=100,200', '--repeats', '2', '--jobs', '2', '--out', out]);
    try {
      let children: number[] = [];
      while (children.length < 2 && running.child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        children = childrenOf(running.child.pid!, 'sweep-child');
      }
      expect(children).toHaveLength(2);
      process.kill(children[0]!, 'SIGKILL');
      expect(await running.exited).toBe(1);
      expect(running.stderr()).toMatch(
        /^loraswarm: sweep run [12] of 4 \(groups\.1\.count=100, seed [12]\): its child process was killed by SIGKILL before the run was over\nthe sweep stopped; its directory is left as .*killed\.partial with FAILED\.txt\n$/,
      );
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(`${out}.partial`)).toEqual(['FAILED.txt']);
      const alive = children.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive).toEqual([]);
    } finally {
      running.child.kill('SIGKILL');
    }
  });
});
