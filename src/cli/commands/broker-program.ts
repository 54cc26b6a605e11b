/**
 * The flags of the commands around a run's broker: `worker` (runs some of its nodes), `dashboard`
 * and `watch` (follow it), `broker-setup` (a Mosquitto for it). Kept light: each action loads its
 * command's module when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from '../main.ts';
import { untilSignal } from '../interrupts.ts';
import { collect } from './options.ts';
import type { BrokerSetupOptions } from './broker-setup.ts';

/**
 * Adds `worker` to the program.
 *
 * @example
 * addWorkerCommand(program, io);
 */
export function addWorkerCommand(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description("run a partition of a run's nodes in this process, through the run's broker")
    .requiredOption('--broker <url>', 'the broker the run uses, mqtt://host:port (the run prints it)')
    .requiredOption('--run <id>', 'the run id (the run prints it)')
    .option('--nodes <partition>', 'the nodes to run, e.g. 200-399, or auto to take the next partition the run offers', 'auto')
    .requiredOption('--credentials <file>', "the credentials file the run wrote (embedded broker) or `loraswarm broker-setup`'s credentials.json")
    .option('--join-timeout <seconds>', 'how long to wait for the run to answer', '120')
    .option('--reconnect-timeout <seconds>', 'how long the broker, or the run whose connection closed, may stay away before the worker stops', '60')
    .option('--training-threads <n>', "federated learning: threads that train this worker's clients while its simulation goes on (the same results): auto (the cores less one, at most 4) or a count (0: on the simulation's thread)", 'auto')
    .option('--quiet', 'print nothing on success')
    .action(async (options) => {
      const { workerCommand } = await import('./worker.ts');
      await workerCommand(options, io.out, io.err);
    });
}

/**
 * Adds `dashboard` to the program.
 *
 * @example
 * addDashboardCommand(program, io);
 */
export function addDashboardCommand(program: Command, io: CliIo): void {
  program
    .command('dashboard')
    .description("serve a run's dashboard on 127.0.0.1 (default: the latest run under runs/), or, with --attach, follow a live run")
    .argument('[run-dir]', 'a run directory')
    .option('--port <port>', 'the port (0: a free one)', '0')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--attach <ws-url>', 'follow a live run: its broker\'s MQTT-over-WebSocket URL, as `run --dashboard` printed it')
    .option('--run <id>', 'with --attach: the run id')
    .option('--credentials <file>', 'with --attach: a credentials file with the viewer role')
    .option('--user <name>', 'with --attach: the viewer\'s user name')
    .option('--password <password>', 'with --attach: the viewer\'s password')
    .action(async (runDir: string | undefined, options) => {
      const { dashboardCommand } = await import('./dashboard.ts');
      await dashboardCommand(runDir, options, io.out, () => io.stop ?? untilSignal());
    });
}

/**
 * Adds `watch` to the program.
 *
 * @example
 * addWatchCommand(program, io);
 */
export function addWatchCommand(program: Command, io: CliIo): void {
  program
    .command('watch')
    .description("follow a run's live metrics as its read-only viewer; one JSON line per snapshot, until the run ends")
    .requiredOption('--broker <url>', 'the broker the run uses, mqtt://host:port')
    .requiredOption('--run <id>', 'the run id')
    .requiredOption('--credentials <file>', 'a credentials file with the viewer role (broker-setup\'s credentials.json, or the run\'s)')
    .option('--timeout <seconds>', 'give up if the run has not ended by then')
    .action(async (options) => {
      const { watchCommand } = await import('./watch.ts');
      await watchCommand(options, io.out);
    });
}

/**
 * Adds `broker-setup` to the program.
 *
 * @example
 * addBrokerSetupCommand(program, io);
 */
export function addBrokerSetupCommand(program: Command, io: CliIo): void {
  program
    .command('broker-setup')
    .description('write a Mosquitto config, ACL and per-run password file (and credentials.json) for a run')
    .requiredOption('--run <id>', 'run id (letters, digits, ".", "_", "-")')
    .option('--nodes <n>', 'number of nodes in the scenario')
    .option('--scenario <file>', 'or: the scenario, whose node count is used (with --set overrides)')
    .option('--set <key=value>', 'override one scenario field, with --scenario (repeatable)', collect, [])
    .requiredOption('--dir <dir>', 'where to write the files')
    .option('--port <port>', 'the port Mosquitto listens on', '1883')
    .option('--host <host>', 'the address Mosquitto listens on', '127.0.0.1')
    .option('--user <name>', 'the user Mosquitto drops its privileges to (it must read the files; default: the current user)')
    .option('--ws-port <port>', 'also a MQTT-over-WebSocket listener on this port, for live dashboards (`loraswarm dashboard --attach ws://host:port/mqtt`)')
    .option('--workers <n>', 'the run will have n workers (`run --workers n`): each process connects once per 64 of its nodes instead of once per node')
    .option('--remote <nodes>', 'or: the nodes of each worker, as `run --remote` will give them (repeatable)', collect, [])
    .action(async (options: BrokerSetupOptions) => {
      const { brokerSetupCommand } = await import('./broker-setup.ts');
      await brokerSetupCommand(options, io.out);
    });
}
