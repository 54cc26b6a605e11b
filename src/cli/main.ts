/**
 * The `loraswarm` command line.
 */
// Only what every command needs is imported here: each action imports its command's module
// when it runs, so that a quick command (`airtime`) does not load the simulator, zod, the
// broker, the MQTT client or d3; loading them is most of a start-up.
import { Command, CommanderError, Option } from 'commander';
import { loraswarmVersion } from './launcher.ts';
import { counted } from '../metrics/human-units.ts';
import { exitInputError, reportError, UsageError } from './exit.ts';
import { untilSignal } from './interrupts.ts';
import { portOption } from './commands/options.ts';
import { addSweepCommands } from './commands/sweep-program.ts';
import { runIdPattern } from '../transport/topics.ts';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** When a serving command (`dashboard`) should stop; SIGINT or SIGTERM by default. */
  readonly stop?: Promise<void>;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function seedOption(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new UsageError(`--seed: expected a non-negative integer, found ${JSON.stringify(text)}`);
  return value;
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('loraswarm')
    .description('Simulate swarms of microcontrollers linked by LoRa radios: airtime, duty cycle, collisions, energy.')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined })
    .exitOverride()
    .version(loraswarmVersion(), '--version', 'print loraswarm\'s version');

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
    .option('--ignore-limits', 'run even when the estimate (see `validate`) needs more memory, events, series rows or disk than the bounds allow')
    .option('--checkpoint-every <seconds>', 'save the whole simulation into <out>.partial/ this often (wall time), for --resume after a crash')
    .option('--resume <dir>', 'go on with a stopped run (killed, crashed, out of memory) from its last checkpoint; its scenario and settings are its own')
    .action(async (file: string | undefined, options) => {
      const { runCommand } = await import('./commands/run.ts');
      await runCommand(file, options, io.out, io.err, undefined, () => io.stop ?? untilSignal());
    });

  program
    .command('place')
    .description("place the scenario's model on its nodes and print the plan: which unit where, memory per node")
    .argument('<scenario>', 'scenario YAML file with a model block')
    .option('--seed <n>', 'override the scenario seed', seedOption)
    .option('--set <key=value>', 'override one scenario field, e.g. model.placement.strategy=pack (repeatable)', collect, [])
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, options) => {
      const { placeCommand } = await import('./commands/place.ts');
      placeCommand(file, options, io.out);
    });

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
    .option('--out <dir>', 'sizing directory (default: runs/<scenario name>-sizing)')
    .option('--quiet', 'print nothing on success')
    .action(async (file: string, options) => {
      const { sizeCommand } = await import('./commands/size.ts');
      await sizeCommand(file, options, io.out, io.err);
    });

  addSweepCommands(program, io, seedOption);

  program
    .command('worker')
    .description("run a partition of a run's nodes in this process, through the run's broker")
    .requiredOption('--broker <url>', 'the broker the run uses, mqtt://host:port (the run prints it)')
    .requiredOption('--run <id>', 'the run id (the run prints it)')
    .option('--nodes <partition>', 'the nodes to run, e.g. 200-399, or auto to take the next partition the run offers', 'auto')
    .requiredOption('--credentials <file>', "the credentials file the run wrote (embedded broker) or `loraswarm broker-setup`'s credentials.json")
    .option('--join-timeout <seconds>', 'how long to wait for the run to answer', '120')
    .option('--reconnect-timeout <seconds>', 'how long the broker, or the run whose connection closed, may stay away before the worker stops', '60')
    .option('--quiet', 'print nothing on success')
    .action(async (options) => {
      const { workerCommand } = await import('./commands/worker.ts');
      await workerCommand(options, io.out, io.err);
    });

  const model = program.command('model').description('TinySeek, the small DeepSeek-style MoE model: train, sample, eval, info');
  model
    .command('train')
    .description('train TinySeek from a config file into a model directory')
    .requiredOption('--config <file>', 'training config (YAML): data, model, training, and optionally distillation (a teacher) and quantization (quantization-aware training)')
    .requiredOption('--out <dir>', 'model directory to write, e.g. models/tinyseek-names')
    .option('--quiet', 'print nothing on success')
    .action(async (options: { config: string; out: string; quiet?: boolean }) => (await import('./commands/model.ts')).modelTrainCommand(options, io.out, io.err));
  model
    .command('sample')
    .description('generate texts (names) from a model')
    .argument('<model>', 'model directory (or its model.tskp)')
    .option('--count <n>', 'how many', '10')
    .option('--temperature <t>', 'sampling temperature; 0 is greedy', '1')
    .option('--top-p <p>', 'nucleus sampling mass', '1')
    .option('--seed <n>', 'sampling seed', '1')
    .action(async (dir: string, options: { count: string; temperature: string; topP: string; seed: string }) => (await import('./commands/model.ts')).modelSampleCommand(dir, options, io.out));
  model
    .command('eval')
    .description('the integer model (int8/int4/int2 weights, int8 activations) against the float reference on the validation split')
    .argument('<model>', 'model directory (or its model.tskp)')
    .requiredOption('--bits <n>', 'weight bits: 8, 4 or 2')
    .option('--samples <n>', 'only the first n validation names')
    .option('--reference <model>', 'the float model to judge against (default: the teacher a distilled model records, else its own float weights)')
    .option('--json', 'one JSON object: bits, positions, top1Agreement, klDivergence, bitsPerChar, floatBitsPerChar, reference')
    .action(async (dir: string, options: { bits: string; json?: boolean; samples?: string; reference?: string }) => (await import('./commands/model.ts')).modelEvalCommand(dir, options, io.out));
  model
    .command('quantize')
    .description("(re)write a checkpoint's int8/int4/int2 weights and calibrated scales from its float weights")
    .argument('<model>', 'model directory (or its model.tskp)')
    .action(async (dir: string) => (await import('./commands/model.ts')).modelQuantizeCommand(dir, io.out));
  model
    .command('info')
    .description('per unit: parameters, weight bytes at 8/4/2 bits, MACs per token, latent-KV bytes, bytes crossing the unit')
    .argument('<model>', 'model directory, checkpoint, or training config (YAML)')
    .option('--json', 'one JSON object: config, units, total')
    .action(async (target: string, options: { json?: boolean }) => (await import('./commands/model.ts')).modelInfoCommand(target, options, io.out));

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
      const { dashboardCommand } = await import('./commands/dashboard.ts');
      await dashboardCommand(runDir, options, io.out, io.stop ?? untilSignal());
    });

  program
    .command('watch')
    .description("follow a run's live metrics as its read-only viewer; one JSON line per snapshot, until the run ends")
    .requiredOption('--broker <url>', 'the broker the run uses, mqtt://host:port')
    .requiredOption('--run <id>', 'the run id')
    .requiredOption('--credentials <file>', 'a credentials file with the viewer role (broker-setup\'s credentials.json, or the run\'s)')
    .option('--timeout <seconds>', 'give up if the run has not ended by then')
    .action(async (options) => {
      const { watchCommand } = await import('./commands/watch.ts');
      await watchCommand(options, io.out);
    });

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
    .action(async (options: { run: string; nodes?: string; scenario?: string; set: string[]; dir: string; port: string; host: string; user?: string; wsPort?: string }) => {
      if ((options.nodes === undefined) === (options.scenario === undefined)) throw new UsageError('broker-setup: expected one of --nodes <n> or --scenario <file>');
      const { readScenario } = await import('../scenario/read-scenario.ts');
      const nodes = options.scenario !== undefined ? readScenario(options.scenario, { sets: options.set }).swarm.nodes.length : Number(options.nodes);
      const port = Number(options.port);
      if (!Number.isInteger(nodes) || nodes < 1) throw new UsageError(`--nodes: expected an integer ≥ 1, found ${JSON.stringify(options.nodes)}`);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port: expected a port 1..65535, found ${JSON.stringify(options.port)}`);
      if (!runIdPattern.test(options.run)) throw new UsageError(`--run: expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.run)}`);
      const wsPort = options.wsPort === undefined ? undefined : portOption('--ws-port', options.wsPort);
      if (wsPort === 0 || wsPort === port) throw new UsageError(`--ws-port: expected a port 1..65535 other than --port, found ${JSON.stringify(options.wsPort)}`);
      const { writeMosquittoSetup } = await import('../transport/mosquitto-setup.ts');
      writeMosquittoSetup({ dir: options.dir, runId: options.run, nodes, port, host: options.host, ...(options.user !== undefined && { user: options.user }), ...(wsPort !== undefined && { wsPort }) });
      io.out(
        `wrote ${options.dir}/mosquitto.conf, passwd, acl and credentials.json for run ${options.run}\n` +
          `start:  mosquitto -c ${options.dir}/mosquitto.conf\n` +
          `run:    loraswarm run <scenario> --broker mqtt://${options.host}:${port} --credentials ${options.dir}/credentials.json${wsPort === undefined ? '' : ' --dashboard'}\n` +
          (wsPort === undefined ? '' : `watch:  loraswarm dashboard --attach ws://${options.host}:${wsPort}/mqtt --run ${options.run} --credentials ${options.dir}/credentials.json\n`),
      );
    });

  program
    .command('validate')
    .description('check a scenario file without running it')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value>', 'override one scenario field (repeatable)', collect, [])
    .option('--ignore-limits', 'exit 0 even when the estimate passes the bounds a run may expect to need')
    .action(async (file: string, options: { set: string[]; ignoreLimits?: boolean }) => {
      const { readScenario } = await import('../scenario/read-scenario.ts');
      const { describeEstimate, estimateProblems, estimateRun, thisMachine } = await import('../run/run-estimate.ts');
      const { swarm, name, scenario } = readScenario(file, { sets: options.set });
      const sinks = swarm.nodes.filter((node) => node.role === 'sink').length;
      const estimate = estimateRun(scenario, swarm);
      const { checkLinks, describeLinkCheck } = await import('../run/link-check.ts');
      const { checkWakes, describeWakeCheck } = await import('../run/wake-check.ts');
      const warnings = [...describeLinkCheck(checkLinks(scenario, swarm)), ...describeWakeCheck(checkWakes(scenario, swarm))];
      io.out(`${file}: valid scenario "${name}" (${counted(swarm.nodes.length, 'node')}, ${counted(sinks, 'sink')}, ${scenario.duration / 1000} s, seed ${scenario.seed})\n  ${describeEstimate(estimate)}\n${warnings.map((line) => `${line}\n`).join('')}`);
      const problems = estimateProblems(estimate, thisMachine('runs'));
      if (problems.length > 0 && options.ignoreLimits !== true) {
        throw new UsageError(`a run of it is over the limits: ${problems.join('; ')}. \`loraswarm run\` refuses it unless given --ignore-limits`);
      }
    });

  program
    .command('airtime')
    .description('time on air of one LoRa frame (SX127x/SX126x/SX128x datasheet formulas)')
    .requiredOption('--sf <sf>', 'spreading factor (5-12)')
    .option('--bw <kHz>', 'bandwidth in kHz', '125')
    .option('--cr <rate>', 'coding rate 4/5..4/8', '4/5')
    .requiredOption('--bytes <n>', 'PHY payload bytes (headers and MIC included)')
    .option('--preamble <n>', 'preamble symbols', '8')
    .option('--implicit', 'implicit header')
    .option('--no-crc', 'payload CRC off')
    .option('--ldro <mode>', 'low-data-rate optimisation: auto, on, off', 'auto')
    .option('--chip <family>', 'time-on-air rules: sx127x, sx126x, sx128x', 'sx127x')
    .option('--json', 'print one JSON object')
    .action(async (options) => (await import('./commands/airtime.ts')).airtimeCommand(options, io.out));

  program
    .command('mcu')
    .description('list MCU profiles; with --macs, predict latency and energy of that much work')
    .option('--mcu <id>', 'one MCU profile (default: all)')
    .option('--macs <n>', 'MACs to cost (elements for elementwise and softmax)')
    .option('--op <type>', 'operation type: matmul, conv, depthwise, elementwise, softmax', 'matmul')
    .option('--weight-bytes <n>', 'weight bytes the work reads once (default: one int8 weight per MAC for matmul, none for the others)')
    .option('--weights-in <tier>', 'tier the weights are read from: flash, sram, external', 'flash')
    .option('--json', 'print one JSON object')
    .action(async (options) => (await import('./commands/mcu.ts')).mcuCommand(options, io.out));

  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
    .option('--markdown', 'print the reference of scenario keys as Markdown instead (docs/reference/scenario.md)')
    .action(async (options: { markdown?: boolean }) => {
      const { scenarioJsonSchema } = await import('../scenario/schema.ts');
      if (options.markdown === true) {
        const { scenarioReference } = await import('../scenario/schema-reference.ts');
        io.out(scenarioReference(scenarioJsonSchema()));
        return;
      }
      io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

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
