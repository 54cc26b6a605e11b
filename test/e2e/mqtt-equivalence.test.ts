import { afterEach, describe, expect, it } from 'vitest';
import { prepareMqttTransport, type PreparedMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { loadScenario } from '../helpers/scenario.ts';

let prepared: PreparedMqttTransport | undefined;
afterEach(async () => {
  await prepared?.close();
  prepared = undefined;
});

async function runBoth(file: string, sets: string[]) {
  const { scenario, swarm } = loadScenario(file, sets);
  const memory = createSimulation(scenario, swarm);
  const memoryResult = memory.finish();
  prepared = await prepareMqttTransport({ runId: 'eq', nodes: swarm.nodes.length });
  const mqtt = createSimulation(scenario, swarm, { transport: prepared.bind });
  const mqttResult = await mqtt.finishAsync();
  return { memory, memoryResult, mqtt, mqttResult, broker: prepared.broker! };
}

/** Sleeping peers (some dying), a gateway, broadcasts and fragmented messages. */
const busy = `
duration: 10min
region: eu868
radio: { sf: 7 }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: sleeper
    count: 8
    placement: { shape: rectangle, widthM: 300, heightM: 300 }
    node: { battery: cr2032, initialStateOfCharge: 0.0378, wake: { mode: rendezvous, period: 2s, window: 20ms } }
    traffic: { kind: poisson, interval: 5s, payloadBytes: 10, to: peer, deadline: 1min }
  - name: sensor
    count: 6
    placement: { shape: disc, radiusM: 400 }
    traffic: { kind: poisson, interval: 20s, payloadBytes: 300, to: sink }
  - name: beacon
    count: 2
    placement: { shape: grid, spacingM: 100 }
    traffic: { kind: periodic, interval: 30s, payloadBytes: 40, to: broadcast }
`;

describe('the MQTT transport on the embedded broker', () => {
  it('gives exactly the memory transport\u2019s books for the aloha scenario, and carries the traffic', async () => {
    const { memory, memoryResult, mqtt, mqttResult, broker } = await runBoth('scenarios/aloha.yaml', ['duration=5min', 'groups.1.count=30']);
    expect(mqttResult).toEqual(memoryResult);
    expect(mqtt.tracker.frames).toEqual(memory.tracker.frames);
    expect(mqtt.tracker.receptions.map((r) => [r.sender, r.seq, r.receiver, r.fate, r.rxPowerDbm])).toEqual(
      memory.tracker.receptions.map((r) => [r.sender, r.seq, r.receiver, r.fate, r.rxPowerDbm]),
    );
    const totals = mqtt.tracker.totals();
    // aedes counts a publish on its 'publish' event, which may trail the delivery slightly.
    for (let i = 0; i < 100 && broker.stats.published.tx + broker.stats.published.rx < totals.sent + totals.fates.received; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The broker's own counts: one tx publish per frame sent, one rx publish per received frame
    // (the sink is a gateway, so no preamble notices travel).
    expect(broker.stats.published.tx).toBe(totals.sent);
    expect(broker.stats.published.rx).toBe(totals.fates.received);
    expect(totals.sent).toBeGreaterThan(50);
  });

  it('gives exactly the memory transport\u2019s books with battery nodes, rendezvous windows, deaths, peers and broadcasts', async () => {
    const { memory, memoryResult, mqtt, mqttResult } = await runBoth(busy, []);
    expect(mqttResult).toEqual(memoryResult);
    expect(mqtt.tracker.frames).toEqual(memory.tracker.frames);
    const totals = mqtt.tracker.totals();
    expect(totals).toEqual(memory.tracker.totals());
    expect(totals.fates.asleep).toBeGreaterThan(0);
    expect(mqtt.tracker.nodes.some((node) => node.diedAtMs !== undefined)).toBe(true);
    expect(mqtt.runtimes.map((r) => r!.ledger.totals())).toEqual(memory.runtimes.map((r) => r!.ledger.totals()));
  });
});

describe('loraswarm run --transport mqtt', () => {
  it('writes byte-identical summary.json, frames.csv, receptions.csv and nodes.csv to --transport memory', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const tmp = mkdtempSync(join(tmpdir(), 'loraswarm-mqtt-'));
    try {
      const viaMemory = await runCli(['run', 'scenarios/city-sink.yaml', '--set', 'duration=30min', '--set', 'groups.1.count=60', '--out', join(tmp, 'memory'), '--quiet']);
      const viaMqtt = await runCli(['run', 'scenarios/city-sink.yaml', '--set', 'duration=30min', '--set', 'groups.1.count=60', '--out', join(tmp, 'mqtt'), '--quiet', '--transport', 'mqtt']);
      expect(viaMemory.status).toBe(0);
      expect(viaMqtt.stderr).toBe('');
      expect(viaMqtt.status).toBe(0);
      for (const file of ['summary.json', 'frames.csv', 'receptions.csv', 'nodes.csv', 'series.csv']) {
        expect(readFileSync(join(tmp, 'mqtt', file), 'utf8'), file).toBe(readFileSync(join(tmp, 'memory', file), 'utf8'));
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('the MQTT transport under faults', () => {
  it('counts and drops thousands of malformed envelopes from an authorised client, and still matches the memory books', async () => {
    const mqttLib = (await import('mqtt')).default;
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', ['duration=3min', 'groups.1.count=10']);
    const memory = createSimulation(scenario, swarm);
    memory.finish();
    prepared = await prepareMqttTransport({ runId: 'faults', nodes: swarm.nodes.length });
    const rogue = await mqttLib.connectAsync(prepared.broker!.url, { ...prepared.broker!.credentials.node(3), clientId: 'rogue', reconnectPeriod: 0 });
    try {
      const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
      const running = simulation.finishAsync();
      // Random bytes, truncated and wrong-version envelopes, and a well-formed one claiming another sender.
      let state = 7;
      const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) & 0xff;
      const payloads: Uint8Array[] = [];
      for (let i = 0; i < 3000; i++) payloads.push(Uint8Array.from({ length: (i % 120) + 1 }, random));
      for (let i = 0; i < 3000; i++) payloads.push(Uint8Array.from([0x4c, 0x53, 2, 1, ...Array.from({ length: 20 }, random)]));
      for (const payload of payloads) rogue.publish('swarm/faults/tx/3', Buffer.from(payload));
      await running;
      expect(simulation.tracker.frames).toEqual(memory.tracker.frames);
      for (let i = 0; i < 200 && prepared.malformed < payloads.length; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(prepared.malformed).toBe(payloads.length);
    } finally {
      await rogue.endAsync(true);
    }
  });

  it('stops with a clear error when the broker goes away mid-run (no hang, no silent result)', async () => {
    const { BrokerConnectionError } = await import('../../src/transport/mqtt-transport.ts');
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', ['duration=10min', 'groups.1.count=20']);
    prepared = await prepareMqttTransport({ runId: 'restart', nodes: swarm.nodes.length });
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
    await simulation.advanceAsync(60_000);
    await prepared.broker!.close();
    await expect(simulation.finishAsync()).rejects.toThrow(BrokerConnectionError);
    await expect(simulation.finishAsync()).rejects.toThrow(/closed mid-run/);
  });
});

describe('live metrics', () => {
  it('publishes a snapshot at every sample on the metrics topic, which a viewer reads over WebSocket', async () => {
    const mqttLib = (await import('mqtt')).default;
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', ['duration=30min', 'groups.1.count=10', 'sampling.interval=10min']);
    prepared = await prepareMqttTransport({ runId: 'live', nodes: swarm.nodes.length });
    const p = prepared;
    const viewer = await mqttLib.connectAsync(p.broker!.wsUrl!, { ...p.broker!.credentials.viewer, clientId: 'viewer', reconnectPeriod: 0 });
    try {
      const seen: { atMs: number; framesSent: number; nodesAlive: number }[] = [];
      viewer.on('message', (_topic, payload) => seen.push(JSON.parse(payload.toString())));
      await viewer.subscribeAsync('swarm/live/metrics/#');
      const simulation = createSimulation(scenario, swarm, { transport: p.bind, onSample: (snapshot) => p.publishMetrics('live', snapshot) });
      await simulation.finishAsync();
      for (let i = 0; i < 100 && seen.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      // Samples at 0, 10 and 20 minutes, and one at the end of the drain.
      expect(seen.map((s) => s.atMs).slice(0, 3)).toEqual([0, 600_000, 1_200_000]);
      expect(seen).toHaveLength(4);
      expect(seen[3]!.framesSent).toBe(simulation.tracker.totals().sent);
      expect(seen.every((s) => s.nodesAlive === 11)).toBe(true);
    } finally {
      await viewer.endAsync(true);
    }
  });
});
