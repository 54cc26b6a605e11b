/**
 * How to start another `loraswarm` process the way users start this one: Node and the
 * package's own bin script (package.json's `bin`), found by walking up from this module. So
 * `sweep --jobs N` starts its children the same way whether the CLI runs from the TypeScript
 * sources (the bin script registers tsx) or from a bundle, and from vitest as well.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Launcher {
  readonly execPath: string;
  /** The bin script, absolute. */
  readonly script: string;
}

/**
 * Node and loraswarm's bin script.
 *
 * @example
 * loraswarmLauncher() // { execPath: '/usr/bin/node', script: '/work/main/bin/loraswarm.js' }
 */
export function loraswarmLauncher(): Launcher {
  const { dir, pkg } = loraswarmManifest();
  return { execPath: process.execPath, script: join(dir, binOf(pkg)!) };
}

/** loraswarm's version, from its package.json (`loraswarm --version`). */
export function loraswarmVersion(): string {
  return loraswarmManifest().pkg.version ?? 'unknown';
}

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly bin?: string | Record<string, string>;
}

const binOf = (pkg: Manifest): string | undefined => (typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.loraswarm);

/** loraswarm's package.json and its directory, found by walking up from this module. */
function loraswarmManifest(): { dir: string; pkg: Manifest } {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
      if (pkg.name === 'loraswarm' && binOf(pkg) !== undefined) return { dir, pkg };
    }
    if (dirname(dir) === dir) throw new Error(`cannot find loraswarm's package.json (with a "bin") above ${start}`);
  }
}
