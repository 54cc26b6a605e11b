#!/usr/bin/env node
// Entry point of the `loraswarm` command. It runs the CLI's esbuild bundle in dist/ (see
// bundle.js), rebuilt first if a file it is built from has changed, so that an edit under src/
// is never run stale; if the bundle cannot be built, or with LORASWARM_DEV=1, it runs the
// TypeScript sources through tsx instead (about a second more per start).
import { writeFileSync } from 'node:fs';
import { freshBundle } from './bundle.js';

// For benchmarks (bench/scale.ts): the process's own CPU time and peak memory, written at exit.
if (process.env.LORASWARM_RESOURCE_REPORT) {
  process.on('exit', () => writeFileSync(process.env.LORASWARM_RESOURCE_REPORT, JSON.stringify(process.resourceUsage())));
}

// A reader that stops early (`loraswarm schema | head`) closes the pipe: end quietly, as
// command-line tools do, rather than with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const bundle = process.env.LORASWARM_DEV === '1' ? undefined : await freshBundle();
let main;
if (bundle !== undefined) {
  // Source maps stay off (Node would read every module's map as it loads, ~30 ms a start): the
  // stack traces the CLI prints or writes are mapped to the sources as they are written
  // (src/metrics/stack-sources.ts), through the maps of the bundle loaded here, after this mark.
  performance.mark('loraswarm:bundle-loaded');
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const status = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = status;
