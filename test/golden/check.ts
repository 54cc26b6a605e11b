/**
 * A quick look at the golden results while refactoring (`npm run golden:check [case…]`): runs
 * the cases over the memory transport only and prints, per case, whether every result file is
 * byte-identical to its golden file, and where the first difference is. The test
 * (test/e2e/golden.test.ts) is the authority; this is for the edit-run loop.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli } from '../helpers/cli.ts';
import { goldenCases, goldenDir, notGolden } from './cases.ts';

const only = process.argv.slice(2);
const scratch = mkdtempSync(join(tmpdir(), 'loraswarm-golden-check-'));
let failures = 0;
try {
  for (const golden of goldenCases) {
    if (only.length > 0 && !only.includes(golden.name)) continue;
    const out = join(scratch, golden.name);
    const started = performance.now();
    const result = cli(['run', golden.file, ...golden.sets.flatMap((set) => ['--set', set]), '--transport', 'memory', '--out', out, '--quiet'], 600_000);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.status !== 0) {
      failures++;
      console.log(`${golden.name}: exit ${result.status}\n${result.stderr}`);
      continue;
    }
    const problems: string[] = [];
    const files = readdirSync(out).filter((file) => !notGolden.has(file)).sort();
    const stored = readdirSync(join(goldenDir, golden.name)).map((file) => file.replace(/\.gz$/, '')).sort();
    if (files.join() !== stored.join()) problems.push(`files ${files.join(', ')}; golden ${stored.join(', ')}`);
    for (const file of files.filter((f) => stored.includes(f))) {
      const expected = gunzipSync(readFileSync(join(goldenDir, golden.name, `${file}.gz`))).toString('utf8').split('\n');
      const found = readFileSync(join(out, file), 'utf8').split('\n');
      const line = expected.findIndex((text, i) => text !== found[i]);
      if (line >= 0 || found.length !== expected.length) {
        const at = line >= 0 ? line : Math.min(found.length, expected.length);
        problems.push(`${file} line ${at + 1}:\n    golden: ${expected[at] ?? '(end)'}\n    found:  ${found[at] ?? '(end)'}`);
      }
    }
    if (problems.length > 0) failures++;
    console.log(`${golden.name} (${seconds} s): ${problems.length === 0 ? 'identical' : `DIFFERS\n  ${problems.join('\n  ')}`}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = failures > 0 ? 1 : 0;
