/**
 * The `loraswarm` command line.
 */
// Only what every command needs is imported here: each command's flags are registered by a
// light *-program.ts module whose action imports the command's module when it runs, so that a
// quick command (`airtime`) does not load the simulator, zod, the broker, the MQTT client or
// d3; loading them is most of a start-up.
import { Command, CommanderError } from 'commander';
import { loraswarmVersion } from './launcher.ts';
import { exitInputError, reportError } from './exit.ts';
import { seedOption } from './commands/options.ts';
import { addRunCommand } from './commands/run-program.ts';
import { addPlaceCommand, addSizeCommand } from './commands/planning-program.ts';
import { addSweepCommands } from './commands/sweep-program.ts';
import { addModelCommands } from './commands/model-program.ts';
import { addBrokerSetupCommand, addDashboardCommand, addWatchCommand, addWorkerCommand } from './commands/broker-program.ts';
import { addSchemaCommand, addValidateCommand } from './commands/scenario-program.ts';
import { addAirtimeCommand, addMcuCommand } from './commands/hardware-program.ts';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** When a serving command (`dashboard`) should stop; SIGINT or SIGTERM by default. */
  readonly stop?: Promise<void>;
}

/** The whole `loraswarm` program; commands are registered in the order `--help` lists them. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('loraswarm')
    .description('Simulate swarms of microcontrollers linked by LoRa radios: airtime, duty cycle, collisions, energy.')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined })
    .exitOverride()
    .version(loraswarmVersion(), '--version', 'print loraswarm\'s version');
  addRunCommand(program, io);
  addPlaceCommand(program, io);
  addSizeCommand(program, io);
  addSweepCommands(program, io, seedOption);
  addWorkerCommand(program, io);
  addModelCommands(program, io);
  addDashboardCommand(program, io);
  addWatchCommand(program, io);
  addBrokerSetupCommand(program, io);
  addValidateCommand(program, io);
  addAirtimeCommand(program, io);
  addMcuCommand(program, io);
  addSchemaCommand(program, io);
  return program;
}

/** Runs the CLI and returns the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      if (error.code === 'commander.executeSubCommandAsync') return 0;
      io.err(`loraswarm: ${describeCommanderError(program, argv, error)}\n  (run "loraswarm --help" or "loraswarm <command> --help" for usage)\n`);
      return exitInputError;
    }
    return reportError(error, io.err);
  }
}

/** Commander's message, with what was expected: the command's options or the commands. */
function describeCommanderError(program: Command, argv: readonly string[], error: CommanderError): string {
  const message = error.message.replace(/^error: /, '');
  const command = program.commands.find((candidate) => candidate.name() === argv[0]);
  if (error.code === 'commander.unknownOption') {
    const flags = (command ?? program).options.map((option) => option.long).filter(Boolean);
    return `${message}${command ? ` for "${command.name()}"` : ''} (expected one of: ${[...flags, '--help'].join(', ')})`;
  }
  if (error.code === 'commander.unknownCommand') {
    // Hidden commands (sweep's child processes) are not offered.
    const names = program.createHelp().visibleCommands(program).map((candidate) => candidate.name()).filter((name) => name !== 'help');
    return `${message} (expected one of: ${names.join(', ')})`;
  }
  return message;
}
