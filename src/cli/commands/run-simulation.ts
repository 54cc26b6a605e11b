/**
 * The simulating part of `loraswarm run`, from the opened run directory to the result: the
 * resolved scenario and the result files are written, the transport prepared (the embedded
 * broker or an external one, over MQTT), the workers awaited, the live dashboard started and
 * the simulation advanced to its end; then whatever was opened for it is closed, whether it
 * succeeded or not.
 */
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { servedModelDigest } from '../../inference/model-digest.ts';
import { federatedTaskDigest } from '../../fl/task-digest.ts';
import type { LiveDashboard, LiveServerSlot } from '../../dashboard/live-run.ts';
import { reportDigesterOf, startReportWriter, type ReportDigester } from '../../dashboard/digest/report-digester.ts';
import type { DigestTap } from '../../dashboard/digest/report-digester-protocol.ts';
import { reportLimits } from '../../dashboard/run-files.ts';
import type { RunDirectory } from '../../metrics/run-directory.ts';
import { openResultFiles, streamedWriting, type ResultFiles } from '../../run/result-files.ts';
import { createSimulation, type Simulation, type SimulationResult } from '../../run/simulate.ts';
import type { PreparedMqttTransport } from '../../transport/mqtt-transport.ts';
import type { Interrupts } from '../interrupts.ts';
import type { Progress } from '../progress.ts';
import { runIdOf } from './run-distribution.ts';
import type { RunInputs } from './run-inputs.ts';
import { advanceInSlices } from './run-slices.ts';
import { removeCredentialFiles, type RunState } from './run-state.ts';

/** A simulated run, ready to be summarized and written. */
export interface SimulatedRun {
  readonly simulation: Simulation;
  readonly result: SimulationResult;
  readonly files: ResultFiles;
  /** The digests of the streamed files made as they were written, for the report, if any. */
  readonly digester: ReportDigester | undefined;
  /** Whether the frames went through a broker. */
  readonly overMqtt: boolean;
  /** performance.now() when the simulation began (after the run directory opened). */
  readonly wallStartMs: number;
  readonly simulateWallMs: number;
}

/** Where the simulation runs and reports: the run's opened directory and its watchers. */
export interface RunSurroundings {
  readonly dir: RunDirectory;
  /** The live dashboard's listener, taken before the run began. */
  readonly liveSlot: LiveServerSlot | undefined;
  readonly state: RunState;
  readonly interrupts: Interrupts;
  readonly note: (text: string) => void;
  readonly createRunProgress: (label: string) => Progress;
}

/**
 * Simulates the run of `inputs` into `dir` and returns its result. A failure closes the
 * transport with its reason and the live page; the credentials files are always removed.
 *
 * @example
 * const simulated = await simulateIntoRunDirectory(inputs, { dir, liveSlot, state, interrupts, note, createRunProgress });
 */
export async function simulateIntoRunDirectory(inputs: RunInputs, surroundings: RunSurroundings): Promise<SimulatedRun> {
  const { scenario, swarm, name, resumed, partitions, options } = inputs;
  const { dir, liveSlot, state, interrupts, note } = surroundings;
  const scenarioYaml = `# resolved by loraswarm: defaults applied, durations in ms; rerun it to reproduce this run\n${stringifyYaml({ ...scenario, name })}`;
  if (!resumed) dir.write('scenario.yaml', scenarioYaml);
  const { compress: compressed, threaded, digested } = streamedWriting({ compress: inputs.compress, thread: inputs.writeThread, reportThread: inputs.reportThread }, scenario, swarm);
  // The report's figures digested on the writer thread as it writes the files: a run that starts
  // afresh (a resumed run's files began before it).
  const digesting = digested && !resumed;
  const files = (state.files = openResultFiles(dir, swarm, compressed, partitions.length === 0, resumed?.files, scenario.lorawan !== undefined || scenario.peerMac?.ack === true, threaded, digesting ? { worker: startReportWriter(), tap: { limits: reportLimits } satisfies DigestTap } : undefined));
  const digester = (state.digester = files.thread && reportDigesterOf(files.thread));
  const wallStartMs = performance.now();
  const runId = inputs.external?.credentials.runId ?? options.runId ?? runIdOf(name);
  const mqtt = options.transport === 'mqtt' || inputs.external ? await prepareTransport(inputs, runId, scenarioYaml, note) : undefined;
  let simulation: Simulation | undefined;
  let result: SimulationResult;
  let failure: string | undefined;
  let live: LiveDashboard | undefined;
  try {
    // Loaded when used: a run over memory needs neither MQTT nor the dashboard's server.
    if (mqtt && partitions.length > 0) await (await import('./run-workers.ts')).awaitWorkers(inputs, mqtt, runId, state, interrupts, note);
    simulation = simulationOf(inputs, files, mqtt);
    if (inputs.liveOptions && mqtt) live = await (await import('./run-live.ts')).startRunDashboard(inputs, inputs.liveOptions, mqtt, runId, simulation, liveSlot, state, note);
    result = await advanceInSlices({ inputs, simulation, mqtt, live, files, partialPath: dir.partialPath, compressed, state, interrupts, note }, surroundings.createRunProgress);
    // Viewers (`loraswarm watch`, dashboards) learn that the run is over.
    if (mqtt) {
      const ended = live?.finish(result.drainedUntilMs, join(inputs.outPath, 'report.html'));
      const totals = simulation.tracker.totals();
      mqtt.publishMetrics('end', { atMs: result.drainedUntilMs, events: result.events, framesSent: totals.sent, received: totals.fates.received, messagesDelivered: totals.messageDeliveries, ...ended });
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    // A failed run's training threads end with it (a finished run's end as its books close).
    if (failure !== undefined) simulation?.federated?.abandon();
    if (live && failure !== undefined) live.abort(failure);
    await live?.settle();
    // A finished run's page stays up (runCommand serves it); a failed one's closes now.
    if (failure !== undefined || !liveSlot) await (live ?? liveSlot?.server)?.close();
    await mqtt?.close(failure);
    removeCredentialFiles(state, options.credentialsOut);
  }
  return { simulation, result, files, digester, overMqtt: mqtt !== undefined, wallStartMs, simulateWallMs: performance.now() - wallStartMs };
}

/** The MQTT transport runs every frame through the embedded broker (one client per node), or through an external one. */
async function prepareTransport(inputs: RunInputs, runId: string, scenarioYaml: string, note: (text: string) => void): Promise<PreparedMqttTransport> {
  const { prepareMqttTransport } = await import('../../transport/mqtt-transport.ts');
  const { external, listen, reconnectWindowMs, partitions, joinTimeoutMs } = inputs;
  return prepareMqttTransport({
    runId,
    nodes: inputs.swarm.nodes.length,
    ...(external && { external }),
    ...(listen && { listen }),
    webSocket: inputs.liveOptions !== undefined,
    ...(reconnectWindowMs !== undefined && { reconnectWindowMs }),
    onReconnected: (awayMs) => note(`run ${runId}: the broker was away for ${(awayMs / 1000).toFixed(1)} s; reconnected, resuming\n`),
    ...(partitions.length > 0 && { remote: { partitions, scenarioYaml, ...(joinTimeoutMs !== undefined && { joinTimeoutMs }), ...(inputs.inference && { modelDigest: servedModelDigest(inputs.inference) }), ...(inputs.federated && { taskDigest: federatedTaskDigest(inputs.federated) }) } }),
  });
}

/** The simulation of the nodes this process hosts; over MQTT, every sample also goes out as live metrics for viewers (metrics topics only). */
function simulationOf(inputs: RunInputs, files: ResultFiles, mqtt: PreparedMqttTransport | undefined): Simulation {
  const { scenario, swarm, partitions, inference, federated, trainingThreads } = inputs;
  const remoteNodes = new Set(partitions.flat());
  const hosted = partitions.length > 0 ? swarm.nodes.map((_, i) => i).filter((i) => !remoteNodes.has(i)) : undefined;
  return createSimulation(scenario, swarm, {
    keepRecords: false,
    recordSinks: files.sinks,
    keepSeriesRows: files.seriesSinks.length === 0,
    seriesSinks: files.seriesSinks,
    ...(hosted && { hosted }),
    ...(mqtt && { transport: mqtt.bind, onSample: (snapshot) => mqtt.publishMetrics('live', snapshot) }),
    ...(inference && { inference }),
    ...(federated && { federated, trainingThreads }),
  });
}
