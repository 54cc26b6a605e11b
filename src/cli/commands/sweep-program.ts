/**
 * The `sweep` command's flags, `sweep merge`, and the hidden `sweep-child` that `sweep --jobs N`
 * starts. Kept light: each action loads its command's module when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from '../main.ts';
import { collect } from './options.ts';

/** The hidden subcommand a sweep's child processes run. */
export const sweepChildCommandName = 'sweep-child';

/**
 * Adds `sweep`, `sweep merge` and the hidden `sweep-child` to the program.
 *
 * @example
 * addSweepCommands(program, io, seedOption);
 */
export function addSweepCommands(program: Command, io: CliIo, seedOption: (text: string) => number): void {
  // `sweep merge … --out DIR` must reach merge's own --out, not sweep's: options are read where
  // they stand, for the program (which has none of its own) and for sweep.
  program.enablePositionalOptions();
  const sweep = program
    .command('sweep')
    .description('run a scenario once per combination of --set values (and per seed) and write sweep.csv; `sweep merge` joins shards')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value[,value…]>', 'sweep one scenario field over comma-separated values, e.g. groups.1.count=50,100,200; one value overrides it for every run (repeatable)', collect, [])
    .option('--repeats <n>', 'runs per combination, with seeds seed, seed+1, …', '1')
    .option('--seed <n>', 'the base seed (default: the scenario seed)', seedOption)
    .option('--out <dir>', 'sweep directory (default: runs/<scenario name>-sweep, or …-sweep-shard-<i>-of-<n> for a shard)')
    .option('--keep-runs', 'also write each run directory, as <out>/runs/<run>/')
    .option('--jobs <n>', 'run the combinations in n child processes (default: the number of cores); 1 runs them in this process')
    .option('--shard <i/n>', 'run only shard i of n (1-based): the runs r with (r - 1) mod n = i - 1; writes shard.json for `sweep merge`')
    .option('--shard-from-env', 'take the shard from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array), both 0-based')
    .option('--shards <n>', 'with --shard-from-env: the number of shards (default: SLURM_ARRAY_TASK_COUNT)')
    .option('--quiet', 'print nothing on success')
    .enablePositionalOptions()
    .action(async (file: string, options) => {
      const { sweepCommand } = await import('./sweep.ts');
      await sweepCommand(file, options, io.out, io.err);
    });

  sweep
    .command('merge')
    .description("join the shard directories of one sweep into the sweep.csv the whole sweep writes")
    .argument('<shard-dirs...>', 'the directories `sweep --shard` wrote, every shard once, in any order')
    .option('--out <dir>', 'sweep directory (default: runs/<scenario name>-sweep)')
    .option('--quiet', 'print nothing on success')
    .action(async (dirs: string[], options: { out?: string; quiet?: boolean }) => {
      const { sweepMergeCommand } = await import('./sweep-merge.ts');
      sweepMergeCommand(dirs, options, io.out);
    });

  program
    .command(sweepChildCommandName, { hidden: true })
    .description('a child process of `sweep --jobs N` (internal)')
    .action(async () => {
      const { sweepChildCommand } = await import('./sweep-child.ts');
      await sweepChildCommand();
    });
}
