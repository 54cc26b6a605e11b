import { loadScenarioText } from '../src/scenario/loader.ts';
import { resolveSwarm } from '../src/scenario/resolve.ts';
import { createSimulation } from '../src/scenario/simulate.ts';
const text = `
duration: 10d
region: none
framing: lorawan
pathLoss: ns3
sampling: { interval: 10d }
radio: { sf: 7, txPowerDbm: 14, chip: sx1276 }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: s
    nodes: [{ id: s0, xM: 100, yM: 0 }]
    node: { battery: 2xaa, wake: { mode: off } }
    traffic: { kind: periodic, interval: 6h, payloadBytes: 20, to: peer }
  - name: r
    nodes: [{ id: r0, xM: 100, yM: 50 }]
    node: { battery: cr2032, initialStateOfCharge: 0.05, wake: { mode: rendezvous, period: 1s, window: 5ms } }
`;
const loaded = loadScenarioText(text, { file: 't.yaml', overrides: [] });
const swarm = resolveSwarm(loaded.scenario, loaded.locate);
const events: any[] = [];
const sim = createSimulation(loaded.scenario, swarm, { listeners: [(e) => { if (e.type === 'nodeDied' || e.type === 'messageDelivered' || e.type === 'reception') events.push(e); }] });
sim.finish();
for (const e of events) console.log(e.type, (e.atMs / 3.6e6).toFixed(3), 'h', e.fate ?? e.reason ?? '', e.receiver ?? e.node);
console.log(sim.tracker.totals().fates);
