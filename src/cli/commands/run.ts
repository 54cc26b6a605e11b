/**
 * `loraswarm run <scenario>`: validate, simulate, and write the run directory.
 */
import { join } from 'node:path';
import { cpus } from 'node:os';
import { stringify as stringifyYaml } from 'yaml';
import { buildSummary } from '../../metrics/summary.ts';
import { framesCsv, nodesCsv, receptionsCsv } from '../../metrics/tables.ts';
import { openRunDirectory, runDirectoryProblem } from '../../metrics/run-directory.ts';
import { nodeReport } from '../../metrics/node-report.ts';
import { seriesCsv } from '../../metrics/series.ts';
import { createSimulation } from '../../scenario/simulate.ts';
import { prepareMqttTransport } from '../../transport/mqtt-transport.ts';
import type { RunCredentials } from '../../transport/mosquitto-setup.ts';
import { readFileSync } from 'node:fs';
import { UsageError } from '../exit.ts';
import { createProgress } from '../progress.ts';
import { readScenario } from '../read-scenario.ts';

export interface RunCommandOptions {
  readonly seed?: number;
  readonly out?: string;
  readonly set: readonly string[];
  readonly transport: string;
  readonly quiet?: boolean;
  /** An external broker's URL (with --credentials from `loraswarm broker-setup`). */
  readonly broker?: string;
  readonly credentials?: string;
}

const progressSlices = 200;

export async function runCommand(file: string, options: RunCommandOptions, print: (text: string) => void): Promise<string> {
  if (options.transport !== 'memory' && options.transport !== 'mqtt') {
    throw new UsageError(`--transport: expected "memory" or "mqtt", found ${JSON.stringify(options.transport)}`);
  }
  const loaded = readScenario(file, { sets: options.set, ...(options.seed !== undefined && { seed: options.seed }) });
  const { scenario, swarm, name } = loaded;
  const outPath = options.out ?? join('runs', `${name}-seed${scenario.seed}`);
  const problem = runDirectoryProblem(outPath);
  if (problem) throw new UsageError(`--out: ${problem}`);
  const dir = openRunDirectory(outPath);
  try {
    dir.write('scenario.yaml', `# resolved by loraswarm: defaults applied, durations in ms; rerun it to reproduce this run\n${stringifyYaml({ ...scenario, name })}`);
    const wallStartMs = performance.now();
    // The MQTT transport runs every frame through the embedded broker (one client per node).
    const external = externalBroker(options, swarm.nodes.length);
    const mqtt =
      options.transport === 'mqtt' || external
        ? await prepareMqttTransport({ runId: external?.credentials.runId ?? runIdOf(name), nodes: swarm.nodes.length, ...(external && { external }) })
        : undefined;
    let simulation;
    let result;
    try {
      // Over MQTT, every sample also goes out as live metrics for viewers (metrics topics only).
      simulation = createSimulation(scenario, swarm, mqtt ? { transport: mqtt.bind, onSample: (snapshot) => mqtt.publishMetrics('live', snapshot) } : {});
      const progress = createProgress(`run ${name}`);
      for (let slice = 1; slice <= progressSlices; slice++) {
        const untilMs = (scenario.duration * slice) / progressSlices;
        if (mqtt) await simulation.advanceAsync(untilMs);
        else simulation.advance(untilMs);
        progress.update(slice / progressSlices);
        if (process.stderr.isTTY) await new Promise((resolve) => setImmediate(resolve));
      }
      result = mqtt ? await simulation.finishAsync() : simulation.finish();
      progress.stop();
    } finally {
      await mqtt?.close();
    }
    const simulateWallMs = performance.now() - wallStartMs;

    const { tracker } = simulation;
    const totals = tracker.totals();
    const nodeReports = swarm.nodes.map((spec, i) =>
      nodeReport({
        id: spec.id,
        mcuId: spec.mcu.id,
        batteryId: spec.power.battery.id,
        mains: spec.power.mains,
        energy: result.nodeTotals[i]!.energy,
        memory: result.nodeTotals[i]!.memory,
        tally: tracker.nodes[i]!,
      }),
    );
    const summary = buildSummary({
      scenario: name,
      seed: scenario.seed,
      durationMs: result.durationMs,
      drainedUntilMs: result.drainedUntilMs,
      events: result.events,
      nodes: swarm.nodes.length,
      sinks: swarm.nodes.filter((node) => node.role === 'sink').length,
      senders: swarm.nodes.filter((node) => node.traffic).length,
      totals,
      nodeReports,
    });
    dir.write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    dir.write('frames.csv', framesCsv(tracker.frames, swarm.nodes));
    dir.write('receptions.csv', receptionsCsv(tracker.receptions, swarm.nodes));
    dir.write('nodes.csv', nodesCsv(tracker.nodes, swarm.nodes, result.durationMs, swarm.region, nodeReports));
    dir.write('series.csv', seriesCsv(simulation.series, swarm.nodes.map((node) => node.id)));
    const totalWallMs = performance.now() - wallStartMs;
    dir.write(
      'timing.json',
      `${JSON.stringify(
        {
          startedAt: new Date(Date.now() - totalWallMs).toISOString(),
          simulateWallMs: Math.round(simulateWallMs),
          totalWallMs: Math.round(totalWallMs),
          eventsPerSecond: Math.round(result.events / (simulateWallMs / 1000)),
          virtualToWallRatio: Math.round(result.drainedUntilMs / simulateWallMs),
          node: process.version,
          platform: `${process.platform} ${process.arch}`,
          cpu: cpus()[0]?.model ?? 'unknown',
          transport: mqtt ? (external ? `mqtt (${external.url})` : 'mqtt (embedded aedes)') : 'memory',
        },
        null,
        2,
      )}\n`,
    );
    dir.commit();
    if (!options.quiet) {
      const der = summary.der as number | null;
      print(
        [
          `run ${name} (seed ${scenario.seed}): ${swarm.nodes.length} nodes, ${(result.durationMs / 1000).toFixed(0)} s simulated in ${(simulateWallMs / 1000).toFixed(2)} s`,
          `  frames: ${totals.attempts} attempts, ${totals.sent} sent, ${totals.dutyCycleBlocked} dutyCycleBlocked`,
          `  fates:  ${Object.entries(totals.fates).filter(([, n]) => n > 0).map(([fate, n]) => `${fate} ${n}`).join(', ') || 'none'}`,
          `  DER ${der === null ? 'n/a' : der.toFixed(4)}, airtime ${(totals.airtimeMs / 1000).toFixed(1)} s, energy ${(summary.energyJ as { total: number }).total.toFixed(3)} J (radio TX ${(summary.energyJ as { radioTx: number }).radioTx.toFixed(3)} J), ${(summary.nodes as { died: number }).died} nodes died`,
          `  results in ${outPath}/`,
        ].join('\n') + '\n',
      );
    }
    return outPath;
  } catch (error) {
    dir.fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
}

/** A run id for MQTT topics: the scenario name, made safe, with a random suffix. */
function runIdOf(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40) || 'run';
  return `${/^[A-Za-z0-9]/.test(safe) ? safe : `r${safe}`}-${Math.floor(Math.random() * 1e8).toString(36)}`;
}

/** The external broker given by --broker and --credentials, checked before the run. */
function externalBroker(options: RunCommandOptions, nodes: number): { url: string; credentials: RunCredentials } | undefined {
  if (options.broker === undefined && options.credentials === undefined) return undefined;
  if (options.broker === undefined || options.credentials === undefined) {
    throw new UsageError('--broker and --credentials go together (write the credentials with `loraswarm broker-setup`)');
  }
  if (!/^mqtts?:\/\/[^\s/]+$/.test(options.broker)) throw new UsageError(`--broker: expected mqtt://host:port, found ${JSON.stringify(options.broker)}`);
  let credentials: RunCredentials;
  try {
    credentials = JSON.parse(readFileSync(options.credentials, 'utf8')) as RunCredentials;
  } catch (error) {
    throw new UsageError(`--credentials: expected the credentials.json written by \`loraswarm broker-setup\`, found ${(error as Error).message}`);
  }
  if (!Array.isArray(credentials.nodes) || credentials.nodes.length !== nodes) {
    throw new UsageError(`--credentials: expected credentials for the scenario's ${nodes} nodes, found ${Array.isArray(credentials.nodes) ? credentials.nodes.length : 'none'}`);
  }
  return { url: options.broker, credentials };
}
