import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, runCli, type CliResult } from '../helpers/cli.ts';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-out-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const base = (traffic: string, groups = ''): string => `
duration: 5min
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
${groups}  - name: n
    count: 3
    placement: { shape: disc, radiusM: 100 }
    traffic: ${traffic}
`;

describe('loraswarm run protects what it does not own', () => {
  it('refuses --out pointing at a directory with other files, before running, and leaves them intact', async () => {
    const precious = join(tmp, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'thesis.tex'), 'x');
    const result = await runCli(['run', 'scenarios/aloha.yaml', '--out', precious, '--set', 'duration=1min']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--out: expected a new directory, an empty one or an earlier loraswarm result .* found a directory with other files \(thesis\.tex\)/);
    expect(readFileSync(join(precious, 'thesis.tex'), 'utf8')).toBe('x');
    expect(existsSync(`${precious}.partial`)).toBe(false);
  });

  it('replaces an earlier run directory, and refuses a path through a file or an empty path', async () => {
    const out = join(tmp, 'run');
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', out, '--set', 'duration=1min', '--quiet'])).status).toBe(0);
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', out, '--set', 'duration=2min', '--quiet'])).status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).durationMs).toBe(120_000);
    writeFileSync(join(tmp, 'afile'), '');
    const throughFile = await runCli(['run', 'scenarios/aloha.yaml', '--out', join(tmp, 'afile', 'x')]);
    expect(throughFile.status).toBe(2);
    expect(throughFile.stderr).toMatch(/--out: expected a directory path, found a file/);
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', ''])).status).toBe(2);
  });
});

describe('loraswarm run refuses scenarios that could not run to the end', () => {
  /** With `inChild`, in a child process a timeout stops (a run that got through would be too long). */
  const refuse = async (text: string, message: RegExp, inChild = false): Promise<void> => {
    const file = join(tmp, 's.yaml');
    writeFileSync(file, text);
    const args = ['run', file, '--out', join(tmp, 'r')];
    const result: CliResult = inChild ? cli(args, 20_000) : await runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('    at ');
    expect(existsSync(join(tmp, 'r.partial'))).toBe(false);
  };

  it('refuses periodic jitter larger than the interval', async () => {
    await refuse(base('{ kind: periodic, interval: 10s, jitter: 30s, payloadBytes: 10 }'), /groups\[1\]\.traffic\.jitter: expected jitter ≤ interval \(10000 ms\), found 30000 ms/);
  });

  it('refuses more messages than a run can hold', async () => {
    await refuse(base('{ kind: poisson, interval: 1e-300, payloadBytes: 10 }'), /traffic\.interval: expected at most 20,000,000 messages in a run/, true);
  });

  it('refuses a sink that would send to itself', async () => {
    await refuse(base('{ kind: poisson, interval: 10s, payloadBytes: 10 }').replace("    role: sink\n    nodes: [{ id: gw, xM: 0, yM: 0 }]", "    role: sink\n    nodes: [{ id: gw, xM: 0, yM: 0 }]\n    traffic: { kind: poisson, interval: 10s, payloadBytes: 10, to: sink }"), /groups\[0\]\.traffic\.to: expected another sink for a sink to send to, found only itself/);
  });

  it('refuses a scenario name that would leave the runs folder', async () => {
    await refuse(`name: ../x\n${base('{ kind: poisson, interval: 10s, payloadBytes: 10 }')}`, /name: expected a scenario name of letters, digits/);
  });
});
