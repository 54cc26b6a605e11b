/**
 * An internal error's stack trace points at the TypeScript sources without Node's source maps
 * (src/cli/stack-sources.ts): each frame in a bundle file is looked up in its linked map.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceMappedStack } from '../../src/cli/stack-sources.ts';
import { repoRoot } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sourceMappedStack', () => {
  it('replaces the places its maps know, by URL or path, and leaves every other line as it is', () => {
    mkdirSync(join(dir, 'dist'));
    // Generated line 1 maps to a.ts line 1, generated line 2 to a.ts line 2, each one segment from
    // column 0: a place within a segment is the segment's start in the source, as Node maps it.
    writeFileSync(join(dir, 'dist', 'x.mjs.map'), JSON.stringify({ version: 3, sources: ['../src/a.ts'], names: [], mappings: 'AAAA;AACA' }));
    writeFileSync(join(dir, 'dist', 'bad.mjs.map'), '{ not json');
    const url = pathToFileURL(join(dir, 'dist', 'x.mjs')).href;
    const stack = [
      'Error: boom',
      `    at f (${url}:2:7)`,
      `    at ${join(dir, 'dist', 'x.mjs')}:1:1`,
      '    at g (node:internal/modules/esm/module_job:1:2)',
      `    at h (${pathToFileURL(join(dir, 'dist', 'none.mjs')).href}:3:4)`,
      `    at k (${pathToFileURL(join(dir, 'dist', 'bad.mjs')).href}:5:6)`,
    ].join('\n');
    expect(sourceMappedStack(stack).split('\n')).toEqual([
      'Error: boom',
      `    at f (${join(dir, 'src', 'a.ts')}:2:1)`,
      `    at ${join(dir, 'src', 'a.ts')}:1:1`,
      '    at g (node:internal/modules/esm/module_job:1:2)',
      `    at h (${pathToFileURL(join(dir, 'dist', 'none.mjs')).href}:3:4)`,
      `    at k (${pathToFileURL(join(dir, 'dist', 'bad.mjs')).href}:5:6)`,
    ]);
  });

  it('maps a place in the CLI\'s bundle to the source it was built from', () => {
    const bundle = join(repoRoot, 'dist', 'loraswarm.mjs');
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const line = lines.findIndex((text) => /^async function main\(/.test(text));
    expect(line).toBeGreaterThanOrEqual(0);
    const column = lines[line]!.indexOf('main');
    const mapped = sourceMappedStack(`Error: x\n    at main (${pathToFileURL(bundle).href}:${line + 1}:${column + 1})`);
    expect(mapped).toMatch(new RegExp(`\\n    at main \\(${join(repoRoot, 'src', 'cli', 'main.ts').replace(/[/\\\\.]/g, '\\$&')}:\\d+:\\d+\\)$`));
  });
});
