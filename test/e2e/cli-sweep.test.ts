import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliResult } from '../helpers/cli.ts';
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
function succeed(args: readonly string[]): CliResult {
  const result = cli(args);
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

  beforeAll(() => {
    out = join(tmp, 'a');
    result = succeed([...sweepArgs, '--out', out]);
    // The sweep's last run, as a single run (on the default transport, MQTT).
    succeed(['run', 'scenarios/aloha.yaml', '--set', 'duration=2min', '--set', 'groups.1.count=20', '--seed', '2', '--out', join(tmp, 'single'), '--quiet']);
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

  it('prints a table of the runs with headline metrics and the CSV path, and one line per finished run on stderr', () => {
    expect(result.stdout).toBe(
      [
        'sweep aloha: 4 runs (2 combinations × 2 seeds), memory transport',
        'run  groups.1.count  seed  frames.sent  der       messages.latencyMs.p95  energyJ.total  nodes.died',
        '1    10              1     33           1         113.896                 50.524446      0',
        '2    10              2     36           0.944444  113.896                 50.560211      0',
        '3    20              1     63           0.936508  113.896                 96.455761      0',
        '4    20              2     64           0.90625   113.896                 96.467682      0',
        `results in ${join(out, 'sweep.csv')}`,
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('run 1/4 done\nrun 2/4 done\nrun 3/4 done\nrun 4/4 done\n');
  });

  it('writes a byte-identical sweep.csv when run again, and with --keep-runs replacing an earlier sweep', () => {
    const again = join(tmp, 'again');
    expect(succeed([...sweepArgs, '--out', again, '--quiet']).stdout).toBe('');
    expect(read(join(again, 'sweep.csv'))).toBe(read(join(out, 'sweep.csv')));
    // Into the same directory: the earlier sweep is replaced, now with every run's directory.
    succeed([...sweepArgs, '--out', again, '--keep-runs', '--quiet']);
    expect(read(join(again, 'sweep.csv'))).toBe(read(join(out, 'sweep.csv')));
    expect(readdirSync(again).sort()).toEqual(['runs', 'sweep.csv']);
    expect(readdirSync(join(again, 'runs')).sort()).toEqual(['1', '2', '3', '4']);
    for (const run of ['1', '2', '3', '4']) expect(readdirSync(join(again, 'runs', run)).sort()).toEqual(runFiles);
    expect(read(join(again, 'runs', '4', 'summary.json'))).toBe(read(join(tmp, 'single', 'summary.json')));
  });
});

describe('loraswarm sweep refuses bad input with status 2 and writes nothing', () => {
  const refuse = (extra: readonly string[]): string => {
    const out = join(tmp, 'refused');
    const result = cli(['sweep', 'scenarios/aloha.yaml', '--set', 'duration=1min', ...extra, '--out', out]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    return result.stderr;
  };

  it('a --set without "="', () => {
    expect(refuse(['--set', 'groups.1.count'])).toBe('loraswarm: invalid input\n  --set: expected key.path=value, found "groups.1.count"\n');
  });

  it('an empty value in a list', () => {
    expect(refuse(['--set', 'groups.1.count=1,,2'])).toBe(
      'loraswarm: invalid input\n  groups.1.count: --set groups.1.count=1,,2: expected a value between every two commas, found an empty value (value 2 of 3)\n',
    );
  });

  it('a value the scenario schema rejects, naming the run and its combination, though the first run is valid', () => {
    expect(refuse(['--set', 'radio.sf=7,13'])).toBe('loraswarm: invalid input\n  in sweep run 2 of 2 (radio.sf=13):\n  radio.sf: expected a number ≤ 12, found 13 (set by --set)\n');
  });

  it('--repeats that is not a whole number ≥ 1', () => {
    expect(refuse(['--repeats', '0'])).toBe('loraswarm: --repeats: expected a whole number ≥ 1, found "0"\n');
    expect(refuse(['--repeats', '1.5'])).toBe('loraswarm: --repeats: expected a whole number ≥ 1, found "1.5"\n');
  });

  it('more than 10000 combinations', () => {
    const values = (n: number): string => Array.from({ length: n }, (_, i) => i + 1).join(',');
    expect(refuse(['--set', `groups.1.count=${values(101)}`, '--set', `seed=${values(100)}`])).toBe(
      'loraswarm: invalid input\n  --set: expected at most 10000 combinations, found 10100 (groups.1.count: 101 × seed: 100)\n',
    );
  });

  it('an --out directory holding other files, which it leaves untouched', () => {
    const foreign = join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine\n');
    const result = cli(['sweep', 'scenarios/aloha.yaml', '--set', 'duration=1min', '--set', 'groups.1.count=1,2', '--out', foreign]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^loraswarm: --out: expected a new directory, an empty one or an earlier loraswarm run at .*foreign, found a directory with other files \(notes\.txt\); it is left untouched\n$/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    expect(existsSync(`${foreign}.partial`)).toBe(false);
  });
});
