/**
 * Swarm inference benchmark (printed, never asserted), run in its own process by bench/run.ts:
 * simulated tokens per wall-clock second for the quickstart (and its 2.4 GHz variant) over the
 * memory transport and through the embedded MQTT broker, and the wall time of a `size` sweep.
 */
import { readScenario } from '../src/scenario/read-scenario.ts';
import { inferenceFor } from '../src/inference/load-model.ts';
import { createSimulation } from '../src/run/simulate.ts';
import { prepareMqttTransport } from '../src/transport/mqtt-transport.ts';

async function tokensPerSecond(file: string, transport: 'memory' | 'mqtt'): Promise<{ tokens: number; frames: number; ms: number }> {
  const { scenario, swarm } = readScenario(file);
  const setup = inferenceFor(scenario, swarm)!;
  const mqtt = transport === 'mqtt' ? await prepareMqttTransport({ runId: 'bench-inference', nodes: swarm.nodes.length }) : undefined;
  try {
    const start = performance.now();
    const simulation = createSimulation(scenario, swarm, { inference: setup, keepRecords: false, ...(mqtt && { transport: mqtt.bind }) });
    if (mqtt) await simulation.finishAsync();
    else simulation.finish();
    const ms = performance.now() - start;
    return { tokens: simulation.inference!.tokens.length, frames: simulation.tracker.totals().sent, ms };
  } finally {
    await mqtt?.close();
  }
}

for (const file of ['scenarios/quickstart.yaml', 'scenarios/inference-2g4.yaml', 'scenarios/inference-replicas.yaml']) {
  // The first run warms the JIT and reads the checkpoint.
  await tokensPerSecond(file, 'memory');
  for (const transport of ['memory', 'mqtt'] as const) {
    const best = [await tokensPerSecond(file, transport), await tokensPerSecond(file, transport)].sort((a, b) => a.ms - b.ms)[0]!;
    console.log(
      `inference ${file.replace(/^scenarios\//, '')} over ${transport}: ${best.tokens} token passes, ${best.frames} frames in ${(best.ms / 1000).toFixed(2)} s wall: ` +
        `${(best.tokens / (best.ms / 1000)).toFixed(0)} tokens/s, ${(best.frames / (best.ms / 1000)).toFixed(0)} frames/s (best of 2)`,
    );
  }
}
