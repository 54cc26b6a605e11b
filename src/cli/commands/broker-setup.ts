/** `loraswarm broker-setup`: the files a Mosquitto broker needs to carry one run, and how to start it. */
import { runIdPattern } from '../../transport/topics.ts';
import { UsageError } from '../exit.ts';
import { portOption } from './options.ts';
import { remotePartitions } from './run-distribution.ts';

export interface BrokerSetupOptions {
  readonly run: string;
  readonly nodes?: string;
  readonly scenario?: string;
  readonly set: readonly string[];
  readonly dir: string;
  readonly port: string;
  readonly host: string;
  readonly user?: string;
  readonly wsPort?: string;
  /** How the run will split its nodes (`run --workers` or `--remote`): partition users for each worker's nodes and for the run's own. */
  readonly workers?: string;
  readonly remote?: readonly string[];
}

/**
 * Checks the flags, writes mosquitto.conf, passwd, acl and credentials.json into `options.dir`
 * and prints the commands that start the broker and use it.
 *
 * @example
 * await brokerSetupCommand({ run: 'r1', nodes: '8', set: [], dir: 'broker', port: '1883', host: '127.0.0.1' }, print);
 */
export async function brokerSetupCommand(options: BrokerSetupOptions, print: (text: string) => void): Promise<void> {
  if ((options.nodes === undefined) === (options.scenario === undefined)) throw new UsageError('broker-setup: expected one of --nodes <n> or --scenario <file>');
  // The scenario reader (zod, YAML) and the setup writer load only when they are needed.
  const { readScenario } = await import('../../scenario/read-scenario.ts');
  const nodes = options.scenario !== undefined ? readScenario(options.scenario, { sets: options.set }).swarm.nodes.length : Number(options.nodes);
  const port = Number(options.port);
  if (!Number.isInteger(nodes) || nodes < 1) throw new UsageError(`--nodes: expected an integer ≥ 1, found ${JSON.stringify(options.nodes)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port: expected a port 1..65535, found ${JSON.stringify(options.port)}`);
  if (!runIdPattern.test(options.run)) throw new UsageError(`--run: expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.run)}`);
  const wsPort = options.wsPort === undefined ? undefined : portOption('--ws-port', options.wsPort);
  if (wsPort === 0 || wsPort === port) throw new UsageError(`--ws-port: expected a port 1..65535 other than --port, found ${JSON.stringify(options.wsPort)}`);
  const partitions = processPartitions(options, nodes);
  const { writeMosquittoSetup } = await import('../../transport/mosquitto-setup.ts');
  writeMosquittoSetup({ dir: options.dir, runId: options.run, nodes, port, host: options.host, partitions, ...(options.user !== undefined && { user: options.user }), ...(wsPort !== undefined && { wsPort }) });
  print(
    `wrote ${options.dir}/mosquitto.conf, passwd, acl and credentials.json for run ${options.run} (${nodes} nodes, ${partitions.length === 1 ? 'one process' : `${partitions.length} processes`}: a connection per 64 nodes)\n` +
      `start:  mosquitto -c ${options.dir}/mosquitto.conf\n` +
      `run:    loraswarm run <scenario> --broker mqtt://${options.host}:${port} --credentials ${options.dir}/credentials.json${wsPort === undefined ? '' : ' --dashboard'}\n` +
      (wsPort === undefined ? '' : `watch:  loraswarm dashboard --attach ws://${options.host}:${wsPort}/mqtt --run ${options.run} --credentials ${options.dir}/credentials.json\n`),
  );
}

/**
 * The node set of each process of the run: the workers' (--workers or --remote, checked as
 * `run` checks them) and the run's own, the rest. Without either flag, one process runs them all.
 */
function processPartitions(options: BrokerSetupOptions, nodes: number): number[][] {
  const remote = remotePartitions({ remote: options.remote ?? [], ...(options.workers !== undefined && { workers: options.workers }) }, nodes);
  const elsewhere = new Set(remote.flat());
  const own = Array.from({ length: nodes }, (_, i) => i).filter((i) => !elsewhere.has(i));
  return [own, ...remote].filter((set) => set.length > 0);
}
