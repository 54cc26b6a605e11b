/**
 * `loraswarm model train` with a teacher and quantization-aware training (issue 21), at a
 * size that trains in seconds: what the model directory records, what `model eval` judges
 * against, and the inputs it refuses.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let dir: string;
const model = 'model: { dim: 16, layers: 1, heads: 2, headDim: 8, latentDim: 8, context: 16, experts: 4, sharedExperts: 1, expertHidden: 16, topK: 2 }';
const teacherConfig = `data: { dataset: names, seed: 1 }
${model}
training: { steps: 40, batchSize: 16, learningRate: 0.01, warmupSteps: 3, evalEvery: 20 }
`;
const studentConfig = (teacher: string, extra = ''): string => `data: { dataset: names, seed: 1 }
${model}
training: { steps: 20, batchSize: 16, learningRate: 0.002, warmupSteps: 2, evalEvery: 10, seed: 2 }
distillation: { teacher: ${JSON.stringify(teacher)} }
quantization: { bits: 2, groupSize: 8 }
${extra}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-lowbit-'));
  writeFileSync(join(dir, 'teacher.yaml'), teacherConfig);
  expect((await runCli(['model', 'train', '--config', join(dir, 'teacher.yaml'), '--out', join(dir, 'teacher'), '--quiet'])).status).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loraswarm model train with a teacher, on 2-bit weights', () => {
  it('records the teacher, the grid and the integer model’s figures, holds only the int2 model, and is judged against the teacher', async () => {
    writeFileSync(join(dir, 'int2.yaml'), studentConfig(join(dir, 'teacher')));
    const trained = await runCli(['model', 'train', '--config', join(dir, 'int2.yaml'), '--out', join(dir, 'int2')]);
    expect(trained.status).toBe(0);
    expect(trained.stderr).toContain(`distilled from ${join(dir, 'teacher')}, on int2 weights`);
    expect(trained.stdout).toMatch(/; int2 \d\.\d{4} bits\/char, KL \d\.\d{5} to the teacher; \d+ s\n$/);
    const record = JSON.parse(readFileSync(join(dir, 'int2', 'model.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(record.quantization).toEqual({ bits: 2, levels: 'odd', groupSize: 8, scaleRule: 'mse' });
    expect(record.distillation).toMatchObject({ teacher: join(dir, 'teacher'), weight: 1, temperature: 1, init: 'teacher' });
    expect(record.distillation!.teacherSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(record.integer!)).toEqual(['bits', 'positions', 'top1Agreement', 'klDivergence', 'bitsPerChar', 'floatBitsPerChar']);

    const evaluation = await runCli(['model', 'eval', join(dir, 'int2'), '--bits', '2', '--json']);
    expect(evaluation.status).toBe(0);
    const figures = JSON.parse(evaluation.stdout) as Record<string, unknown>;
    // The same figures training recorded: the int2 model against its teacher on every validation name.
    expect({ ...figures, reference: undefined }).toEqual({ ...record.integer, reference: undefined });
    expect(figures.reference).toBe(`its teacher ${join(dir, 'teacher')}`);
    expect((await runCli(['model', 'eval', join(dir, 'int2'), '--bits', '8'])).stderr).toContain(`--bits: expected 2 (the integer model ${join(dir, 'int2', 'model.tskp')} was trained for), found 8`);

    // It speaks with its int2 weights.
    const names = await runCli(['model', 'sample', join(dir, 'int2'), '--count', '3', '--seed', '4']);
    expect(names.status).toBe(0);
    expect(names.stdout.trim().split('\n')).toHaveLength(3);
    const info = await runCli(['model', 'info', join(dir, 'int2')]);
    expect(info.stdout).toContain('trained for int2 (odd levels), the only integer model it holds; every width above with a float32 scale per 8 input columns');

    // The teacher moved: eval says so and takes --reference.
    renameSync(join(dir, 'teacher'), join(dir, 'teacher-moved'));
    try {
      const lost = await runCli(['model', 'eval', join(dir, 'int2'), '--bits', '2']);
      expect(lost.status).toBe(2);
      expect(lost.stderr).toContain(`was distilled from ${JSON.stringify(join(dir, 'teacher'))}, which is not there; give the teacher's directory with --reference DIR`);
      const given = await runCli(['model', 'eval', join(dir, 'int2'), '--bits', '2', '--reference', join(dir, 'teacher-moved'), '--json']);
      expect((JSON.parse(given.stdout) as { klDivergence: number }).klDivergence).toBe(figures.klDivergence);
    } finally {
      renameSync(join(dir, 'teacher-moved'), join(dir, 'teacher'));
    }
  }, 120_000);

  it('refuses a teacher trained on other names, a student of another shape starting from it, and a missing teacher (status 2)', async () => {
    writeFileSync(join(dir, 'split.yaml'), studentConfig(join(dir, 'teacher')).replace('seed: 1 }', 'seed: 2 }'));
    writeFileSync(join(dir, 'shape.yaml'), studentConfig(join(dir, 'teacher')).replace('expertHidden: 16', 'expertHidden: 8'));
    writeFileSync(join(dir, 'none.yaml'), studentConfig(join(dir, 'nobody')));
    const cases = [
      ['split.yaml', "data.seed: expected the teacher's 1 (the same training and validation names), found 2"],
      ['shape.yaml', "distillation.init: expected a student of the teacher's shape to start from its weights, found that the student's layer0.moe.expert0.w1.weight is 8×16, the teacher's 16×16 (use init: seed)"],
      ['none.yaml', `distillation.teacher: expected a model directory or a .tskp file, found nothing at ${JSON.stringify(join(dir, 'nobody'))}`],
    ] as const;
    for (const [file, message] of cases) {
      const result = await runCli(['model', 'train', '--config', join(dir, file), '--out', join(dir, 'x')]);
      expect(result.status, file).toBe(2);
      expect(result.stderr, file).toContain(message);
    }
  }, 60_000);
});
