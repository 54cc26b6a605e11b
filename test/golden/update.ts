/**
 * Regenerates the golden result files (`npm run golden:update [case…]`): runs each case of
 * cases.ts over the memory transport and stores its result files, gzip-compressed, under
 * test/golden/<case>/. Commit the change on its own, saying which results changed and why.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cli } from '../helpers/cli.ts';
import { goldenCases, goldenDir, notGolden } from './cases.ts';

const only = process.argv.slice(2);
const unknown = only.filter((name) => !goldenCases.some((c) => c.name === name));
if (unknown.length > 0) {
  console.error(`unknown golden case${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${goldenCases.map((c) => c.name).join(', ')})`);
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'loraswarm-golden-'));
try {
  for (const golden of goldenCases) {
    if (only.length > 0 && !only.includes(golden.name)) continue;
    const out = join(scratch, golden.name);
    const result = cli(['run', golden.file, ...golden.sets.flatMap((set) => ['--set', set]), '--transport', 'memory', '--out', out, '--quiet'], 600_000);
    if (result.status !== 0) throw new Error(`${golden.name}: loraswarm run exited ${result.status}:\n${result.stderr}`);
    const target = join(goldenDir, golden.name);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const files = readdirSync(out).filter((file) => !notGolden.has(file)).sort();
    for (const file of files) writeFileSync(join(target, `${file}.gz`), gzipSync(readFileSync(join(out, file)), { level: 9 }));
    console.log(`${golden.name}: ${files.join(', ')}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
