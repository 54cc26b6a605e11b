/**
 * Stack traces pointed at the TypeScript sources. The CLI runs as an esbuild bundle in dist/
 * with linked source maps (bin/bundle.js); Node would map every stack itself with source maps
 * on, but then reads and indexes the map of every module as it loads, ~30 ms of every command's
 * start (a 101-node, 10-minute run: 884 -> 853 ms of CPU). Only the stacks the CLI prints or
 * writes need them (an internal error's, FAILED.txt's, a worker's failure), so each of their
 * frames in a bundle file is looked up here, in that file's map, through Node's own SourceMap
 * (node:module). A stack Node prints itself (an exception that escapes the CLI's handler) keeps
 * the bundle's places.
 */
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A frame's place in a bundle file: its URL or path, line and column (1-based). */
const bundleFrame = /((?:file:\/\/)?\/[^\s()]+\.mjs):(\d+):(\d+)/g;

/** Largest map read (the bundle's largest is ~1 MB): a map is a file, bounded before it is parsed. */
const maxMapBytes = 64 << 20;

/** The performance mark bin/loraswarm.js sets as it imports the bundle (it may have rebuilt it just before). */
export const bundleLoadedMark = 'loraswarm:bundle-loaded';

/** When this process loaded the bundle, in ms since the epoch: the mark's time, or the process's start without it. */
function loadedAtMs(): number {
  const mark = performance.getEntriesByName(bundleLoadedMark, 'mark')[0];
  return performance.timeOrigin + (mark?.startTime ?? 0);
}

interface LoadedMap {
  readonly map: SourceMap;
  readonly dir: string;
}

/**
 * `stack` with every place in a bundle file that its source map knows replaced by the place in
 * the source it was built from; places without a map, or that it does not know, stay as they
 * are, and so does the whole text when anything about it cannot be read (it is being written
 * because something already went wrong: this never throws).
 *
 * @example
 * sourceMappedStack('Error: boom\n    at main (file:///app/dist/loraswarm.mjs:3572:9)');
 * // 'Error: boom\n    at main (/app/src/cli/main.ts:88:9)'
 */
export function sourceMappedStack(stack: string): string {
  if (typeof stack !== 'string') return stack;
  const maps = new Map<string, LoadedMap | undefined>();
  return stack.replace(bundleFrame, (place: string, file: string, line: string, column: string) => {
    try {
      return mappedPlace(maps, file, Number(line), Number(column)) ?? place;
    } catch {
      return place;
    }
  });
}

function mappedPlace(maps: Map<string, LoadedMap | undefined>, file: string, line: number, column: number): string | undefined {
  const path = file.startsWith('file://') ? fileURLToPath(file) : file;
  if (!maps.has(path)) maps.set(path, readMap(path));
  const found = maps.get(path);
  if (!found) return undefined;
  const entry = found.map.findEntry(line - 1, column - 1) as { originalSource?: unknown; originalLine?: unknown; originalColumn?: unknown };
  const { originalSource, originalLine, originalColumn } = entry;
  if (typeof originalSource !== 'string' || typeof originalLine !== 'number' || typeof originalColumn !== 'number') return undefined;
  const source = originalSource.startsWith('file://') ? fileURLToPath(originalSource) : resolve(found.dir, originalSource);
  return `${source}:${originalLine + 1}:${originalColumn + 1}`;
}

/**
 * The map of a bundle file (`<file>.map`, as esbuild links it), or undefined when it has none
 * that can be read, or when the file was rebuilt after this process loaded it (another start
 * rebuilds the bundle in place after an edit: its map no longer describes the code that ran).
 */
function readMap(path: string): LoadedMap | undefined {
  try {
    if (statSync(path).mtimeMs > loadedAtMs()) return undefined;
    const fd = openSync(`${path}.map`, 'r');
    try {
      if (fstatSync(fd).size > maxMapBytes) return undefined;
      const text = readFileSync(fd, 'utf8');
      return { map: new SourceMap(JSON.parse(text) as ConstructorParameters<typeof SourceMap>[0]), dir: dirname(path) };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
