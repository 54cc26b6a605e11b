/**
 * The golden results: every shipped scenario at full size and every fixture of
 * test/golden/cases.ts, run with `loraswarm run` (its command, in this process, with the
 * options its command line gives) over memory and over the embedded broker. The
 * two runs write the same bytes (report.html included), and those bytes are the committed
 * golden files (test/golden/<case>/, gzip-compressed): any change to a result, however small,
 * fails here until it is regenerated on purpose (`npm run golden:update`).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { goldenCases, goldenDir, notGolden } from '../golden/cases.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-golden-'));
/** The defaults `loraswarm run`'s command line gives (src/cli/main.ts). */
const runDefaults = { compress: 'auto', joinTimeout: '120', reconnectTimeout: '60' } as const;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where two texts first differ, as a line a person can read. */
function firstDifference(expected: string, found: string): string {
  const a = expected.split('\n');
  const b = found.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  golden: ${a[i] ?? '(end of file)'}\n  found:  ${b[i] ?? '(end of file)'}`;
  }
  return 'no difference';
}

describe('golden results', () => {
  it('has golden files for every case, and no others', () => {
    const stored = readdirSync(goldenDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    expect(stored).toEqual(goldenCases.map((c) => c.name).sort());
  });

  it.each(goldenCases.map((c) => [c.name, c] as const))('%s: memory and the embedded broker write the golden bytes', { timeout: 180_000 }, async (_name, golden) => {
    const runs: string[] = [];
    for (const transport of ['memory', 'mqtt'] as const) {
      const out = join(dir, `${golden.name}-${transport}`);
      // `loraswarm run` in this process, with the options its command line gives (a child
      // process per run cost a Node start and the TypeScript transform each, 40 times).
      let printed = '';
      let noted = '';
      await runCommand(golden.file, { ...runDefaults, set: golden.sets, transport, out, quiet: true }, (text) => void (printed += text), (text) => void (noted += text));
      expect(noted, transport).toBe('');
      expect(printed, transport).toBe('');
      runs.push(out);
    }
    const files = readdirSync(runs[0]!).filter((file) => file !== 'timing.json').sort();
    expect(readdirSync(runs[1]!).filter((file) => file !== 'timing.json').sort()).toEqual(files);
    for (const file of files) {
      expect(readFileSync(join(runs[1]!, file), 'utf8') === readFileSync(join(runs[0]!, file), 'utf8'), `${file}: MQTT wrote other bytes than memory`).toBe(true);
    }
    const target = join(goldenDir, golden.name);
    expect(readdirSync(target).sort()).toEqual(files.filter((file) => !notGolden.has(file)).map((file) => `${file}.gz`));
    for (const file of files) {
      if (notGolden.has(file) || !existsSync(join(target, `${file}.gz`))) continue;
      const expected = gunzipSync(readFileSync(join(target, `${file}.gz`))).toString('utf8');
      const found = readFileSync(join(runs[0]!, file), 'utf8');
      if (found !== expected) expect.fail(`${golden.name}/${file} differs from its golden file at ${firstDifference(expected, found)}`);
    }
  });
});
