/**
 * The dashboard's browser code, bundled by esbuild (named imports from d3, so only the d3
 * modules the views use are included), minified, as one IIFE script: `report` (ui/report.ts,
 * the data embedded) or `live` (ui/live.ts, with the MQTT client). Built once per process and
 * kept: a sweep writing many reports bundles once.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const cached = new Map<'report' | 'live', Promise<string>>();

/** The minified dashboard script for a report or a live page. */
export function dashboardScript(kind: 'report' | 'live'): Promise<string> {
  let script = cached.get(kind);
  if (script) return script;
  script = build({
    entryPoints: [fileURLToPath(new URL(`./ui/${kind}.ts`, import.meta.url))],
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
  cached.set(kind, script);
  return script;
}
