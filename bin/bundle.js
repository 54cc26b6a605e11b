// The CLI's bundle: src/cli/main.ts and what it imports, built by esbuild into dist/ so that a
// start loads JavaScript instead of compiling TypeScript through tsx (~1 s). `npm ci` builds it
// (the `prepare` script); bin/loraswarm.js rebuilds it whenever the files it is built from have
// changed. `node bin/bundle.js` builds it by hand.
//
// Freshness: dist/stamp.json lists every file and folder under src/, tsconfig.json,
// package.json and this file with its size and mtime, as they were when the build began; the
// bundle is fresh while the listing is the same. An edit, a new, deleted or renamed file, or a
// file put back with an older mtime all change it (a folder's mtime changes when an entry is
// added or removed). Listing these ~250 entries costs a few milliseconds; an edit made during
// a build leaves the stamp stale.
//
// Layout: dist/loraswarm.mjs (exports `main`) and one chunk per command (dynamic imports in
// main.ts), all side by side, with linked source maps that point at src/. The npm dependencies
// stay imports from node_modules. Every file is written under a temporary name and renamed into
// place, chunks before the entry and the entry before the stamp, so processes that start while
// another rebuilds see one complete build or the other; files of earlier builds are removed only
// once they are a few minutes old, for processes of those builds that are still starting.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const src = join(root, 'src');
const dist = join(root, 'dist');
const stampFile = join(dist, 'stamp.json');
const failedFile = join(dist, 'failed.json');
const entryFile = join(dist, 'loraswarm.mjs');
const inputs = ['tsconfig.json', 'package.json', 'bin/bundle.js', 'bin/quiet-debug.cjs'];
const graceMs = 10 * 60_000;

/**
 * What the bundle is built from, as it is now: one line per entry, its path, size (or `dir`)
 * and mtime. Compared as text, which costs less than loading node:crypto to hash it.
 */
export function sourceListing() {
  const lines = [];
  // Plain string paths, not path.join or path.relative: this runs at every start.
  const add = (name) => {
    const stats = statSync(`${root}/${name}`, { throwIfNoEntry: false });
    lines.push(`${name} ${stats === undefined ? 'missing' : stats.isDirectory() ? 'dir' : stats.size} ${stats?.mtimeMs ?? ''}`);
  };
  const walk = (dir) => {
    add(dir);
    for (const entry of readdirSync(`${root}/${dir}`, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
      else add(`${dir}/${entry.name}`);
    }
  };
  walk('src');
  for (const name of inputs) add(name);
  return lines.join('\n');
}

/** The listing a stamp holds, or undefined. */
function stampedListing(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).sources.join('\n');
  } catch {
    return undefined;
  }
}

/**
 * The URL of the bundle's entry if it was built from the files as they are now; otherwise
 * rebuilds it first, or returns undefined if it cannot be built (the caller runs the sources).
 * A failed build is remembered (dist/failed.json) until a file changes again, so that a
 * half-edited tree that tsx can still run does not also pay for a failing build at each start.
 */
export async function freshBundle() {
  const sources = sourceListing();
  if (stampedListing(stampFile) === sources) return pathToFileURL(entryFile).href;
  if (stampedListing(failedFile) === sources) return undefined;
  try {
    await buildBundle(sources, 'silent');
    return pathToFileURL(entryFile).href;
  } catch {
    try {
      mkdirSync(dist, { recursive: true });
      writeAtomically(failedFile, stampText(sources));
    } catch {
      // dist/ cannot be written: the next start tries again.
    }
    return undefined;
  }
}

function stampText(sources) {
  return `${JSON.stringify({ sources: sources.split('\n') }, null, 1)}\n`;
}

/**
 * esbuild moves modules into dist/, which would move what they find through
 * `import.meta.url` (models/, deploy/, the dashboard's UI sources, createRequire's
 * node_modules): each module under src/ gets its own file's URL back, relative to the chunk,
 * and every chunk lies in dist/ itself. Except `ownUrl`: modules that find the bundle's own
 * files (a worker thread's entry, the dashboard's scripts) next to the chunk they land in.
 */
const ownUrl = new Set([join(src, 'metrics', 'csv-thread.ts'), join(src, 'dashboard', 'digest', 'receptions-apart.ts'), join(src, 'dashboard', 'digest', 'report-digester.ts'), join(src, 'fl', 'training-pool.ts'), join(src, 'dashboard', 'bundle.ts')]);
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(src + sep) || ownUrl.has(args.path)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.')) return undefined;
      const url = `new URL(${JSON.stringify(relative(dist, args.path).split(sep).join('/'))}, import.meta.url)`;
      const path = `process.getBuiltinModule('node:url').fileURLToPath(${url})`;
      return {
        loader: 'ts',
        contents: text
          .replace(/\bimport\.meta\.url\b/g, `${url}.href`)
          .replace(/\bimport\.meta\.filename\b/g, path)
          .replace(/\bimport\.meta\.dirname\b/g, `process.getBuiltinModule('node:path').dirname(${path})`),
      };
    });
  },
};

/** MQTT's packages log through `debug`: quiet loggers unless DEBUG is set (bin/quiet-debug.cjs, which alone gets the real one). */
const quietDebugFile = join(root, 'bin', 'quiet-debug.cjs');
const quietDebug = {
  name: 'quiet-debug',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, (args) => (args.importer === quietDebugFile ? undefined : { path: quietDebugFile }));
  },
};

/** Builds dist/ from the sources as they are now and stamps it with their listing, `sources`. */
export async function buildBundle(sources = sourceListing(), logLevel = 'warning') {
  const { build } = await import('esbuild');
  const result = await build({
    // The threads' entries (src/metrics/csv-thread.ts, src/dashboard/digest/receptions-apart.ts,
    // src/dashboard/digest/report-digester.ts and src/fl/training-pool.ts start them) sit next
    // to the chunks.
    entryPoints: {
      loraswarm: join(src, 'cli', 'main.ts'),
      'csv-writer-thread': join(src, 'metrics', 'csv-writer-thread.ts'),
      'receptions-digest-thread': join(src, 'dashboard', 'digest', 'receptions-digest-thread.ts'),
      'report-writer-thread': join(src, 'dashboard', 'digest', 'report-writer-thread.ts'),
      'training-thread': join(src, 'fl', 'training-thread.ts'),
      // Builds the dashboard's browser scripts below, with the options the sources use.
      'dashboard-scripts': join(src, 'dashboard', 'bundle.ts'),
    },
    outdir: dist,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages are bundled too (resolving and compiling the 113 CommonJS modules of MQTT and
    // aedes at each run cost more than reading them from the bundle), except those with
    // native binaries or files of their own read at run time.
    external: ['esbuild', 'tsx', 'tsx/*', 'playwright-core', 'mnist', '@stdlib/*'],
    // CommonJS packages in an ESM bundle ask for `require` (Node's built-ins, optional natives).
    banner: { js: "import { createRequire as __loraswarmRequire } from 'node:module'; globalThis.require ??= __loraswarmRequire(import.meta.url);" },
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel,
    plugins: [sourceLocation, quietDebug],
  });
  mkdirSync(dist, { recursive: true });
  // Chunks and maps first, the entry last: the entry names the chunks it imports.
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === entryFile) - Number(b.path === entryFile));
  for (const file of files) writeAtomically(file.path, file.contents);
  // The dashboard's browser scripts, built once here instead of at each run (src/dashboard/bundle.ts).
  const { buildDashboardScript } = await import(pathToFileURL(join(dist, 'dashboard-scripts.mjs')).href);
  const scripts = [];
  for (const kind of ['report', 'live']) {
    const path = join(dist, `dashboard-${kind}.js`);
    writeAtomically(path, await buildDashboardScript(kind, join(src, 'dashboard', 'ui')));
    scripts.push(path);
  }
  writeAtomically(stampFile, stampText(sources));
  removeEarlierBuilds(new Set([...files.map((file) => file.path), ...scripts, stampFile]));
}

function writeAtomically(path, contents) {
  const temporary = join(dirname(path), `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function removeEarlierBuilds(keep) {
  const now = Date.now();
  for (const name of readdirSync(dist)) {
    const path = join(dist, name);
    try {
      if (!keep.has(path) && now - statSync(path).mtimeMs > graceMs) rmSync(path, { force: true });
    } catch {
      // Removed by another build meanwhile.
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `npm ci` runs this (`prepare`); a bundle that cannot be built must not fail the install,
  // since bin/loraswarm.js then runs the sources through tsx.
  const optional = process.argv.includes('--optional');
  try {
    await buildBundle();
  } catch (error) {
    // esbuild's failures carry their messages; the first says what and where.
    const first = error?.errors?.[0];
    const why = first ? `${first.text}${first.location ? ` (${first.location.file}:${first.location.line})` : ''}` : String(error?.message ?? error);
    process.stderr.write(`loraswarm: could not build dist/: ${why}${optional ? '; bin/loraswarm.js will try again at its next start, or run the sources through tsx' : ''}\n`);
    if (!optional) process.exitCode = 1;
  }
}
