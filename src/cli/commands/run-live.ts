/**
 * `run --dashboard`: the live dashboard of a run over MQTT, served on the slot the run took
 * before it started (embedded broker), or published to an external broker for
 * `dashboard --attach` to serve.
 */
import { startLiveDashboard, type LiveDashboard, type LiveServerSlot } from '../../dashboard/live-run.ts';
import type { Simulation } from '../../run/simulate.ts';
import type { PreparedMqttTransport } from '../../transport/mqtt-transport.ts';
import { writePrivateFile } from '../../transport/private-file.ts';
import type { RunInputs } from './run-inputs.ts';
import type { RunState } from './run-state.ts';

/**
 * Starts the live dashboard of `simulation` and says through `note` where to see it; with the
 * embedded broker, the viewer's credentials go to a private file (`state.viewerFile`).
 *
 * @example
 * const live = await startRunDashboard(inputs, inputs.liveOptions, mqtt, runId, simulation, liveSlot, state, note);
 */
export async function startRunDashboard(
  inputs: RunInputs,
  liveOptions: NonNullable<RunInputs['liveOptions']>,
  mqtt: PreparedMqttTransport,
  runId: string,
  simulation: Simulation,
  liveSlot: LiveServerSlot | undefined,
  state: RunState,
  note: (text: string) => void,
): Promise<LiveDashboard> {
  const { options, outPath, name, scenario, swarm, inference } = inputs;
  if (mqtt.broker && liveSlot) {
    // For `dashboard --attach` elsewhere: the viewer's credentials in a private file, not on a command line.
    state.viewerFile = `${outPath}.viewer.json`;
    writePrivateFile(state.viewerFile, `${JSON.stringify({ runId, viewer: mqtt.broker.credentials.viewer }, null, 2)}\n`);
  }
  const live = await startLiveDashboard({
    ...(state.viewerFile !== undefined && { viewerCredentialsFile: state.viewerFile }),
    mqtt, runId, title: `${name}, seed ${scenario.seed}`, durationMs: scenario.duration, swarm, simulation,
    ...(liveSlot && { slot: liveSlot }),
    ...(liveOptions.pace !== undefined && { pace: liveOptions.pace }),
    ...(inference && { served: { plan: inference.plan, symbols: inference.symbols } }),
    ...(scenario.federated?.targetAccuracy !== undefined && { accuracyTarget: scenario.federated.targetAccuracy }),
    ...(options.credentials !== undefined && { credentialsFile: options.credentials }),
  });
  const paced = liveOptions.pace === undefined ? '' : `, paced at ${liveOptions.pace} virtual seconds per second${options.pace === undefined ? ' (--pace F or max to change)' : ''}`;
  note(`${live.url ? `dashboard: ${live.url} (live${paced})\n  follow it from elsewhere with: ` : `dashboard: the live feed goes to ${mqtt.url}${paced}; serve it with\n  `}${live.attach}\n`);
  return live;
}
