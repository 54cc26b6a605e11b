/**
 * Issue 15, finding 5: inputs that validate and then would exhaust memory, time or the terminal
 * are refused up front (exit 2, nothing written): an unbounded scenario file, 20,000 bad keys,
 * nesting past the parser, and runs whose estimate passes the bounds (run-estimate.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, runCli } from '../helpers/cli.ts';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-bounds-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('inputs bounded before they are used', () => {
  // Inputs that would run away if their bound regressed run in a child process, which a timeout can stop.
  it('refuses a scenario file that never ends (/dev/zero) after 32 MiB, quickly', () => {
    const started = performance.now();
    const result = cli(['validate', '/dev/zero'], 20_000);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('loraswarm: invalid input\n  expected a scenario file of at most 32 MiB, found more at /dev/zero\n');
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('prints the first 50 of 100,000 problems and how many more, in seconds (each key is not compared with every other)', () => {
    const file = join(tmp, 'many.yaml');
    writeFileSync(file, `duration: 1min\n${Array.from({ length: 100_000 }, (_, i) => `bad${i}: 1\n`).join('')}`);
    // In a child process that a timeout stops: yaml's own duplicate-key check took more than a minute on this 1.2 MB file.
    const result = cli(['validate', file], 30_000);
    expect(result.status).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(52);
    expect(lines[2]).toBe(`  ${file}:2:1: bad0: unknown key "bad0" (not part of the scenario format; see \`loraswarm schema\`)`);
    expect(lines[51]).toBe('  … and 99951 more problems like these (the first 50 are shown)');
  });

  it('says that nesting deeper than the parser can follow is too deep', () => {
    const file = join(tmp, 'deep.yaml');
    writeFileSync(file, `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    const result = cli(['validate', file], 20_000);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/: expected YAML nested less deeply, found nesting deeper than the parser can follow \(a scenario needs a few levels\)\n$/);
  });

  it('prints the estimate, and refuses a run over the limits (1 ms sampling) before writing anything unless told to go on', async () => {
    const ok = await runCli(['validate', 'scenarios/aloha.yaml']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(
      'scenarios/aloha.yaml: valid scenario "aloha" (101 nodes, 1 sink, 3600 s, seed 1)\n' +
        "  estimate: ~7,972 frames from the nodes' traffic, ~16k events, under a second of CPU, 202 series rows, ~202 MiB of memory, ~1.3 MiB of files\n",
    );
    const sets = ['--set', 'sampling.interval=1ms'];
    const validate = await runCli(['validate', 'scenarios/aloha.yaml', ...sets]);
    expect(validate.status).toBe(2);
    expect(validate.stdout).toContain('364M series rows');
    expect(validate.stderr).toBe(
      'loraswarm: a run of it is over the limits: its series.csv would have ~364M rows, every node at every sample time, more than the bound of 200M (sample less often: sampling.interval). `loraswarm run` refuses it unless given --ignore-limits\n',
    );
    expect((await runCli(['validate', 'scenarios/aloha.yaml', ...sets, '--ignore-limits'])).status).toBe(0);
    const out = join(tmp, 'run');
    const run = cli(['run', 'scenarios/aloha.yaml', ...sets, '--out', out], 20_000);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^loraswarm: this run is over the limits a run may expect to need: its series\.csv would have ~364M rows.*to run it anyway, add --ignore-limits\n$/);
    expect(existsSync(out) || existsSync(`${out}.partial`) || existsSync(`${out}.lock`)).toBe(false);
  });
});
