/**
 * The flags of the commands about scenario files themselves: `validate` and `schema`. Kept
 * light: each action loads its modules when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from '../main.ts';
import { collect } from './options.ts';
import type { ValidateOptions } from './validate.ts';

/**
 * Adds `validate` to the program.
 *
 * @example
 * addValidateCommand(program, io);
 */
export function addValidateCommand(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check a scenario file without running it')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value>', 'override one scenario field (repeatable)', collect, [])
    .option('--ignore-limits', 'exit 0 even when the estimate passes the bounds a run may expect to need')
    .action(async (file: string, options: ValidateOptions) => {
      const { validateCommand } = await import('./validate.ts');
      validateCommand(file, options, io.out);
    });
}

/**
 * Adds `schema` to the program.
 *
 * @example
 * addSchemaCommand(program, io);
 */
export function addSchemaCommand(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
    .option('--markdown', 'print the reference of scenario keys as Markdown instead (docs/reference/scenario.md)')
    .action(async (options: { markdown?: boolean }) => {
      const { scenarioJsonSchema } = await import('../../scenario/schema.ts');
      if (options.markdown === true) {
        const { scenarioReference } = await import('../../scenario/schema-reference.ts');
        io.out(scenarioReference(scenarioJsonSchema()));
        return;
      }
      io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
