/**
 * The `run` command's flags. Kept light: the action loads commands/run.ts when it runs.
 */
import { Option, type Command } from 'commander';
import type { CliIo } from '../main.ts';
import { untilSignal } from '../interrupts.ts';
import { collect, seedOption } from './options.ts';

/**
 * Adds `run` to the program.
 *
 * @example
 * addRunCommand(program, io);
 */
export function addRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run a scenario and write its run directory')
    .argument('[scenario]', 'scenario YAML file (left out with --resume)')
    .option('--seed <n>', 'override the scenario seed', seedOption)
    .option('--out <dir>', 'run directory (default: runs/<scenario name>-seed<seed>)')
    .option('--set <key=value>', 'override one scenario field, e.g. groups.0.count=500 (repeatable)', collect, [])
    .addOption(new Option('--transport <kind>', 'frame transport: mqtt (through the embedded broker) or memory (direct, fastest)').default('mqtt'))
    .option('--quiet', 'print nothing on success')
    .option('--broker <url>', 'an external MQTT broker (Mosquitto), mqtt://host:port; implies --transport mqtt')
    .option('--credentials <file>', 'the credentials.json written by `loraswarm broker-setup` for that broker')
    .option('--remote <nodes>', 'nodes a `loraswarm worker` process runs, e.g. 200-399 (repeatable: one worker each)', collect, [])
    .option('--workers <n>', 'split the nodes into n+1 equal parts: this process keeps the first, n workers (--nodes auto) run the rest')
    .option('--listen <[host:]port>', 'address of the embedded broker (default 127.0.0.1 and a free port); workers connect to it')
    .option('--run-id <id>', 'the run id in MQTT topics and user names (default: the scenario name and a random suffix)')
    .option('--credentials-out <file>', 'with the embedded broker and workers: write the workers\' credentials here (default <out>.credentials.json, removed after the run)')
    .option('--join-timeout <seconds>', 'how long to wait for every worker to join', '120')
    .option('--reconnect-timeout <seconds>', 'over MQTT: how long the broker, or a worker whose connection closed, may stay away before the run stops', '60')
    .option('--dashboard', 'serve the live dashboard on 127.0.0.1 during the run, and its results after it until Ctrl-C; print its URL')
    .option('--pace <factor>', 'with --dashboard: at most this many virtual seconds per wall second, or max (default: the duration in about two minutes, at least 1)')
    .option('--dashboard-port <port>', 'with --dashboard: the port (default: a free one)')
    .option('--compress <when>', 'gzip frames.csv and receptions.csv: auto (runs expected to send more than 1,000,000 frames), on or off', 'auto')
    .option('--write-thread <when>', 'format and write frames.csv, receptions.csv and series.csv on a thread of their own (the same files): auto (runs expected to send more than 20,000 frames), on or off', 'auto')
    .option('--report-thread <when>', 'digest the report\'s figures on the writer thread as it writes the files, instead of reading them back after the run (the same report): auto (on two cores, runs expected to send more than 150,000 frames; on more, as --write-thread), on (with the files written on their thread) or off', 'auto')
    .option('--training-threads <n>', 'federated learning: threads that train the clients while the simulation goes on (the same results): auto (the cores less one, at most 4) or a count (0: on the simulation\'s thread)', 'auto')
    .option('--ignore-limits', 'run even when the estimate (see `validate`) needs more memory, events, series rows or disk than the bounds allow')
    .option('--checkpoint-every <seconds>', 'save the whole simulation into <out>.partial/ this often (wall time), for --resume after a crash')
    .option('--resume <dir>', 'go on with a stopped run (killed, crashed, out of memory) from its last checkpoint; its scenario and settings are its own')
    .action(async (file: string | undefined, options) => {
      const { runCommand } = await import('./run.ts');
      await runCommand(file, options, io.out, io.err, undefined, () => io.stop ?? untilSignal());
    });
}
