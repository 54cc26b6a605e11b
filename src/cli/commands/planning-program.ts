/**
 * The planning commands' flags: `place` (the model's units on the nodes) and `size` (the
 * smallest swarm that meets the targets). Kept light: each action loads its command's module when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from '../main.ts';
import { collect, seedOption } from './options.ts';

/**
 * Adds `place` to the program.
 *
 * @example
 * addPlaceCommand(program, io);
 */
export function addPlaceCommand(program: Command, io: CliIo): void {
  program
    .command('place')
    .description("place the scenario's model on its nodes and print the plan: which unit where, memory per node")
    .argument('<scenario>', 'scenario YAML file with a model block')
    .option('--seed <n>', 'override the scenario seed', seedOption)
    .option('--set <key=value>', 'override one scenario field, e.g. model.placement.strategy=pack (repeatable)', collect, [])
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, options) => {
      const { placeCommand } = await import('./place.ts');
      placeCommand(file, options, io.out);
    });
}

/**
 * Adds `size` to the program.
 *
 * @example
 * addSizeCommand(program, io);
 */
export function addSizeCommand(program: Command, io: CliIo): void {
  program
    .command('size')
    .description("run a scenario at each count of one group (several seeds) and print the smallest count that meets every target: a served model's nodes, federated clients, a sensor network's gateways")
    .argument('<scenario>', 'scenario YAML file: any workload (model serving, federated learning, sensor traffic)')
    .requiredOption('--vary <key=values>', 'node counts: nodes=4..128 (a ladder), nodes=8..64/8, or nodes=8,12,16; repeat with any scenario key and its values to compare them too, e.g. --vary radio.sf=7,9', collect, [])
    .option('--group <name>', 'the group whose count varies (default: the first with a count that holds units; with federated learning, the first that is not a sink; else the first with a count)')
    .option('--mcus <ids>', 'also vary the MCU of that group: a comma-separated list of profiles')
    .option('--objective <what>', 'choose among the cases that meet the targets by nodes, energy, cost or lifetime', 'nodes')
    .option('--seeds <n>', 'seeds per count (scenario seed, +1, …)', '3')
    .option('--seed <n>', 'the first seed (default: the scenario seed)', seedOption)
    .option('--set <key=value>', 'override one scenario field for every run (repeatable)', collect, [])
    .option('--target-p95-latency <duration>', 'p95 token latency at most this, e.g. 60s')
    .option('--target-lifetime <duration>', 'battery lifetime (extrapolated) at least this, e.g. 30d')
    .option('--target-tokens-per-hour <n>', 'tokens per hour the swarm sustains (its capacity, searched over offered load) at least this')
    .option('--target-delivery-ratio <r>', 'messages delivered (uplinks counted once however many gateways heard them) at least this share, e.g. 0.95')
    .option('--target-accuracy <a>', 'federated learning: final validation accuracy at least this, e.g. 0.85 (also the scenario target the energy and time are measured to)')
    .option('--target-energy <joules>', 'energy at most this, e.g. 3kJ: with federated learning the rounds\' energy until the accuracy target, else the whole run\'s')
    .option('--target-time-to-accuracy <duration>', 'federated learning: the accuracy target reached within this simulated time, e.g. 6h')
    .option('--capacity', 'also search the tokens per hour each serving case sustains (its capacity, and what binds it); implied by --target-tokens-per-hour')
    .option('--failures <k>', 'N + k: k nodes of the group dead from the start of every run (several seeded draws, never a serving run\'s entry); a count meets the targets only if every draw does')
    .option('--failure-draws <n>', 'draws of the failing nodes per seed (with --failures)', '3')
    .option('--to-end', 'simulate each run to its first battery death instead of extrapolating the lifetime (slow)')
    .option('--jobs <n>', 'child processes that run the cases at once, as sweep --jobs (default 1: in this process; worth it for runs of a second or more); the files are the same whatever n')
    .option('--out <dir>', 'sizing directory (default: runs/<scenario name>-sizing)')
    .option('--quiet', 'print nothing on success')
    .action(async (file: string, options) => {
      const { sizeCommand } = await import('./size.ts');
      await sizeCommand(file, options, io.out, io.err);
    });
}
