import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';


/** Rounds to the microsecond, the precision of every published vector. */
const us = (ms: number): number => Math.round(ms * 1000) / 1000;

// Rows of test/radio/airtime.test.ts, which names each row's published source; payload symbols
// worked by hand from the datasheet formulas (SX1276 §4.1.1.7, SX1261/2 §6.1.4, SX1280 §7.4.4).
const vectors: [label: string, args: string[], airtimeMs: number, payloadSymbols: number][] = [
  ['A SF7/125 CR4/5 10 B', ['--sf', '7', '--bw', '125', '--cr', '4/5', '--bytes', '10'], 41.216, 28],
  ['D SF9/125 CR4/5 59 B', ['--sf', '9', '--bytes', '59'], 369.664, 78],
  ['G SF12/125 CR4/5 50 B LDRO', ['--sf', '12', '--bytes', '50'], 2301.952, 58],
  ['H SF12/125 CR4/8 20 B LDRO', ['--sf', '12', '--bw', '125', '--cr', '4/8', '--bytes', '20'], 1712.128, 40],
  ['K SF10/250 CR4/6 10 B no CRC', ['--sf', '10', '--bw', '250', '--cr', '4/6', '--bytes', '10', '--no-crc'], 132.096, 20],
  ['L SF12/250 CR4/6 10 B no CRC LDRO', ['--sf', '12', '--bw', '250', '--cr', '4/6', '--bytes', '10', '--no-crc'], 528.384, 20],
  ['SF12/250 50 B with LDRO forced off', ['--sf', '12', '--bw', '250', '--bytes', '50', '--ldro', 'off'], 1069.056, 53],
  ['SX126x SF5/500 CR4/5 10 B pre 12', ['--chip', 'sx126x', '--sf', '5', '--bw', '500', '--bytes', '10', '--preamble', '12'], 3.28, 33],
  ['SX128x SF5/406.25 CR4/5 50 B', ['--chip', 'sx128x', '--sf', '5', '--bw', '406.25', '--bytes', '50'], 10.023, 113],
  [
    'SX128x SF12/812.5 CR4/7 10 B pre 16 implicit',
    ['--chip', 'sx128x', '--sf', '12', '--bw', '812.5', '--cr', '4/7', '--bytes', '10', '--preamble', '16', '--implicit'],
    212.992,
    22,
  ],
];

describe('loraswarm airtime', () => {
  const rows = vectors.map(([label, args, airtimeMs, payloadSymbols]) => ({ label, args, airtimeMs, payloadSymbols }));

  it.each(rows)('--json gives $label as $airtimeMs ms and $payloadSymbols payload symbols', async ({ args, airtimeMs, payloadSymbols }) => {
    const result = await runCli(['airtime', ...args, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!) as { airtimeMs: number; payloadSymbols: number };
    expect(us(json.airtimeMs)).toBe(airtimeMs);
    expect(json.payloadSymbols).toBe(payloadSymbols);
  });

  it('prints 1712.128 ms in text mode for SF12/125 kHz, CR 4/8, 20 bytes', async () => {
    const result = await runCli(['airtime', '--sf', '12', '--bw', '125', '--cr', '4/8', '--bytes', '20']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^1712\.128 ms time on air \(SF12\/125 kHz, CR 4\/8, 20 bytes, .*40 payload symbols of 32\.768 ms, LDRO on\)\n$/);
  });

  it('refuses SF6 without --implicit on sx127x with status 2, naming the implicit header', async () => {
    const result = await runCli(['airtime', '--sf', '6', '--bytes', '10']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^loraswarm: airtime: SF6 on sx127x requires an implicit header/);
    expect(result.stderr).not.toContain('    at ');
  });

  it('accepts SF6 with --implicit on sx127x (20.608 ms for 10 bytes at 125 kHz)', async () => {
    const result = await runCli(['airtime', '--sf', '6', '--bytes', '10', '--implicit', '--json']);
    expect(result.status).toBe(0);
    expect(us((JSON.parse(result.stdout) as { airtimeMs: number }).airtimeMs)).toBe(20.608);
  });

  it.each([
    ['--bytes abc', ['--sf', '7', '--bytes', 'abc'], /^loraswarm: --bytes: expected an integer, found "abc"$/m],
    ['--cr 4/9', ['--sf', '7', '--bytes', '10', '--cr', '4/9'], /^loraswarm: --cr: expected 4\/5, 4\/6, 4\/7 or 4\/8, found "4\/9"$/m],
    ['--chip sx9999', ['--sf', '7', '--bytes', '10', '--chip', 'sx9999'], /^loraswarm: --chip: expected one of sx127x, .*, found "sx9999"$/m],
  ])('refuses %s with status 2', async (_label, args, expected) => {
    const result = await runCli(['airtime', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toContain('    at ');
  });
});

describe('loraswarm schema', () => {
  it('prints a JSON Schema whose properties include groups, radio, duration, seed, region and collision', async () => {
    const result = await runCli(['schema']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const schema = JSON.parse(result.stdout) as { $schema: string; title: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('loraswarm scenario');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['groups', 'radio', 'duration', 'seed', 'region', 'collision']));
    expect(schema.required).toEqual(expect.arrayContaining(['duration', 'groups']));
  });
});
