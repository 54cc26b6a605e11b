/**
 * Issue 15: 10,000 seeded mutations of the shipped scenarios, extreme values included, each
 * either accepted (and then estimated without error) or refused with input issues, within a
 * time bound, never with another exception. The few mutations that make runs of extreme size
 * (a million nodes, a century, sampling every millisecond) are tried one by one below, since
 * placing a million nodes is seconds, not milliseconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { loadScenarioText } from '../../src/scenario/loader.ts';
import { parseOverride, type Override } from '../../src/scenario/overrides.ts';
import { resolveSwarm } from '../../src/scenario/resolve.ts';
import { estimateProblems, estimateRun } from '../../src/run/run-estimate.ts';

const names = readdirSync(new URL('../../scenarios/', import.meta.url)).filter((name) => name.endsWith('.yaml')).sort();
const texts = names.map((name) => readFileSync(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8'));
const machine = { memoryBytes: 8 * 2 ** 30, freeDiskBytes: 100 * 2 ** 30 };

/** Keys a user sets, and values from ordinary to absurd (sizes kept where a case stays fast). */
const mutations: readonly (readonly [string, readonly string[]])[] = [
  ['duration', ['0', '1ms', '1min', '6h', '1d', '30d', '-1s', 'abc', '1e308', '100y', '2h30']],
  ['seed', ['0', '-1', '1.5', '9007199254740993', 'x', '42']],
  ['sampling.interval', ['1ms', '1s', '10min', '0', '-5min', '1d']],
  ['groups.0.count', ['0', '1', '3', '-1', '1.5', '20000', 'many']],
  ['groups.1.count', ['0', '1', '10', '2000', '-3', '2.5', '1e3']],
  ['groups.1.traffic.interval', ['0', '1ms', '1s', '10min', '-1s', '1e9']],
  ['groups.1.traffic.payloadBytes', ['0', '1', '12', '255', '256', '100000', '-1']],
  ['groups.1.placement.radiusM', ['0', '1e-9', '10', '4000', '1e9', '-5', 'auto']],
  ['groups.1.placement.minSeparationM', ['0', '1', '50', '1e6', '-1']],
  ['radio.sf', ['5', '7', '12', '13', 'auto', '0', 'x']],
  ['radio.bandwidthKhz', ['7.8', '125', '250', '500', '0', '123']],
  ['radio.txPowerDbm', ['-10', '0', '14', '27', '100']],
  ['region', ['eu868', 'us915', 'as923', 'mars']],
  ['collision', ['aloha', 'lorasim', 'energy-sir', 'croce', 'none']],
  ['shadowing.sigmaDb', ['0', '4', '30', '-1']],
  ['framing', ['raw', 'lorawan', 'tcp']],
];

function attempt(text: string, overrides: readonly Override[]): 'ok' | 'input-error' {
  try {
    const loaded = loadScenarioText(text, { file: 'mutation.yaml', overrides });
    const swarm = resolveSwarm(loaded.scenario, loaded.locate);
    const estimate = estimateRun(loaded.scenario, swarm);
    for (const value of Object.values(estimate)) expect(Number.isFinite(value) && value >= 0).toBe(true);
    expect(Array.isArray(estimateProblems(estimate, machine))).toBe(true);
    return 'ok';
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) expect(issue.message.trim()).not.toBe('');
    return 'input-error';
  }
}

/** The overrides, or the InputError a bad one gives (`--set` itself refuses it: exit 2). */
function overridesOf(sets: readonly string[]): Override[] | 'input-error' {
  try {
    return sets.map(parseOverride);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return 'input-error';
  }
}

describe('scenario mutations', () => {
  it('accept or refuse each of 10,000 mutations of the shipped scenarios with input issues, each within 5 s', () => {
    const mutation = fc.constantFrom(...mutations).chain(([key, values]) => fc.constantFrom(...values).map((value) => `${key}=${value}`));
    const outcomes = { ok: 0, 'input-error': 0 };
    let slowestMs = 0;
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, sets) => {
        const started = performance.now();
        const overrides = overridesOf(sets);
        outcomes[overrides === 'input-error' ? 'input-error' : attempt(texts[base]!, overrides)]++;
        slowestMs = Math.max(slowestMs, performance.now() - started);
      }),
      { seed: 15, numRuns: 10_000 },
    );
    expect(outcomes.ok + outcomes['input-error']).toBe(10_000);
    // Both kinds occur: the mutations are neither all harmless nor all refused.
    expect(outcomes.ok).toBeGreaterThan(1000);
    expect(outcomes['input-error']).toBeGreaterThan(1000);
    expect(slowestMs).toBeLessThan(5000);
  }, 300_000);

  it('estimates the extreme sizes quickly and says which bound each passes', () => {
    const aloha = readFileSync(new URL('../../scenarios/aloha.yaml', import.meta.url), 'utf8');
    const cases: [string[], 'ok' | 'input-error', RegExp | undefined][] = [
      // A century: more messages than a run may hold (the schema's bound).
      [['duration=36500d'], 'input-error', undefined],
      // Sampling every millisecond for a day: 8.7 billion series rows.
      [['duration=1d', 'sampling.interval=1ms'], 'ok', /series\.csv would have ~8\.7G rows/],
      // 200,000 quiet nodes: ~4.1 GiB expected, within 80 % of an 8 GiB machine.
      [['groups.1.count=200000', 'groups.1.traffic.interval=1d'], 'ok', undefined],
    ];
    for (const [sets, expected, problem] of cases) {
      const started = performance.now();
      let problems: string[] = [];
      let outcome: 'ok' | 'input-error';
      try {
        const loaded = loadScenarioText(aloha, { file: 'aloha.yaml', overrides: sets.map(parseOverride) });
        problems = estimateProblems(estimateRun(loaded.scenario, resolveSwarm(loaded.scenario, loaded.locate)), machine);
        outcome = 'ok';
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        outcome = 'input-error';
      }
      expect(outcome, sets.join(' ')).toBe(expected);
      if (problem) expect(problems.join('\n')).toMatch(problem);
      else expect(problems).toEqual([]);
      expect(performance.now() - started, sets.join(' ')).toBeLessThan(20_000);
    }
  }, 60_000);
});
