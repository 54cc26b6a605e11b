/**
 * The dashboard's browser code, bundled by esbuild (named imports from d3, so only the d3
 * modules the views use are included), minified, as one IIFE script: `report` (ui/report.ts,
 * the data embedded) or `live` (ui/live.ts, with the MQTT client).
 *
 * Run from the CLI's bundle (dist/), the scripts were built with it (bin/bundle.js calls
 * `buildDashboardScript` once dist/ is written) and are read from `dashboard-<kind>.js` next to
 * the chunk this module lands in: a run does not start esbuild (~0.1 s), nor load its module
 * (a CommonJS file of 97 kB that Node parses for its exports before it runs it: ~20 ms of every
 * run that writes a report, when it was imported here at the top). Run from the sources, they
 * are built once per process and kept: a sweep writing many reports bundles once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DashboardKind = 'report' | 'live';

const cached = new Map<DashboardKind, Promise<string>>();

/** The minified dashboard script for a report or a live page, built from `ui/<kind>.ts` under `uiDir`. */
export async function buildDashboardScript(kind: DashboardKind, uiDir: string): Promise<string> {
  const { build } = await import('esbuild');
  return build({
    entryPoints: [join(uiDir, `${kind}.ts`)],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    // Identical input gives identical bytes: no source maps, no paths in the output.
    sourcemap: false,
  }).then((result) => result.outputFiles[0]!.text);
}

/** The minified dashboard script for a report or a live page. */
export function dashboardScript(kind: DashboardKind): Promise<string> {
  let script = cached.get(kind);
  if (script) return script;
  // This module's own URL (bin/bundle.js leaves it as it is): a chunk in dist/, or this file.
  script = import.meta.url.endsWith('.mjs') ? readFile(new URL(`./dashboard-${kind}.js`, import.meta.url), 'utf8') : buildDashboardScript(kind, fileURLToPath(new URL('./ui/', import.meta.url)));
  cached.set(kind, script);
  return script;
}
