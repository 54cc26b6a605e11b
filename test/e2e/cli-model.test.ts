import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, runCli } from '../helpers/cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-model-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tinyConfig = `data: { dataset: names, seed: 1 }
model: { dim: 16, layers: 1, heads: 2, headDim: 8, latentDim: 8, context: 16, experts: 4, sharedExperts: 1, expertHidden: 16, topK: 2 }
training: { steps: 30, batchSize: 16, learningRate: 0.01, warmupSteps: 3, evalEvery: 10 }
`;

describe('loraswarm model', () => {
  it('trains a model directory from a config, reproducibly, and samples names from it', async () => {
    writeFileSync(join(dir, 'tiny.yaml'), tinyConfig);
    const first = await runCli(['model', 'train', '--config', join(dir, 'tiny.yaml'), '--out', join(dir, 'm1')]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^model .*m1: 6,000 parameters; validation 3\.9656 bits\/char \(bigram baseline 3\.4957\); \d+ s\n$/);
    expect(first.stderr).toContain('step 30: train 3.8944 bits/char, validation 3.9656');
    for (const file of ['model.tskp', 'config.yaml', 'training-log.csv', 'model.json']) expect(existsSync(join(dir, 'm1', file)), file).toBe(true);
    const second = await runCli(['model', 'train', '--config', join(dir, 'm1', 'config.yaml'), '--out', join(dir, 'm2'), '--quiet']);
    expect(second.status).toBe(0);
    expect(readFileSync(join(dir, 'm2', 'model.tskp'))).toEqual(readFileSync(join(dir, 'm1', 'model.tskp')));
    const sample = await runCli(['model', 'sample', join(dir, 'm1'), '--count', '4', '--seed', '3']);
    expect(sample.status).toBe(0);
    expect(sample.stdout.split('\n')).toHaveLength(5);
    expect(sample.stdout).toMatch(/^[a-z-]*(\n[a-z-]*){3}\n$/);
    expect((await runCli(['model', 'sample', join(dir, 'm1'), '--count', '4', '--seed', '3'])).stdout).toBe(sample.stdout);
  });

  it('evaluates the integer model against the float one (JSON for scripts) and prints the unit costs', async () => {
    writeFileSync(join(dir, 'tiny.yaml'), tinyConfig);
    expect((await runCli(['model', 'train', '--config', join(dir, 'tiny.yaml'), '--out', join(dir, 'm'), '--quiet'])).status).toBe(0);
    const evaluation = await runCli(['model', 'eval', join(dir, 'm'), '--bits', '8', '--samples', '100', '--json']);
    expect(evaluation.status).toBe(0);
    const figures = JSON.parse(evaluation.stdout) as Record<string, number>;
    expect(Object.keys(figures)).toEqual(['bits', 'positions', 'top1Agreement', 'klDivergence', 'bitsPerChar', 'floatBitsPerChar', 'reference']);
    expect(figures.bits).toBe(8);
    expect(figures.top1Agreement).toBeGreaterThan(0.9);
    const info = await runCli(['model', 'info', join(dir, 'm'), '--json']);
    expect(info.status).toBe(0);
    const parsed = JSON.parse(info.stdout) as { total: { parameters: number }; units: { unit: string }[] };
    expect(parsed.total.parameters).toBe(6000);
    expect(parsed.units.map((u) => u.unit)).toEqual(['embedding', 'attention', 'gate', 'routedExpert', 'sharedExpert', 'combine', 'head']);
    const table = await runCli(['model', 'info', 'models/tinyseek-names.yaml']);
    expect(table.stdout).toContain('total: 1,915,712 parameters; weights 2,006,560 B at int8');
    expect((await runCli(['model', 'eval', join(dir, 'm'), '--bits', '3'])).stderr).toContain('--bits: expected 8, 4 or 2, found "3"');
  });

  it('refuses bad configs, options and checkpoints with status 2 and a clear message', async () => {
    writeFileSync(join(dir, 'bad.yaml'), tinyConfig.replace('topK: 2', 'topK: 9'));
    writeFileSync(join(dir, 'typo.yaml'), tinyConfig.replace('steps: 30', 'stepz: 30'));
    writeFileSync(join(dir, 'broken.tskp'), 'TSKP and then nothing that makes sense, long enough to be read');
    writeFileSync(join(dir, 'twice.yaml'), `${tinyConfig}training:\n  steps: 5\n`);
    const cases = [
      [['model', 'train', '--config', join(dir, 'bad.yaml'), '--out', join(dir, 'x')], 'model.topK: expected at most model.experts (4), found 9'],
      [['model', 'train', '--config', join(dir, 'typo.yaml'), '--out', join(dir, 'x')], 'training'],
      [['model', 'train', '--config', join(dir, 'none.yaml'), '--out', join(dir, 'x')], '--config: expected a readable training config, found ENOENT'],
      [['model', 'train', '--config', join(dir, 'twice.yaml'), '--out', join(dir, 'x')], 'expected valid YAML, found a syntax error: Map keys must be unique'],
      [['model', 'info', join(dir, 'twice.yaml')], 'expected valid YAML, found a syntax error: Map keys must be unique'],
      [['model', 'sample', join(dir, 'broken.tskp')], 'not a usable TinySeek checkpoint: expected version 1 to 3'],
      [['model', 'sample', join(dir, 'nothing')], 'not a usable TinySeek checkpoint: cannot read it (ENOENT)'],
      [['model', 'sample', join(dir, 'nothing'), '--top-p', '0'], '--top-p: expected a number in (0, 1], found "0"'],
    ] as const;
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('    at ');
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('reads a training config no further than 1 MiB (/dev/zero is refused at once; in a child process a timeout stops)', () => {
    for (const args of [['model', 'train', '--config', '/dev/zero', '--out', join(dir, 'x')], ['model', 'info', '/dev/zero']]) {
      const result = cli(args, 20_000);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/expected a training config of at most 1 MiB, found more at \/dev\/zero\n/);
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
