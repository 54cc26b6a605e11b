/**
 * The `model` command group's flags: train, sample, eval, quantize, info. Kept light: each
 * action loads commands/model.ts when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from '../main.ts';

/**
 * Adds `model` and its subcommands to the program.
 *
 * @example
 * addModelCommands(program, io);
 */
export function addModelCommands(program: Command, io: CliIo): void {
  const model = program.command('model').description('TinySeek, the small DeepSeek-style MoE model: train, sample, eval, info');
  model
    .command('train')
    .description('train TinySeek from a config file into a model directory')
    .requiredOption('--config <file>', 'training config (YAML): data, model, training, and optionally distillation (a teacher) and quantization (quantization-aware training)')
    .requiredOption('--out <dir>', 'model directory to write, e.g. models/tinyseek-names')
    .option('--quiet', 'print nothing on success')
    .action(async (options: { config: string; out: string; quiet?: boolean }) => (await import('./model.ts')).modelTrainCommand(options, io.out, io.err));
  model
    .command('sample')
    .description('generate texts (names) from a model')
    .argument('<model>', 'model directory (or its model.tskp)')
    .option('--count <n>', 'how many', '10')
    .option('--temperature <t>', 'sampling temperature; 0 is greedy', '1')
    .option('--top-p <p>', 'nucleus sampling mass', '1')
    .option('--seed <n>', 'sampling seed', '1')
    .action(async (dir: string, options: { count: string; temperature: string; topP: string; seed: string }) => (await import('./model.ts')).modelSampleCommand(dir, options, io.out));
  model
    .command('eval')
    .description('the integer model (int8/int4/int2 weights, int8 activations) against the float reference on the validation split')
    .argument('<model>', 'model directory (or its model.tskp)')
    .requiredOption('--bits <n>', 'weight bits: 8, 4 or 2')
    .option('--samples <n>', 'only the first n validation names')
    .option('--reference <model>', 'the float model to judge against (default: the teacher a distilled model records, else its own float weights)')
    .option('--json', 'one JSON object: bits, positions, top1Agreement, klDivergence, bitsPerChar, floatBitsPerChar, reference')
    .action(async (dir: string, options: { bits: string; json?: boolean; samples?: string; reference?: string }) => (await import('./model.ts')).modelEvalCommand(dir, options, io.out));
  model
    .command('quantize')
    .description("(re)write a checkpoint's int8/int4/int2 weights and calibrated scales from its float weights")
    .argument('<model>', 'model directory (or its model.tskp)')
    .action(async (dir: string) => (await import('./model.ts')).modelQuantizeCommand(dir, io.out));
  model
    .command('info')
    .description('per unit: parameters, weight bytes at 8/4/2 bits, MACs per token, latent-KV bytes, bytes crossing the unit')
    .argument('<model>', 'model directory, checkpoint, or training config (YAML)')
    .option('--json', 'one JSON object: config, units, total')
    .action(async (target: string, options: { json?: boolean }) => (await import('./model.ts')).modelInfoCommand(target, options, io.out));
}
