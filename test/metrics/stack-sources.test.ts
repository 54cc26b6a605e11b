/**
 * Stack traces point at the TypeScript sources without Node's source maps
 * (src/metrics/stack-sources.ts): each frame in a bundle file is looked up in its linked map.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceMappedStack } from '../../src/metrics/stack-sources.ts';
import { repoRoot } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle file and its map under dir/dist, the file dated before this process started (or after: `rebuilt`). */
function bundleFile(name: string, map: string, rebuilt = false): string {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const file = join(dir, 'dist', name);
  writeFileSync(file, '');
  writeFileSync(`${file}.map`, map);
  const atS = (performance.timeOrigin + (rebuilt ? 60_000 : -60_000)) / 1000;
  utimesSync(file, atS, atS);
  return file;
}

/** Generated line 1 maps to a.ts line 1, generated line 2 to a.ts line 2, each one segment from column 0. */
const simpleMap = (sources: unknown[] = ['../src/a.ts']): string => JSON.stringify({ version: 3, sources, names: [], mappings: 'AAAA;AACA' });

describe('sourceMappedStack', () => {
  it('replaces the places its maps know, by URL or path, and leaves every other line as it is', () => {
    const x = bundleFile('x.mjs', simpleMap());
    const bad = bundleFile('bad.mjs', '{ not json');
    const none = join(dir, 'dist', 'none.mjs');
    const stack = [
      'Error: boom',
      // A place within a segment is the segment's start in the source, as Node maps it.
      `    at f (${pathToFileURL(x).href}:2:7)`,
      `    at async ${x}:1:1`,
      '    at g (node:internal/modules/esm/module_job:1:2)',
      `    at h (${pathToFileURL(none).href}:3:4)`,
      `    at new K (${pathToFileURL(bad).href}:5:6)`,
    ].join('\n');
    expect(sourceMappedStack(stack).split('\n')).toEqual([
      'Error: boom',
      `    at f (${join(dir, 'src', 'a.ts')}:2:1)`,
      `    at async ${join(dir, 'src', 'a.ts')}:1:1`,
      '    at g (node:internal/modules/esm/module_job:1:2)',
      `    at h (${pathToFileURL(none).href}:3:4)`,
      `    at new K (${pathToFileURL(bad).href}:5:6)`,
    ]);
  });

  it('never throws, and leaves a place as it is when its map is odd or was rebuilt after the bundle was loaded', () => {
    const odd = bundleFile('odd.mjs', simpleMap([null]));
    const hosted = bundleFile('hosted.mjs', simpleMap(['file://host/src/a.ts']));
    const rebuilt = bundleFile('rebuilt.mjs', simpleMap(), true);
    const lines = [`    at a (${odd}:1:1)`, `    at b (${hosted}:1:1)`, `    at c (${rebuilt}:1:1)`, '    at d (file:///tmp/a%zz.mjs:1:1)'];
    expect(sourceMappedStack(lines.join('\n'))).toBe(lines.join('\n'));
    expect(sourceMappedStack(undefined as unknown as string)).toBe(undefined);
  });

  it('maps a place in the CLI\'s bundle to the source it was built from', async () => {
    // The bundle as bin/loraswarm.js runs it: rebuilt first if a source changed.
    const { freshBundle } = (await import(pathToFileURL(join(repoRoot, 'bin', 'bundle.js')).href)) as { freshBundle: () => Promise<string | undefined> };
    expect(await freshBundle()).toBeDefined();
    const bundle = join(repoRoot, 'dist', 'loraswarm.mjs');
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const line = lines.findIndex((text) => /^async function main\(/.test(text));
    expect(line).toBeGreaterThanOrEqual(0);
    const column = lines[line]!.indexOf('main');
    // Dated before this process started unless freshBundle just rebuilt it; then the mark of a start after the build stands in.
    performance.mark('loraswarm:bundle-loaded');
    const mapped = sourceMappedStack(`Error: x\n    at main (${pathToFileURL(bundle).href}:${line + 1}:${column + 1})`);
    performance.clearMarks('loraswarm:bundle-loaded');
    expect(mapped.split('\n')[1]).toMatch(/^ {4}at main \((.+):\d+:\d+\)$/);
    expect(/\((.+):\d+:\d+\)$/.exec(mapped.split('\n')[1]!)![1]).toBe(join(repoRoot, 'src', 'cli', 'main.ts'));
  });
});
