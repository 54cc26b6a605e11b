import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, runCli, repoRoot, type CliResult } from '../helpers/cli.ts';


/**
 * A valid EU868 LoRaWAN scenario; the cases below replace whole lines (numbered from 1) so
 * that the line numbers in the messages are known.
 */
const baseLines = [
  'name: probe', // 1
  'duration: 1min', // 2
  'region: eu868', // 3
  'framing: lorawan', // 4
  'collision: energy-sir', // 5
  'radio:', // 6
  '  sf: 7', // 7
  'groups:', // 8
  '  - name: gw', // 9
  '    role: sink', // 10
  '    nodes: [{ id: gw, xM: 0, yM: 0 }]', // 11
  '  - name: n', // 12
  '    count: 3', // 13
  '    placement: { shape: disc, radiusM: 100 }', // 14
  '    traffic: { kind: poisson, interval: 10s, payloadBytes: 10, to: sink }', // 15
];

function scenarioText(replacements: Readonly<Record<number, string>> = {}): string {
  return `${baseLines.map((line, i) => replacements[i + 1] ?? line).join('\n')}\n`;
}

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-cli-errors-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function writeScenario(text: string): string {
  const file = join(tmp, 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

/** Runs `loraswarm run <file> --out <tmp>/run ...extra` (in this process, or with `inChild` in a child process a timeout stops) and asserts what every user error shares. */
async function runExpectingInputError(file: string, extra: readonly string[] = [], inChild = false): Promise<string> {
  const out = join(tmp, 'run');
  const args = ['run', file, '--out', out, '--quiet', ...extra];
  const result: CliResult = inChild ? cli(args, 20_000) : await runCli(args);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^loraswarm: /);
  expect(result.stderr).not.toContain('    at ');
  expect(result.stderr).not.toContain('internal error');
  expect(existsSync(out)).toBe(false);
  expect(existsSync(`${out}.partial`)).toBe(false);
  return result.stderr;
}

/** A line of the message: `<file>:<line>:<column>: <key path>: <message>`. */
const at = (line: number, column: number, rest: string): RegExp => new RegExp(`^  .*scenario\\.yaml:${line}:${column}: ${rest}`, 'm');

describe('loraswarm run refuses bad scenario files with status 2', () => {
  it('runs the unedited base scenario (so each case below fails only because of its edit)', async () => {
    const out = join(tmp, 'run');
    const result = await runCli(['run', writeScenario(scenarioText()), '--out', out, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['frames.csv', 'nodes.csv', 'receptions.csv', 'report.html', 'scenario.yaml', 'series.csv', 'summary.json', 'timing.json']);
  });

  const cases: [label: string, replacements: Record<number, string>, expected: RegExp[]][] = [
    [
      'a YAML syntax error, with its line and column',
      { 3: 'region: @eu868' },
      [at(3, 9, 'expected valid YAML, found a syntax error: Plain value cannot start with reserved character @')],
    ],
    ['a duplicate key, as a YAML error on its line', { 1: 'duration: 2min' }, [at(2, 1, 'expected valid YAML, found a syntax error: Map keys must be unique')]],
    ['a string seed', { 1: 'seed: "abc"' }, [at(1, 1, 'seed: expected number, found "abc"')]],
    ['a string group count', { 13: '    count: "x"' }, [at(13, 5, 'groups\\[1\\]\\.count: expected number, found "x"')]],
    [
      'an unknown top-level key',
      { 1: 'bogus: 1' },
      [at(1, 1, 'bogus: unknown key "bogus" \\(not part of the scenario format; see `loraswarm schema`\\)')],
    ],
    ['an unknown nested key', { 7: '  spreadingFactor: 7' }, [at(7, 3, 'radio\\.spreadingFactor: unknown key "spreadingFactor"')]],
    ['SF13', { 7: '  sf: 13' }, [at(7, 3, 'radio\\.sf: expected a number ≤ 12, found 13')]],
    ['a negative duration', { 2: 'duration: -5' }, [at(2, 1, 'duration: expected duration > 0, found -5')]],
    [
      'a duration string without a unit',
      { 2: 'duration: "90"' },
      [at(2, 1, 'duration: expected duration as milliseconds or a string with a unit \\(ms, s, min, h, d\\), found "90"')],
    ],
    [
      "a group's channel outside every EU868 sub-band",
      { 14: '    placement: { shape: disc, radiusM: 100 }\n    radio: { channelsMhz: [868.1, 868.65] }' },
      [at(15, 35, 'groups\\[1\\]\\.radio\\.channelsMhz\\[1\\]: expected a channel inside a eu868 sub-band \\(.*\\), found 868\\.65 MHz$')],
    ],
    [
      'a scenario-wide channel outside every EU868 sub-band, at the key where it is written',
      { 7: '  channelsMhz: [868.1, 868.65]' },
      [at(7, 24, 'radio\\.channelsMhz\\[1\\]: expected a channel inside a eu868 sub-band \\(.*\\), found 868\\.65 MHz$')],
    ],
    [
      'txPowerDbm 20 in EU868 (EIRP limit 16 dBm), at the key where it is written',
      { 7: '  txPowerDbm: 20' },
      [at(7, 3, 'radio\\.txPowerDbm: expected EIRP \\(txPowerDbm \\+ antennaGainDbi\\) ≤ 16 dBm in eu868 sub-band g1 \\(868\\.0–868\\.6 MHz\\), found 20 dBm$')],
    ],
    [
      'SF12/125 kHz with LoRaWAN framing in US915',
      { 3: 'region: us915', 7: '  sf: 12' },
      [at(7, 3, 'radio\\.sf: expected a modulation allowed by lorawan framing in us915, found: us915 has no LoRaWAN data rate for SF12/125 kHz \\(allowed: SF10/125 kHz, .*\\)$')],
    ],
    [
      'SF6 under the energy-sir collision model (SF7–12)',
      { 3: 'region: none', 4: 'framing: raw', 6: 'radio: { sf: 6, implicitHeader: true }', 7: '# (radio is on the line above)' },
      [at(6, 10, 'radio\\.sf: expected SF7–12 for the energy-sir collision model, found SF6$')],
    ],
    [
      'more nodes than a disc holds at minSeparationM, before trying to place them',
      { 13: '    count: 500', 14: '    placement: { shape: disc, radiusM: 100, minSeparationM: 10 }' },
      [
        at(
          14,
          45,
          "groups\\[1\\]\\.placement\\.minSeparationM: expected at most 395 nodes 10 m apart within radius 100\\.0 m \\(the hexagonal packing bound, Oler's inequality: 2πR²/\\(√3·d²\\) \\+ πR/d \\+ 1\\), found count 500$",
        ),
      ],
    ],
    [
      'a node that cannot keep minSeparationM from the sink',
      { 13: '    count: 1', 14: '    placement: { shape: disc, radiusM: 5, minSeparationM: 10 }' },
      [at(14, 43, 'groups\\[1\\]\\.placement\\.minSeparationM: expected room for 1 node 10 m apart within radius 5\\.0 m, found none for node 0 after 10000 tries$')],
    ],
    [
      'traffic to: sink without a sink group',
      { 10: '    role: node' },
      [at(15, 64, 'groups\\[1\\]\\.traffic\\.to: expected a group with role: sink to send to, found none$')],
    ],
  ];

  it.each(cases)('refuses %s', async (_label, replacements, expected) => {
    const stderr = await runExpectingInputError(writeScenario(scenarioText(replacements)));
    expect(stderr).toMatch(/^loraswarm: invalid input\n/);
    for (const pattern of expected) expect(stderr).toMatch(pattern);
  });

  it('reports an EIRP violation once per group, not once per channel', async () => {
    const stderr = await runExpectingInputError(writeScenario(scenarioText({ 14: '    placement: { shape: disc, radiusM: 100 }\n    radio: { txPowerDbm: 17 }' })));
    const lines = stderr.split('\n').filter((line) => line.includes('expected EIRP'));
    expect(lines).toEqual([expect.stringMatching(/scenario\.yaml:15:14: groups\[1\]\.radio\.txPowerDbm: expected EIRP .* ≤ 16 dBm .*, found 17 dBm$/)]);
  });

  it.each([
    ['an alias to an anchor that does not exist', 'name: probe\nduration: *d\ngroups: []\n'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f'].map((key, i) => `${key}: &${key} [${Array(10).fill(`*${'abcde'[i]}`).join(', ')}]`).join('\n')}\n`],
  ])('refuses %s as invalid YAML, naming the file position', async (_label, text) => {
    // In a child process: an alias bomb that got through would not end.
    const stderr = await runExpectingInputError(writeScenario(text), [], true);
    expect(stderr).toMatch(/scenario\.yaml:\d+:\d+: .*alias/i);
  });

  it('refuses a missing file, naming it', async () => {
    const missing = join(tmp, 'missing.yaml');
    const stderr = await runExpectingInputError(missing);
    expect(stderr).toContain(`expected a readable scenario file at ${missing}, found no such file`);
  });

  it('refuses a directory given as the scenario', async () => {
    const stderr = await runExpectingInputError(tmp);
    expect(stderr).toContain(`expected a readable scenario file at ${tmp}, found a directory`);
  });
});

describe('loraswarm run refuses bad flags with status 2', () => {
  it.each([
    ['an unknown flag', ['--bogus'], /^loraswarm: unknown option '--bogus'.*expected one of: .*--seed/],
    ['a non-numeric --seed', ['--seed', 'abc'], /^loraswarm: --seed: expected a non-negative integer, found "abc"\n/],
    ['a negative --seed', ['--seed', '-1'], /^loraswarm: --seed: expected a non-negative integer, found "-1"\n/],
    ['--set without "="', ['--set', 'radio.sf'], /^ {2}--set: expected key\.path=value, found "radio\.sf"$/m],
    ['--set with an empty path segment', ['--set', 'radio..sf=7'], /^ {2}--set: expected key\.path=value, found "radio\.\.sf=7"$/m],
    ['--set of an unknown key', ['--set', 'radio.spreadingFactor=7'], /^ {2}radio\.spreadingFactor: unknown key "spreadingFactor" .*\(set by --set\)$/m],
    ['--set through a scalar', ['--set', 'duration.unit=ms'], /^ {2}duration: --set duration\.unit=ms: expected a mapping or list at duration, found "1min"$/m],
    ['--set of a name no item of a list has', ['--set', 'groups.first=1'], /^ {2}groups\.first: --set groups\.first=1: expected a list index or the name of an item \(.*\) after groups, found "first"$/m],
    ['--set with a value that is not YAML', ['--set', 'radio.sf=[7'], /^ {2}radio\.sf: --set: the value is not valid YAML \(.*\), found "\[7"$/m],
    ['--set of a wrongly typed value', ['--set', 'groups.1.count=many'], /^ {2}groups\[1\]\.count: expected number, found "many" \(set by --set\)$/m],
    ['--transport pigeon', ['--transport', 'pigeon'], /^loraswarm: --transport: expected "memory" or "mqtt", found "pigeon"/],
  ])('refuses %s', async (_label, flags, expected) => {
    const stderr = await runExpectingInputError(writeScenario(scenarioText()), flags);
    expect(stderr).toMatch(expected);
  });

  it('refuses --set through a name inside a list instead of ignoring it', async () => {
    const stderr = await runExpectingInputError(writeScenario(scenarioText()), ['--set', 'groups.first.count=3']);
    expect(stderr).toMatch(/groups\.first.*expected a list index.*found "first"/);
  });

  it('refuses --set __proto__.x as an unknown key instead of crashing', async () => {
    const stderr = await runExpectingInputError(writeScenario(scenarioText()), ['--set', '__proto__.polluted=1']);
    expect(stderr).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a --set list index far past the end in a few lines', async () => {
    const stderr = await runExpectingInputError(writeScenario(scenarioText()), ['--set', 'groups.1000.count=1']);
    expect(stderr).toMatch(/groups(\.|\[)1000/);
    expect(stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(5);
  });
});

describe('loraswarm validate', () => {
  const scenarioFiles = readdirSync(join(repoRoot, 'scenarios')).filter((name) => name.endsWith('.yaml')).sort();

  it('finds the shipped scenarios', () => {
    expect(scenarioFiles).toEqual(expect.arrayContaining(['aloha.yaml', 'city-sink.yaml']));
  });

  it.each(scenarioFiles)('accepts scenarios/%s with status 0', async (name) => {
    const result = await runCli(['validate', join('scenarios', name)]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^scenarios/${name.replace('.', '\\.')}: valid scenario ".+" \\(\\d+ nodes, \\d+ sinks?, `));
  });

  it('refuses a bad --set with status 2 and no stack trace', async () => {
    const result = await runCli(['validate', join('scenarios', 'aloha.yaml'), '--set', 'radio.sf=13']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^ {2}radio\.sf: expected a number ≤ 12, found 13 \(set by --set\)$/m);
    expect(result.stderr).not.toContain('    at ');
  });
});

describe('a reader that stops early', () => {
  it('ends the command quietly when the pipe closes (loraswarm schema | head), not with an EPIPE stack trace', () => {
    const result = spawnSync('sh', ['-c', 'node bin/loraswarm.js schema | head -c 10'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout).toBe('{\n  "$sche');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
