import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { parseOverride } from '../../src/scenario/overrides.ts';
import { expandSweep, flattenSummary, maxSweepCombinations, parseSweepSet, sweepCsv, type SweepRow } from '../../src/run/sweep.ts';

const fuzzSeed = 20240611;

/** The messages of the InputError that `run` throws, or a failure if it throws none. */
function inputErrorOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.issues.map((issue) => `${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    throw error;
  }
  throw new Error('expected an InputError, found none');
}

describe('expandSweep', () => {
  it('expandSweep(["a=1,2", "b=x,y", "c=0"]) is the cartesian product, the first flag varying slowest, c set in every run', () => {
    expect(expandSweep(['a=1,2', 'b=x,y', 'c=0'])).toEqual([
      { sets: ['a=1', 'b=x', 'c=0'], swept: [{ key: 'a', value: '1' }, { key: 'b', value: 'x' }] },
      { sets: ['a=1', 'b=y', 'c=0'], swept: [{ key: 'a', value: '1' }, { key: 'b', value: 'y' }] },
      { sets: ['a=2', 'b=x', 'c=0'], swept: [{ key: 'a', value: '2' }, { key: 'b', value: 'x' }] },
      { sets: ['a=2', 'b=y', 'c=0'], swept: [{ key: 'a', value: '2' }, { key: 'b', value: 'y' }] },
    ]);
  });

  it('gives one combination with no overrides for no flags, and passes single values through verbatim', () => {
    expect(expandSweep([])).toEqual([{ sets: [], swept: [] }]);
    expect(expandSweep(['duration= 2min', 'groups.1.count=5'])).toEqual([{ sets: ['duration= 2min', 'groups.1.count=5'], swept: [] }]);
  });

  it('keeps the flags in their order, so a sweep of groups.1.count still overrides after a plain groups.1 set before it', () => {
    expect(expandSweep(['groups.1={count: 1}', 'groups.1.count=10,20']).map((combination) => combination.sets)).toEqual([
      ['groups.1={count: 1}', 'groups.1.count=10'],
      ['groups.1={count: 1}', 'groups.1.count=20'],
    ]);
  });

  it('expands 100 × 100 values to exactly 10000 combinations, the limit', () => {
    const values = Array.from({ length: 100 }, (_, i) => i).join(',');
    const combinations = expandSweep([`a=${values}`, `b=${values}`]);
    expect(combinations).toHaveLength(maxSweepCombinations);
    expect(combinations[9999]!.sets).toEqual(['a=99', 'b=99']);
  });

  it('refuses 101 × 100 combinations, naming each swept key and its count, before making any', () => {
    const values = (n: number): string => Array.from({ length: n }, (_, i) => i + 1).join(',');
    expect(inputErrorOf(() => expandSweep([`duration=${values(101)}`, `groups.1.count=${values(100)}`]))).toEqual([
      '--set: expected at most 10000 combinations, found 10100 (duration: 101 × groups.1.count: 100)',
    ]);
  });

  it('refuses a swept key that another --set sets again, since one of them would be lost', () => {
    expect(inputErrorOf(() => expandSweep(['radio.sf=7,8', 'radio.sf=9']))).toEqual(['radio.sf: --set radio.sf=7,8: expected a swept key to be set once, found it again in --set radio.sf=9']);
    expect(inputErrorOf(() => expandSweep(['a=1', 'a=2,3']))).toEqual(['a: --set a=2,3: expected a swept key to be set once, found it again in --set a=1']);
  });
});

describe('parseSweepSet', () => {
  it('splits at commas and trims each value', () => {
    expect(parseSweepSet('groups.1.count=10, 20 ,30')).toEqual({ key: 'groups.1.count', values: ['10', '20', '30'], text: 'groups.1.count=10, 20 ,30' });
  });

  it('keeps commas inside YAML flow collections and quotes, and treats a quote inside a word as part of it', () => {
    expect(parseSweepSet('radio.channelsMhz=[868.1],[868.1, 868.3]').values).toEqual(['[868.1]', '[868.1, 868.3]']);
    expect(parseSweepSet('x={a: [1,2], b: "c,d"},[3]').values).toEqual(['{a: [1,2], b: "c,d"}', '[3]']);
    expect(parseSweepSet(`name="a,\\"b",'c,''d',e`).values).toEqual([`"a,\\"b"`, `'c,''d'`, 'e']);
    expect(parseSweepSet("name=it's,a[1],b").values).toEqual(["it's", 'a[1]', 'b']);
  });

  it('refuses a flag without "=" with the message `loraswarm run` gives', () => {
    expect(inputErrorOf(() => parseSweepSet('groups.1.count'))).toEqual(['--set: expected key.path=value, found "groups.1.count"']);
    expect(inputErrorOf(() => parseSweepSet('=1,2'))).toEqual(['--set: expected key.path=value, found "=1,2"']);
  });

  it('refuses an empty value between commas, saying which', () => {
    expect(inputErrorOf(() => parseSweepSet('a=1,,2'))).toEqual(['a: --set a=1,,2: expected a value between every two commas, found an empty value (value 2 of 3)']);
    expect(inputErrorOf(() => parseSweepSet('a=1, '))).toEqual(['a: --set a=1, : expected a value between every two commas, found an empty value (value 2 of 2)']);
  });

  it('refuses a value that is not YAML, naming the whole flag', () => {
    expect(inputErrorOf(() => parseSweepSet('a=1,"x'))[0]).toMatch(/^a: --set: the value is not valid YAML \(.*\), found "\\"x" \(in --set a=1,"x\)$/);
  });
});

describe('flattenSummary', () => {
  it('lists scalar leaves with dot paths in key order, keeps nulls and leaves lists out', () => {
    expect(flattenSummary({ schema: 's', der: null, frames: { sent: 3, fates: { received: 2 } }, ok: true, perNode: [{ id: 'a' }], offeredLoad: { '868.1': 0.5 } })).toEqual([
      ['schema', 's'],
      ['der', null],
      ['frames.sent', 3],
      ['frames.fates.received', 2],
      ['ok', true],
      ['offeredLoad.868.1', 0.5],
    ]);
  });
});

describe('sweepCsv', () => {
  const row = (run: number, value: string, seed: number, summary: Record<string, unknown>): SweepRow => ({ run, swept: [{ key: 'radio.sf', value }], seed, summary });

  it('writes run, the swept keys, seed, then the summary leaves in the first run\'s order, later keys appended', () => {
    const csv = sweepCsv([
      row(1, '7', 1, { seed: 1, der: null, frames: { sent: 3 }, airtimeMs: { bySf: { SF7: 1.5 } } }),
      row(2, '8', 1, { seed: 1, der: 0.5, frames: { sent: 4 }, airtimeMs: { bySf: { SF8: 2 } }, flag: false }),
    ]);
    expect(csv).toBe('run,radio.sf,seed,der,frames.sent,airtimeMs.bySf.SF7,airtimeMs.bySf.SF8,flag\n1,7,1,,3,1.5,,\n2,8,1,0.5,4,,2,false\n');
  });

  it('gives a figure that is null in some runs and an object in others its leaves\' columns only, empty where null (no stray column)', () => {
    const csv = sweepCsv([
      row(1, '7', 1, { accuracy: { final: 0.8, toTarget: null } }),
      row(2, '8', 1, { accuracy: { final: 0.9, toTarget: { round: 3, joules: 12.5 } } }),
    ]);
    expect(csv).toBe('run,radio.sf,seed,accuracy.final,accuracy.toTarget.round,accuracy.toTarget.joules\n1,7,1,0.8,,\n2,8,1,0.9,3,12.5\n');
    // Null in every run: nothing says what it would hold; its one empty column stays.
    expect(sweepCsv([row(1, '7', 1, { accuracy: { toTarget: null } })])).toBe('run,radio.sf,seed,accuracy.toTarget\n1,7,1,\n');
  });

  it('quotes values with commas and gives a swept seed one column, holding each run\'s actual seed', () => {
    const csv = sweepCsv([{ run: 1, swept: [{ key: 'seed', value: '5' }, { key: 'radio.channelsMhz', value: '[868.1,868.3]' }], seed: 6, summary: { seed: 6 } }]);
    expect(csv).toBe('run,seed,radio.channelsMhz\n1,6,"[868.1,868.3]"\n');
  });
});

describe('the sweep flag parser on generated input', () => {
  const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,5}$/);
  const plain = fc.stringMatching(/^[A-Za-z0-9_.-]{1,6}$/).filter((text) => text !== '-');
  const flow = fc.array(fc.integer({ min: -99, max: 99 }), { maxLength: 4 }).map((items) => `[${items.join(',')}]`);
  const quoted = fc.string({ unit: fc.constantFrom(...'ab ,[]{}\'"\\'.split('')), maxLength: 8 }).map((text) => JSON.stringify(text));
  const value = fc.oneof(plain, flow, quoted);

  it('expandSweep gives exactly the product of the values, in odometer order, each combination once, for any keys and distinct values', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.uniqueArray(value, { minLength: 1, maxLength: 4 })), { selector: ([name]) => name, maxLength: 4 }), (axes) => {
        const flags = axes.map(([name, values]) => `${name}=${values.join(',')}`);
        const expected = axes.reduce<string[][]>(
          (prefixes, [name, values]) => prefixes.flatMap((prefix) => (values.length > 1 ? values.map((v) => [...prefix, `${name}=${v}`]) : [[...prefix, `${name}=${values[0]!}`]])),
          [[]],
        );
        const combinations = expandSweep(flags);
        expect(combinations.map((combination) => combination.sets)).toEqual(expected);
        const swept = axes.filter(([, values]) => values.length > 1).map(([name]) => name);
        for (const combination of combinations) expect(combination.swept.map((entry) => entry.key)).toEqual(swept);
        expect(new Set(combinations.map((combination) => combination.sets.join('\n'))).size).toBe(combinations.length);
      }),
      { seed: fuzzSeed, numRuns: 300 },
    );
  });

  it('parseSweepSet gives back the values that were joined, quoted commas and flow lists included', () => {
    fc.assert(
      fc.property(key, fc.array(value, { minLength: 2, maxLength: 5 }), (name, values) => {
        expect(parseSweepSet(`${name}=${values.join(',')}`).values).toEqual(values);
      }),
      { seed: fuzzSeed, numRuns: 500 },
    );
  });

  it('parseSweepSet either returns values that each make a valid override or throws InputError, for any text', () => {
    const unit = fc.constantFrom(...'ab1.=,[]{}"\'\\ :-'.split(''));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (text) => {
        let set;
        try {
          set = parseSweepSet(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          return;
        }
        expect(set.values.length).toBeGreaterThan(0);
        if (!text.includes(',')) expect(set.values).toHaveLength(1);
        if (set.values.length > 1) {
          for (const v of set.values) {
            expect(v).not.toBe('');
            expect(v).toBe(v.trim());
            expect(() => parseOverride(`${set.key}=${v}`)).not.toThrow();
          }
        }
      }),
      { seed: fuzzSeed, numRuns: 2000 },
    );
  });
});
