/**
 * bin/loraswarm.js runs the esbuild bundle in dist/ while it was built from the files as they
 * are, and rebuilds it (or runs the sources through tsx) as soon as one changes. Each test works
 * on a copy of bin/, src/ and the manifests in a temporary directory, with the repository's
 * node_modules linked in, so that it can edit sources and the bundle freely. The bundle's entry
 * gets a line that prints a marker: only a run through that very bundle can print it.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';

const marker = 'marker: the bundle ran';
const airtime = ['airtime', '--sf', '7', '--bytes', '10'];
const airtimeLine = /^41\.216 ms time on air \(SF7\/125 kHz/;

describe('bin/loraswarm.js and its bundle', () => {
  let dir: string;

  const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = dir) => {
    const result = spawnSync(process.execPath, [join(dir, 'bin', 'loraswarm.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LORASWARM_DEV: '', ...env } });
    if (result.error) throw result.error;
    return result;
  };
  const build = (): void => {
    const result = spawnSync(process.execPath, [join(dir, 'bin', 'bundle.js')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  };
  const markBundle = (): void => appendFileSync(join(dir, 'dist', 'loraswarm.mjs'), `\nprocess.stdout.write(${JSON.stringify(`${marker}\n`)});\n`);
  const bundleText = (): string =>
    readdirSync(join(dir, 'dist'))
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => readFileSync(join(dir, 'dist', name), 'utf8'))
      .join('\n');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loraswarm-bundle-'));
    for (const name of ['bin', 'src']) cpSync(join(repoRoot, name), join(dir, name), { recursive: true, preserveTimestamps: true });
    for (const name of ['package.json', 'tsconfig.json']) cpSync(join(repoRoot, name), join(dir, name), { preserveTimestamps: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    build();
    markBundle();
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the bundle while no source has changed since it was built', () => {
    const result = run(airtime);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [first, second] = result.stdout.split('\n');
    expect(first).toBe(marker);
    expect(second).toMatch(airtimeLine);
  });

  it('rebuilds the bundle after an edit under src/, and runs the edit', () => {
    const file = join(dir, 'src', 'cli', 'commands', 'airtime.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ms time on air (', 'ms on the air ('));
    const edited = run(airtime);
    expect(edited.stderr).toBe('');
    expect(edited.stdout).not.toContain(marker);
    expect(edited.stdout).toMatch(/^41\.216 ms on the air \(SF7/);
    // The run rebuilt the bundle: fresh again, it holds the edit and runs without a rebuild.
    expect(bundleText()).toContain('ms on the air (');
    markBundle();
    const again = run(airtime);
    expect(again.stdout.split('\n').slice(0, 2)).toEqual([marker, expect.stringMatching(/^41\.216 ms on the air \(SF7/)]);
  });

  it('counts a source put back with an older mtime, a new file and a deleted file as changes', () => {
    const changes: (() => void)[] = [
      () => utimesSync(join(dir, 'src', 'radio', 'airtime.ts'), new Date(2001, 0, 1), new Date(2001, 0, 1)),
      () => writeFileSync(join(dir, 'src', 'radio', 'unused-note.ts'), 'export const note = 1;\n'),
      () => rmSync(join(dir, 'src', 'radio', 'unused-note.ts')),
    ];
    for (const change of changes) {
      change();
      const result = run(airtime);
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toContain(marker);
      expect(result.stdout).toMatch(airtimeLine);
      markBundle();
      expect(run(airtime).stdout.startsWith(marker)).toBe(true);
    }
  });

  it('runs the sources through tsx with LORASWARM_DEV=1, fresh bundle or not', () => {
    const result = run(airtime, { LORASWARM_DEV: '1' });
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toContain(marker);
    expect(result.stdout).toMatch(airtimeLine);
  });

  it('runs the sources through tsx while the bundle cannot be built, remembers that until a file changes, then rebuilds', () => {
    // A syntax error in a module that airtime does not load: esbuild cannot bundle the CLI,
    // tsx still runs airtime.
    const file = join(dir, 'src', 'sim', 'scheduler.ts');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}\nexport const broken = ;\n`);
    const failed = join(dir, 'dist', 'failed.json');
    const first = run(airtime);
    expect(first.stderr).toBe('');
    expect(first.stdout).not.toContain(marker);
    expect(first.stdout).toMatch(airtimeLine);
    const failedAtMs = statSync(failed).mtimeMs;
    const second = run(airtime);
    expect(second.stdout).toMatch(airtimeLine);
    expect(statSync(failed).mtimeMs).toBe(failedAtMs);
    writeFileSync(file, text);
    expect(run(airtime).stdout).toMatch(airtimeLine);
    markBundle();
    expect(run(airtime).stdout.startsWith(marker)).toBe(true);
  });

  it('builds the dashboard\u2019s browser scripts with the bundle, byte for byte as the sources build them at run time', async () => {
    const { buildDashboardScript } = await import('../../src/dashboard/bundle.ts');
    for (const kind of ['report', 'live'] as const) {
      expect(readFileSync(join(dir, 'dist', `dashboard-${kind}.js`), 'utf8'), kind).toBe(await buildDashboardScript(kind, join(repoRoot, 'src', 'dashboard', 'ui')));
    }
  });

  it('finds what it reads beside the sources (shipped models, Mosquitto templates, the dashboard\u2019s UI) from dist/ too', () => {
    // Run from another directory, so that nothing is found relative to the working directory.
    symlinkSync(join(repoRoot, 'models'), join(dir, 'models'), 'dir');
    cpSync(join(repoRoot, 'deploy'), join(dir, 'deploy'), { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'loraswarm-bundle-cwd-'));
    try {
      const place = run(['place', join(repoRoot, 'scenarios', 'quickstart.yaml')], {}, elsewhere);
      expect(place.stderr).toBe('');
      expect(place.stdout.split('\n')[1]).toContain(`placement of ${join(dir, 'models', 'tinyseek-names', 'model.tskp')} at int8`);
      const setup = run(['broker-setup', '--run', 'r1', '--nodes', '2', '--dir', 'broker'], {}, elsewhere);
      expect(setup.stderr).toBe('');
      expect(setup.stdout.startsWith(marker)).toBe(true);
      expect(readFileSync(join(elsewhere, 'broker', 'mosquitto.conf'), 'utf8')).toContain('acl_file');
      const report = run(['run', join(repoRoot, 'test', 'fixtures', 'busy-swarm.yaml'), '--transport', 'memory', '--out', 'run', '--quiet'], {}, elsewhere);
      expect(report.stderr).toBe('');
      expect(report.stdout).toBe(`${marker}\n`);
      // The dashboard's UI, built with the bundle (dist/dashboard-report.js): esbuild's IIFE, the
      // same bytes as a run from the sources builds at run time.
      expect(readFileSync(join(elsewhere, 'run', 'report.html'), 'utf8').includes('<script>"use strict";(()=>{')).toBe(true);
      const fromSources = run(['run', join(repoRoot, 'test', 'fixtures', 'busy-swarm.yaml'), '--transport', 'memory', '--out', 'dev', '--quiet'], { LORASWARM_DEV: '1' }, elsewhere);
      expect(fromSources.stdout).toBe('');
      expect(readFileSync(join(elsewhere, 'run', 'report.html'), 'utf8')).toBe(readFileSync(join(elsewhere, 'dev', 'report.html'), 'utf8'));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
