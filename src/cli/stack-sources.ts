/**
 * An internal error's stack trace pointed at the TypeScript sources (exit.ts prints it). The CLI
 * runs as an esbuild bundle in dist/ with linked source maps (bin/bundle.js); Node would map
 * every stack itself with source maps on, but then reads and indexes the map of every module as
 * it loads, ~45 ms of every command's start (a 101-node, 10-minute run: 878 -> 833 ms of CPU).
 * Only a stack that is printed needs them, so each of its frames in a bundle file is looked up
 * here, in that file's map, through Node's own SourceMap (node:module).
 */
import { readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A frame's place in a bundle file: its URL or path, line and column (1-based). */
const bundleFrame = /((?:file:\/\/)?\/[^\s()]+\.mjs):(\d+):(\d+)/g;

/** Largest map read (the bundle's largest is ~1 MB): a map is a file, so it is bounded before it is parsed. */
const maxMapBytes = 64 << 20;

/**
 * `stack` with every place in a bundle file that its source map knows replaced by the place in
 * the source it was built from; places without a map, or that it does not know, stay as they are.
 *
 * @example
 * sourceMappedStack('Error: boom\n    at main (file:///app/dist/loraswarm.mjs:3572:9)');
 * // 'Error: boom\n    at main (/app/src/cli/main.ts:88:9)'
 */
export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, { map: SourceMap; dir: string } | undefined>();
  return stack.replace(bundleFrame, (place: string, file: string, line: string, column: string) => {
    const path = file.startsWith('file://') ? fileURLToPath(file) : file;
    if (!maps.has(path)) maps.set(path, readMap(path));
    const found = maps.get(path);
    if (!found) return place;
    const entry = found.map.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return place;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(found.dir, entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** The map of a bundle file (`<file>.map`, as esbuild links it), or undefined when it has none that can be read. */
function readMap(path: string): { map: SourceMap; dir: string } | undefined {
  const mapPath = `${path}.map`;
  try {
    const size = statSync(mapPath, { throwIfNoEntry: false })?.size;
    if (size === undefined || size > maxMapBytes) return undefined;
    const text = readFileSync(mapPath, 'utf8');
    return { map: new SourceMap(JSON.parse(text) as ConstructorParameters<typeof SourceMap>[0]), dir: dirname(mapPath) };
  } catch {
    // A stack is being printed because something already went wrong: a bad map leaves its places as they are.
    return undefined;
  }
}
