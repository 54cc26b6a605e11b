import { loadScenarioText } from '../src/scenario/loader.ts';
import { resolveSwarm } from '../src/scenario/resolve.ts';
import { createSimulation } from '../src/scenario/simulate.ts';
import { batteryProfiles } from '../src/hw/battery-profiles.ts';
import { capacityUc, stateOfChargeAtVoltage } from '../src/hw/battery.ts';
const text = (sampling: string, soc: number) => `
duration: 30d
region: none
framing: lorawan
pathLoss: ns3
sampling: { interval: ${sampling} }
radio: { sf: 7, txPowerDbm: 14, chip: sx1276 }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: r
    nodes: [{ id: r0, xM: 100, yM: 0 }]
    node: { battery: cr2032, initialStateOfCharge: ${soc}, wake: { mode: rendezvous, period: 1s, window: 5ms } }
`;
for (const sampling of ['30d', '1d', '1h']) {
  const loaded = loadScenarioText(text(sampling, 0.05), { file: 't.yaml', overrides: [] });
  const swarm = resolveSwarm(loaded.scenario, loaded.locate);
  const sim = createSimulation(loaded.scenario, swarm);
  sim.finish();
  const t = sim.runtimes[1]!.ledger.totals();
  const cell = batteryProfiles.cr2032;
  const sleepMa = 8.5e-3 + 0.2e-3;
  const listenMa = 11.5 + 8.5e-3;
  const avgMa = sleepMa * 0.995 + listenMa * 0.005;
  // brown-out threshold when opening listen (highest current in the schedule)
  const socBo = stateOfChargeAtVoltage(cell, 1.8 + listenMa * cell.internalResistanceOhm / 1000);
  const analyticH = ((0.05 - socBo) * capacityUc(cell)) / avgMa / 3.6e6;
  console.log(sampling, 'died at h', (t.death?.atMs ?? NaN) / 3.6e6, t.death?.reason, 'analytic ~h', analyticH.toFixed(2), 'listenMs', t.timeByStateMs.listen, 'soc', t.stateOfCharge);
}
