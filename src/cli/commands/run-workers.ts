/**
 * A run with workers (`run --remote` or `--workers`): the embedded broker's credentials go to a
 * private file the workers read, the run says how to start each worker, and waits until every
 * one has joined.
 */
import type { PreparedMqttTransport } from '../../transport/mqtt-transport.ts';
import { reachableUrl } from '../../transport/mqtt-transport.ts';
import { formatPartition } from '../../transport/partition.ts';
import { writePrivateFile } from '../../transport/private-file.ts';
import { UsageError } from '../exit.ts';
import type { Interrupts } from '../interrupts.ts';
import type { RunInputs } from './run-inputs.ts';
import type { RunState } from './run-state.ts';

/**
 * Writes the workers' credentials (embedded broker: into `state.credentialsFile`), tells how to
 * start the workers through `note`, and resolves when they have all joined.
 *
 * @example
 * if (mqtt && inputs.partitions.length > 0) await awaitWorkers(inputs, mqtt, runId, state, interrupts, note);
 */
export async function awaitWorkers(inputs: RunInputs, mqtt: PreparedMqttTransport, runId: string, state: RunState, interrupts: Interrupts, note: (text: string) => void): Promise<void> {
  const { options, partitions, swarm, outPath } = inputs;
  if (mqtt.broker) {
    // The embedded broker's credentials are made for this run: workers read them from a file.
    const credentialsFile = (state.credentialsFile = options.credentialsOut ?? `${outPath}.credentials.json`);
    const { worker, viewer, node } = mqtt.broker.credentials;
    try {
      writePrivateFile(credentialsFile, `${JSON.stringify({ runId, worker, viewer, nodes: swarm.nodes.map((_, i) => node(i)) }, null, 2)}\n`);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`${options.credentialsOut === undefined ? 'the workers\' credentials' : '--credentials-out'}: cannot write ${credentialsFile} (${reason}): give a path in a directory that exists and this user may write`);
    }
  }
  const credentials = state.credentialsFile ?? options.credentials!;
  const labels = partitions.map((nodes) => formatPartition(nodes));
  // A listener on every interface is reached through this machine's name.
  const reachable = reachableUrl(mqtt.url);
  note(
    `run ${runId}: waiting for ${partitions.length} worker${partitions.length > 1 ? 's' : ''} on ${reachable}; start ${partitions.length > 1 ? 'them' : 'it'} with\n` +
      labels.map((label) => `  loraswarm worker --broker ${reachable} --run ${runId} --nodes ${label} --credentials ${credentials}\n`).join(''),
  );
  await interrupts.race(mqtt.workersReady());
  note(`run ${runId}: every worker joined\n`);
}
