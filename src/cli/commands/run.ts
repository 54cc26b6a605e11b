/**
 * `loraswarm run <scenario>`: validate, simulate, and write the run directory.
 */
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { openRunDirectory, outPathOf, resumeRunDirectory, runDirectoryProblem } from '../../metrics/run-directory.ts';
import { checkpointFileName } from '../../run/run-checkpoint.ts';
import { resumeRun } from './run-resume.ts';
import { saveCheckpoint } from './run-checkpointing.ts';
import { distributionOptions, runIdOf } from './run-distribution.ts';
import { createSimulation } from '../../run/simulate.ts';
import { estimateProblems, estimateRun, thisMachine } from '../../run/run-estimate.ts';
import { summarizeRun, trainedOf } from '../../run/summarize.ts';
import { compressRecords, openResultFiles, type ResultFiles } from '../../run/result-files.ts';
import { prepareMqttTransport, reachableUrl } from '../../transport/mqtt-transport.ts';
import { descriptorProblem } from '../../transport/descriptor-limit.ts';
import { EnvironmentError } from '../../transport/environment-error.ts';
import { rmSync } from 'node:fs';
import { writePrivateFile } from '../../transport/private-file.ts';
import { formatPartition } from '../../transport/partition.ts';
import { InterruptedError, UsageError } from '../exit.ts';
import { untilSignal, watchInterrupts } from '../interrupts.ts';
import { liveDashboardOptions, secondsOption } from './options.ts';
import { createProgress, type Progress } from '../progress.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { inferenceFor } from '../../inference/load-model.ts';
import { describeFrozenTensors, prepareFederated } from '../../fl/setup.ts';
import { reportHtml, unbuiltReportHtml } from '../../dashboard/report.ts';
import { checkWakes, describeWakeCheck } from '../../run/wake-check.ts';
import { roundLine, runPrintout, timingJson } from './run-printout.ts';
import { listenForLiveDashboard, serveFinishedRun, startLiveDashboard, type LiveDashboard } from '../../dashboard/live-run.ts';

export interface RunCommandOptions {
  readonly seed?: number;
  readonly out?: string;
  readonly set: readonly string[];
  readonly transport: string;
  readonly quiet?: boolean;
  /** An external broker's URL (with --credentials from `loraswarm broker-setup`). */
  readonly broker?: string;
  readonly credentials?: string;
  /** Partitions of nodes that `loraswarm worker` processes run (repeatable). */
  readonly remote?: readonly string[];
  /** Or: how many workers, each taking an equal share after the coordinator's. */
  readonly workers?: string;
  /** The embedded broker's TCP listener, [host:]port. */
  readonly listen?: string;
  readonly runId?: string;
  /** Where to write the workers' credentials for the embedded broker. */
  readonly credentialsOut?: string;
  /** Seconds to wait for every worker to join. */
  readonly joinTimeout?: string;
  readonly reconnectTimeout?: string;
  /** Serve the live dashboard during the run (issue 8). */
  readonly dashboard?: boolean;
  /** Virtual seconds per wall second for the live dashboard. */
  readonly pace?: string;
  readonly dashboardPort?: string;
  /** gzip frames.csv and receptions.csv: auto (large runs), on or off. */
  readonly compress?: string;
  /** Run even when the estimate passes the bounds (run-estimate.ts). */
  readonly ignoreLimits?: boolean;
  /** Seconds of wall time between checkpoints of the whole simulation (run-checkpoint.ts). */
  readonly checkpointEvery?: string;
  /** A stopped run's directory to go on from its last checkpoint. */
  readonly resume?: string;
}

const progressSlices = 200;

/** `createRunProgress` makes the run's progress display (a sweep folds it into its own). */
export async function runCommand(
  scenarioFile: string | undefined,
  givenOptions: RunCommandOptions,
  print: (text: string) => void,
  note: (text: string) => void = () => undefined,
  createRunProgress: (label: string) => Progress = createProgress,
  untilStopped: () => Promise<void> = untilSignal,
): Promise<string> {
  const resumed = givenOptions.resume === undefined ? undefined : resumeRun(scenarioFile, givenOptions);
  const options = resumed?.options ?? givenOptions;
  const file = resumed?.scenarioFile ?? scenarioFile;
  if (file === undefined) throw new UsageError('expected a scenario file (or --resume DIR to go on with a stopped run)');
  const checkpointEveryMs = options.checkpointEvery === undefined ? undefined : secondsOption('--checkpoint-every', options.checkpointEvery) * 1000;
  if (options.transport !== 'memory' && options.transport !== 'mqtt') {
    throw new UsageError(`--transport: expected "memory" or "mqtt", found ${JSON.stringify(options.transport)}`);
  }
  const compress = options.compress ?? 'auto';
  if (compress !== 'auto' && compress !== 'on' && compress !== 'off') {
    throw new UsageError(`--compress: expected "auto", "on" or "off", found ${JSON.stringify(compress)}`);
  }
  const loaded = readScenario(file, { sets: options.set, ...(options.seed !== undefined && { seed: options.seed }) });
  const { scenario, swarm, name } = loaded;
  const outPath = outPathOf(options.out ?? join('runs', `${name}-seed${scenario.seed}`));
  const problem = runDirectoryProblem(outPath);
  if (problem) throw new UsageError(`--out: ${problem}`);
  const overLimits = estimateProblems(estimateRun(scenario, swarm), thisMachine(outPath));
  if (overLimits.length > 0 && options.ignoreLimits !== true) {
    throw new UsageError(`this run is over the limits a run may expect to need: ${overLimits.join('; ')}. \`loraswarm validate\` prints the whole estimate; to run it anyway, add --ignore-limits`);
  }
  const liveOptions = liveDashboardOptions(options, scenario.duration);
  const { external, partitions, listen, joinTimeoutMs, reconnectWindowMs } = distributionOptions(options, swarm.nodes.length);
  // A model to serve is read and placed before anything is written: a model that does not fit is refused here.
  const inference = inferenceFor(scenario, swarm);
  if (inference && partitions.length > 0) throw new UsageError('--remote/--workers: swarm inference runs its nodes in one process (workers do not serve models yet); leave them out');
  const federated = scenario.federated ? prepareFederated(scenario, swarm) : undefined;
  // Traffic that sleeping radios cannot receive is said before the run, not found in its fates.
  if (!options.quiet && !resumed) {
    const warnings = [...describeWakeCheck(checkWakes(scenario, swarm)), ...(federated ? describeFrozenTensors(scenario, swarm, federated) : [])];
    for (const line of warnings) note(`loraswarm:${line.slice(1)}\n`);
  }
  if (federated && partitions.length > 0) throw new UsageError('--remote/--workers: federated learning runs its nodes in one process (workers do not train yet); leave them out');
  if (scenario.peerMac && partitions.length > 0) throw new UsageError('--remote/--workers: with peerMac the acknowledgements and channel activity detection run in one process (workers do not yet); leave them out');
  if (scenario.lorawan && partitions.length > 0) throw new UsageError('--remote/--workers: with lorawan the network server and the class A devices run in one process (workers do not yet); leave them out');
  if (scenario.uplinkGateways === 'all' && partitions.length > 0) throw new UsageError('--remote/--workers: with uplinkGateways: all the network server merges every gateway\'s receptions in one process (workers do not yet); leave them out');
  if (checkpointEveryMs !== undefined) {
    const why = partitions.length > 0 ? 'workers' : liveOptions ? 'the live dashboard' : undefined;
    if (why) throw new UsageError(`--checkpoint-every: a run with ${why} cannot be checkpointed yet; leave it out`);
  }
  // The live dashboard's port is taken before anything is written: a busy port is an input error.
  if (options.transport === 'mqtt' || external) {
    const hostedNodes = swarm.nodes.length - partitions.reduce((sum, nodes) => sum + nodes.length, 0);
    const descriptors = descriptorProblem(hostedNodes, !external);
    if (descriptors) throw new EnvironmentError(descriptors);
  }
  const liveSlot = liveOptions && !external ? await listenForLiveDashboard(liveOptions.port).catch((error: Error) => {
    throw new UsageError(`--dashboard-port: cannot listen on 127.0.0.1:${liveOptions.port} (${error.message})`);
  }) : undefined;
  let dir: ReturnType<typeof openRunDirectory>;
  try {
    dir = resumed ? resumeRunDirectory(outPath) : openRunDirectory(outPath);
    if (dir.tookOver !== undefined) note(`loraswarm: ${dir.tookOver}\n`);
  } catch (error) {
    await liveSlot?.server.close();
    throw error;
  }
  let credentialsFile: string | undefined;
  let files: ResultFiles | undefined;
  let simulatedMs = 0;
  let checkpoints = 0;
  let viewerFile: string | undefined;
  const removeCredentials = (): void => {
    if (credentialsFile !== undefined && options.credentialsOut === undefined) rmSync(credentialsFile, { force: true });
    if (viewerFile !== undefined) rmSync(viewerFile, { force: true });
  };
  // Ctrl-C or kill: the run stops between slices and fails cleanly; a second signal at once.
  const interrupts = watchInterrupts(note, () => {
    removeCredentials();
    dir.fail(`stopped at once by a second signal, at ${simulatedMs} ms of simulated time`);
  });
  try {
    const scenarioYaml = `# resolved by loraswarm: defaults applied, durations in ms; rerun it to reproduce this run\n${stringifyYaml({ ...scenario, name })}`;
    if (!resumed) dir.write('scenario.yaml', scenarioYaml);
    const compressed = compressRecords(compress, scenario, swarm);
    files = openResultFiles(dir, swarm, compressed, partitions.length === 0, resumed?.files, scenario.lorawan !== undefined || scenario.peerMac?.ack === true);
    const wallStartMs = performance.now();
    // The MQTT transport runs every frame through the embedded broker (one client per node).
    const runId = external?.credentials.runId ?? options.runId ?? runIdOf(name);
    const mqtt =
      options.transport === 'mqtt' || external
        ? await prepareMqttTransport({
            runId,
            nodes: swarm.nodes.length,
            ...(external && { external }),
            ...(listen && { listen }),
            webSocket: liveOptions !== undefined,
            ...(reconnectWindowMs !== undefined && { reconnectWindowMs }),
            onReconnected: (awayMs) => note(`run ${runId}: the broker was away for ${(awayMs / 1000).toFixed(1)} s; reconnected, resuming\n`),
            ...(partitions.length > 0 && { remote: { partitions, scenarioYaml, ...(joinTimeoutMs !== undefined && { joinTimeoutMs }) } }),
          })
        : undefined;
    let simulation;
    let result;
    let failure: string | undefined;
    let live: LiveDashboard | undefined;
    try {
      if (mqtt && partitions.length > 0) {
        if (mqtt.broker) {
          // The embedded broker's credentials are made for this run: workers read them from a file.
          credentialsFile = options.credentialsOut ?? `${outPath}.credentials.json`;
          const { worker, viewer, node } = mqtt.broker.credentials;
          try {
            writePrivateFile(credentialsFile, `${JSON.stringify({ runId, worker, viewer, nodes: swarm.nodes.map((_, i) => node(i)) }, null, 2)}\n`);
          } catch (error) {
            const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
            throw new UsageError(`${options.credentialsOut === undefined ? 'the workers\' credentials' : '--credentials-out'}: cannot write ${credentialsFile} (${reason}): give a path in a directory that exists and this user may write`);
          }
        }
        const credentials = credentialsFile ?? options.credentials!;
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
      const remoteNodes = new Set(partitions.flat());
      const hosted = partitions.length > 0 ? swarm.nodes.map((_, i) => i).filter((i) => !remoteNodes.has(i)) : undefined;
      // Over MQTT, every sample also goes out as live metrics for viewers (metrics topics only).
      simulation = createSimulation(scenario, swarm, {
        keepRecords: false,
        recordSinks: files.sinks,
        keepSeriesRows: files.seriesSinks.length === 0,
        seriesSinks: files.seriesSinks,
        ...(hosted && { hosted }),
        ...(mqtt && { transport: mqtt.bind, onSample: (snapshot) => mqtt.publishMetrics('live', snapshot) }),
        ...(inference && { inference }),
        ...(federated && { federated }),
      });
      if (liveOptions && mqtt) {
        if (mqtt.broker && liveSlot) {
          // For `dashboard --attach` elsewhere: the viewer's credentials in a private file, not on a command line.
          viewerFile = `${outPath}.viewer.json`;
          writePrivateFile(viewerFile, `${JSON.stringify({ runId, viewer: mqtt.broker.credentials.viewer }, null, 2)}\n`);
        }
        live = await startLiveDashboard({
          ...(viewerFile !== undefined && { viewerCredentialsFile: viewerFile }),
          mqtt, runId, title: `${name}, seed ${scenario.seed}`, durationMs: scenario.duration, swarm, simulation,
          ...(liveSlot && { slot: liveSlot }),
          ...(liveOptions.pace !== undefined && { pace: liveOptions.pace }),
          ...(inference && { served: { plan: inference.plan, symbols: inference.symbols } }),
          ...(scenario.federated?.targetAccuracy !== undefined && { accuracyTarget: scenario.federated.targetAccuracy }),
          ...(options.credentials !== undefined && { credentialsFile: options.credentials }),
        });
        const paced = liveOptions.pace === undefined ? '' : `, paced at ${liveOptions.pace} virtual seconds per second${options.pace === undefined ? ' (--pace F or max to change)' : ''}`;
        note(`${live.url ? `dashboard: ${live.url} (live${paced})\n  follow it from elsewhere with: ` : `dashboard: the live feed goes to ${mqtt.url}${paced}; serve it with\n  `}${live.attach}\n`);
      }
      // Paced, the run steps every 200 ms of wall time at most, so that the page moves smoothly.
      // Checkpoints are taken between slices: a checkpointed run takes ten times as many (slicing changes no result).
      const slices = checkpointEveryMs === undefined ? progressSlices : 10 * progressSlices;
      const steps = resumed?.header.steps ?? (liveOptions?.pace === undefined ? slices : Math.max(slices, Math.ceil(scenario.duration / (liveOptions.pace * 200))));
      if (resumed) {
        simulation.restore(resumed.state);
        simulatedMs = resumed.header.simulatedMs;
        note(`run ${name}: resumed from its checkpoint at ${simulatedMs} ms of simulated time (slice ${resumed.header.step} of ${steps})\n`);
      }
      const progress = createRunProgress(`run ${name}`);
      // A federated run says how each round went as it closes (on stderr, like the progress).
      let roundsReported = simulation.federated?.rounds.filter((round) => !Number.isNaN(round.endMs)).length ?? 0;
      const reportRounds = (): void => {
        const rounds = simulation!.federated?.rounds ?? [];
        for (; roundsReported < rounds.length && !Number.isNaN(rounds[roundsReported]!.endMs); roundsReported++) if (!options.quiet) progress.log?.(`${roundLine(rounds[roundsReported]!)}\n`);
      };
      let lastCheckpointMs = performance.now();
      for (let step = (resumed?.header.step ?? 0) + 1; step <= steps; step++) {
        const untilMs = (scenario.duration * step) / steps;
        if (mqtt) await simulation.advanceAsync(untilMs);
        else simulation.advance(untilMs);
        simulatedMs = untilMs;
        progress.update(step / steps);
        reportRounds();
        await live?.step(untilMs);
        // The event loop turns between slices: the progress bar redraws, compressed files are written, signals come in.
        await new Promise((resolve) => setImmediate(resolve));
        interrupts.check();
        if (checkpointEveryMs !== undefined && step < steps && performance.now() - lastCheckpointMs >= checkpointEveryMs) {
          const header = { name, transport: mqtt ? ('mqtt' as const) : ('memory' as const), compress: compressed, checkpointEverySeconds: checkpointEveryMs / 1000, step, steps, simulatedMs };
          if (await saveCheckpoint(simulation, files, dir.partialPath, header)) checkpoints++;
          lastCheckpointMs = performance.now();
        }
      }
      // The live view follows the drain after the duration too, step by step.
      if (live && mqtt) {
        const stepMs = scenario.duration / steps;
        for (let untilMs = scenario.duration + stepMs; await simulation.drainAsync(untilMs); untilMs += stepMs) await live.step(untilMs);
      }
      result = mqtt ? await simulation.finishAsync() : simulation.finish();
      reportRounds();
      progress.stop();
      // Viewers (`loraswarm watch`, dashboards) learn that the run is over.
      if (mqtt) {
        const ended = live?.finish(result.drainedUntilMs, join(outPath, 'report.html'));
        const totals = simulation.tracker.totals();
        mqtt.publishMetrics('end', { atMs: result.drainedUntilMs, events: result.events, framesSent: totals.sent, received: totals.fates.received, messagesDelivered: totals.messageDeliveries, ...ended });
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      if (live && failure !== undefined) live.abort(failure);
      await live?.settle();
      // A finished run's page stays up (below); a failed one's closes now.
      if (failure !== undefined || !liveSlot) await (live ?? liveSlot?.server)?.close();
      await mqtt?.close(failure);
      removeCredentials();
    }
    const simulateWallMs = performance.now() - wallStartMs;

    const served = inference && simulation.inference ? { engine: simulation.inference, plan: inference.plan } : undefined;
    const { totals, nodeReports, summary } = summarizeRun(name, scenario.seed, swarm, simulation.tracker, result, served, trainedOf(simulation, federated, scenario));
    await files.finish({ simulation, result, summary, nodeReports, inference, federated });
    // The dashboard of the files above, self-contained: it opens from disk.
    dir.write('report.html', await reportHtml(dir.partialPath, true).catch((error: Error) => unbuiltReportHtml(error)));
    const totalWallMs = performance.now() - wallStartMs;
    dir.write(
      'timing.json',
      timingJson({
        simulateWallMs,
        totalWallMs,
        result,
        transport: mqtt ? (external ? `mqtt (${external.url})` : 'mqtt (embedded aedes)') : 'memory',
        workers: partitions.map((nodes) => formatPartition(nodes)),
        ...(checkpointEveryMs !== undefined && { checkpoints }),
        ...(resumed && { resumedAtMs: resumed.header.simulatedMs }),
      }),
    );
    // A finished run needs no checkpoint: its directory holds what an uninterrupted run's does.
    rmSync(join(dir.partialPath, checkpointFileName), { force: true });
    rmSync(join(dir.partialPath, `${checkpointFileName}.tmp`), { force: true });
    dir.commit();
    if (!options.quiet) print(runPrintout({ name, seed: scenario.seed, nodes: swarm.nodes.length, result, simulateWallMs, totals, summary, served: served !== undefined, federated: federated !== undefined, outPath }));
    if (liveSlot) {
      interrupts.dispose();
      await serveFinishedRun(liveSlot, outPath, note, untilStopped());
    }
    return outPath;
  } catch (error) {
    await liveSlot?.server.close();
    await files?.abort().catch(() => undefined);
    const expected = error instanceof UsageError || (error instanceof Error && error.name === 'EnvironmentError');
    dir.fail(error instanceof InterruptedError ? `${error.message} at ${simulatedMs} ms of simulated time` : error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error));
    throw error;
  } finally {
    interrupts.dispose();
  }
}
