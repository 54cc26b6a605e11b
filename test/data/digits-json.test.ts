/**
 * The digit files' scan (src/data/digits-json.ts): every value of the `mnist` package as
 * JSON.parse and Float32Array.from give it, and undefined for what is not plain decimals.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanDigitsJson } from '../../src/data/digits-json.ts';

const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
const scan = (text: string): Float32Array | undefined => scanDigitsJson(Buffer.from(text, 'latin1'));

describe('digit files scanned as decimals', () => {
  it('gives every value of the package to the bit, as JSON.parse does', () => {
    for (let digit = 0; digit < 10; digit++) {
      const bytes = readFileSync(join(dir, `${digit}.json`));
      const scanned = scanDigitsJson(bytes)!;
      const parsed = Float32Array.from((JSON.parse(bytes.toString('utf8')) as { data: number[] }).data);
      expect(scanned.length, `digit ${digit}`).toBe(parsed.length);
      expect(Buffer.from(scanned.buffer).equals(Buffer.from(parsed.buffer)), `digit ${digit}`).toBe(true);
    }
  });

  it('reads decimals of up to 15 digits exactly, with spaces and line breaks', () => {
    const values = ['0', '1', '0.1', '0.333', '0.992', '123.456789012345', '0.00000000000001'];
    const text = `{ "data": [ ${values.join(',\n ')} ] }\n`;
    expect(Array.from(scan(text)!)).toEqual(Array.from(Float32Array.from(values.map(Number))));
  });

  it.each([
    ['a sign', '{"data":[0,-0.5]}'],
    ['an exponent', '{"data":[1e-3]}'],
    ['more than 15 digits', '{"data":[0.1234567890123456]}'],
    ['a trailing dot', '{"data":[1.]}'],
    ['a leading dot', '{"data":[.5]}'],
    ['an empty value', '{"data":[1,,2]}'],
    ['an empty array', '{"data":[]}'],
    ['another key', '{"labels":[1],"data":[1]}'],
    ['something after the object', '{"data":[1]} x'],
    ['no array', '{"data":1}'],
  ])('declines %s (the caller parses the file as JSON)', (_, text) => {
    expect(scan(text)).toBeUndefined();
  });
});
