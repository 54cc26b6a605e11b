#!/usr/bin/env node
// Entry point of the `loraswarm` command: registers tsx so Node 20 runs the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const status = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = status;
