import { describe, expect, it } from 'vitest';
import { batteryProfiles } from '../../src/hw/battery-profiles.ts';
import { capacityUc, peukertFactor, stateOfChargeAtVoltage } from '../../src/hw/battery.ts';
import { energyStates } from '../../src/hw/energy-ledger.ts';
import { mcuProfiles } from '../../src/hw/mcu-profiles.ts';
import { radioChips, txCurrentMa } from '../../src/hw/radio-chips.ts';
import { timeOnAir } from '../../src/radio/airtime.ts';
import { runScenario } from '../helpers/scenario.ts';

interface SensorOptions {
  readonly node: string;
  readonly radio?: string;
  readonly traffic?: string;
  readonly duration?: string;
  readonly region?: string;
  readonly peers?: string;
}

/** One battery sensor sending to a mains gateway (plus optional peers). */
const sensor = (o: SensorOptions): string => `
duration: ${o.duration ?? '1d'}
region: ${o.region ?? 'eu868'}
framing: lorawan
pathLoss: ns3
sampling: { interval: 30d }
radio: { sf: 7, txPowerDbm: 14 }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: s
    nodes: [{ id: s0, xM: 100, yM: 0 }]
    node: ${o.node}
    radio: ${o.radio ?? '{ chip: sx1276 }'}
    traffic: ${o.traffic ?? '{ kind: periodic, interval: 10min, payloadBytes: 20 }'}
${o.peers ?? ''}`;

describe('a battery node, through the whole simulation', () => {
  it('dies within 1 % of the analytic lifetime: one 20-byte SF7 frame every 10 minutes, asleep otherwise', () => {
    const { simulation, swarm } = runScenario(sensor({ node: '{ mcu: stm32u575, battery: cr2032, wake: { mode: off } }', duration: '1500d' }));
    const tally = simulation.tracker.nodes[1]!;
    expect(tally.deathReason).toBe('brownOut');
    expect(swarm.nodes[1]!.power.brownOutV).toBe(1.8);

    // The same figures by hand:
    const cell = batteryProfiles.cr2032;
    // 20 bytes + 13 of LoRaWAN overhead at SF7/125 kHz, CR 4/5: 71.936 ms.
    const airtimeMs = timeOnAir({ sf: 7, bandwidthHz: 125e3, codingRate: 1, payloadBytes: 33 }).airtimeMs;
    // Asleep: U575 Stop 2 (8.5 µA) + SX1276 sleep (0.2 µA); transmitting: the radio at +14 dBm
    // (43.5 mA, between the datasheet's +13 and +17 dBm points) + the MCU asleep.
    const sleepMa = mcuProfiles.stm32u575.sleepCurrentUa / 1000 + radioChips.sx1276.sleepCurrentUa / 1000;
    const txMa = txCurrentMa(radioChips.sx1276, 14) + mcuProfiles.stm32u575.sleepCurrentUa / 1000;
    // Charge per 10-minute period, with the Peukert factor of each current (1 below 0.2 mA).
    const periodUc = txMa * airtimeMs * peukertFactor(cell, txMa) + sleepMa * (600_000 - airtimeMs) * peukertFactor(cell, sleepMa);
    // The node browns out when a transmission opens with V_oc − I·R below 1.8 V (the SX1276's
    // minimum supply, above the U575's 1.7 V BOR), i.e. below this state of charge:
    const brownOutSoc = stateOfChargeAtVoltage(cell, 1.8 + (txMa * cell.internalResistanceOhm) / 1000);
    // Sleep until the first frame (at its drawn offset), then whole periods until the threshold.
    const firstMs = simulation.tracker.frames[0]!.atMs;
    const usableUc = (1 - brownOutSoc) * capacityUc(cell) - sleepMa * firstMs;
    const analyticMs = firstMs + Math.ceil(usableUc / periodUc) * 600_000;
    expect(analyticMs / 86_400_000).toBeGreaterThan(500);
    expect(Math.abs(tally.diedAtMs! - analyticMs) / analyticMs).toBeLessThan(0.01);
  });

  it('browns out a CR2032 on its first +20 dBm transmission (PA_BOOST, 120 mA) but not at +7 dBm (RFO, 20 mA)', () => {
    // 15 Ω × 120 mA = 1.8 V of drop: a full cell (3.2 V) sags to 1.4 V, under the 1.8 V minimum;
    // 15 Ω × 20 mA = 0.3 V: it stays at 2.9 V. Region none: EU868 would cap the EIRP at 16 dBm.
    const strong = runScenario(sensor({ node: '{ battery: cr2032, wake: { mode: off } }', radio: '{ chip: sx1276, txPowerDbm: 20 }', region: 'none' }));
    const weak = runScenario(sensor({ node: '{ battery: cr2032, wake: { mode: off } }', radio: '{ chip: sx1276, txPowerDbm: 7 }', region: 'none' }));
    const strongTally = strong.simulation.tracker.nodes[1]!;
    expect(strongTally.deathReason).toBe('brownOut');
    expect(strongTally.sent).toBe(0);
    // It died at its first message, drawn uniformly within the first 10 minutes.
    expect(strongTally.diedAtMs).toBeGreaterThanOrEqual(0);
    expect(strongTally.diedAtMs).toBeLessThan(600_000);
    expect(strong.simulation.tracker.totals().unsentAtDeath).toBe(1);
    // A fragmented message that browns out on its first fragment leaves every fragment unsent.
    const fragmented = runScenario(
      sensor({ node: '{ battery: cr2032, wake: { mode: off } }', radio: '{ chip: sx1276, txPowerDbm: 20 }', region: 'none', traffic: '{ kind: periodic, interval: 10min, payloadBytes: 1000 }' }),
    );
    // LoRaWAN framing in region none: 242 bytes per frame, 237 after the fragment header: 5 fragments.
    expect(fragmented.simulation.tracker.totals().unsentAtDeath).toBe(5);
    expect(fragmented.simulation.tracker.totals().attempts).toBe(0);
    const weakTally = weak.simulation.tracker.nodes[1]!;
    expect(weakTally.deathReason).toBeUndefined();
    expect(weakTally.sent).toBe(144);
  });

  it('balances every node\u2019s books exactly: chemical energy = Σ states + losses', () => {
    const runs = [
      runScenario(sensor({ node: '{ mcu: nrf52840, battery: 2xaa, wake: { mode: rendezvous, period: 1s, window: 5ms } }' })),
      runScenario(sensor({ node: '{ mcu: esp32-s3, battery: 18650, rail: { type: ldo, voltageV: 3.3 }, wake: { mode: preamble-sampling, period: 500ms } }' })),
      runScenario(sensor({ node: '{ battery: cr2032, wake: { mode: off }, solar: { panelAreaM2: 0.001 } }', duration: '3d' })),
      runScenario('scenarios/city-sink.yaml', ['duration=1h', 'groups.1.count=40']),
    ];
    for (const { simulation } of runs) {
      for (const runtime of simulation.runtimes) {
        const t = runtime!.ledger.totals();
        const byState = energyStates.reduce((sum, s) => sum + t.energyByStateUj[s], 0);
        const rhs = byState + t.internalResistanceLossUj + t.regulatorLossUj + t.rateLossUj;
        expect(Math.abs(t.chemicalEnergyUj - rhs)).toBeLessThanOrEqual(1e-9 * t.chemicalEnergyUj + 1e-9);
      }
    }
  });

  it('listens exactly 5 ms per second on a rendezvous schedule, and peers wait for the window', () => {
    const { simulation } = runScenario(
      sensor({
        node: '{ battery: 2xaa, wake: { mode: rendezvous, period: 1s, window: 5ms } }',
        traffic: '{ kind: periodic, interval: 10min, payloadBytes: 10, to: peer }',
        region: 'none',
        peers: '  - name: p\n    nodes: [{ id: p0, xM: 120, yM: 0 }]\n    node: { battery: 2xaa, wake: { mode: rendezvous, period: 1s, window: 5ms } }\n',
      }),
    );
    const [, s0, p0] = simulation.runtimes;
    // 86,400 windows of 5 ms in a day, less the windows spent receiving instead.
    const listenS = s0!.ledger.totals().timeByStateMs.listen / 1000;
    expect(listenS).toBeGreaterThan(431);
    expect(listenS).toBeLessThanOrEqual(432);
    const totals = simulation.tracker.totals();
    expect(totals.fates.asleep).toBe(0);
    expect(totals.fates.received).toBe(totals.sent);
    // Every frame started inside its receiver's window, after waiting for it.
    const waits = simulation.tracker.frames.map((f) => f.wakeWaitMs);
    expect(waits.every((w) => w >= 0 && w < 1000)).toBe(true);
    expect(waits.filter((w) => w > 0).length).toBeGreaterThan(100);
    expect(p0!.ledger.totals().timeByStateMs.receive).toBeGreaterThan(0);
  });

  it('loses frames to a receiver that is off (asleep), and stops a dead node\u2019s traffic', () => {
    const { simulation } = runScenario(
      sensor({
        node: '{ battery: 2xaa, wake: { mode: off } }',
        traffic: '{ kind: periodic, interval: 10min, payloadBytes: 10, to: peer }',
        region: 'none',
        peers: '  - name: p\n    nodes: [{ id: p0, xM: 120, yM: 0 }]\n    node: { battery: 2xaa, wake: { mode: off } }\n',
      }),
    );
    const totals = simulation.tracker.totals();
    expect(totals.fates.asleep).toBe(totals.sent);
    expect(totals.sent).toBe(144);
  });
});

describe('compute before sending', () => {
  it('spends the compute model\u2019s time in the compute state before each message, then sends it', async () => {
    const { computeCost } = await import('../../src/hw/compute-cost.ts');
    const { simulation } = runScenario(
      sensor({ node: '{ mcu: stm32u575, battery: 18650, wake: { mode: off } }', traffic: '{ kind: periodic, interval: 10min, payloadBytes: 20, compute: { macs: 2660000, op: conv } }' }),
    );
    const computeMs = computeCost(mcuProfiles.stm32u575, { macs: 2_660_000, op: 'conv' }).latencyMs;
    const totals = simulation.runtimes[1]!.ledger.totals();
    expect(simulation.tracker.totals().sent).toBe(144);
    expect(totals.timeByStateMs.compute).toBeCloseTo(144 * computeMs, 6);
    // Every frame leaves exactly the compute time after its message was created.
    for (const frame of simulation.tracker.frames) expect(frame.queuedAtMs % 1).toBeGreaterThanOrEqual(0);
    expect(totals.energyByStateUj.compute).toBeGreaterThan(0);
  });
});

describe('death while listening in windows', () => {
  const receiver = (sampling: string): string => `
duration: 30d
region: eu868
sampling: { interval: ${sampling} }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: r
    nodes: [{ id: r0, xM: 100, yM: 0 }]
    node: { battery: cr2032, initialStateOfCharge: 0.05, wake: { mode: rendezvous, period: 1s, window: 5ms } }
`;

  it('dates the death by the schedule\u2019s average drain, the same whatever the sampling interval', () => {
    const hourly = runScenario(receiver('1h')).simulation.tracker.nodes[1]!;
    const monthly = runScenario(receiver('30d')).simulation.tracker.nodes[1]!;
    // 11.5 mA × 15 Ω sags only 0.17 V: the cell reaches its 2.0 V cut-off before a brown-out.
    expect(hourly.deathReason).toBe('batteryEmpty');
    expect(monthly.deathReason).toBe('batteryEmpty');
    // By hand: MCU asleep (8.5 µA) + radio asleep (0.2 µA), and 0.5 % of the time listening at
    // 11.5 mA (Peukert factor of 11.5085 mA on a CR2032 referenced to 0.2 mA); the node browns
    // out when a window opens with V_oc − 11.5085 mA × 15 Ω below 1.8 V, or empties at 2.0 V.
    const cell = batteryProfiles.cr2032;
    const listenMa = 0.0085 + 11.5;
    const sleepMa = 0.0085 + 0.0002;
    const drawnPerMs = 0.005 * listenMa * peukertFactor(cell, listenMa) + 0.995 * sleepMa;
    const thresholdSoc = Math.max(0, stateOfChargeAtVoltage(cell, 1.8 + (listenMa * 15) / 1000));
    const handMs = ((0.05 - thresholdSoc) * capacityUc(cell)) / drawnPerMs;
    expect(Math.abs(hourly.diedAtMs! - handMs) / handMs).toBeLessThan(0.01);
    expect(Math.abs(monthly.diedAtMs! - handMs) / handMs).toBeLessThan(0.01);
    expect(Math.abs(monthly.diedAtMs! - hourly.diedAtMs!)).toBeLessThan(1);
  });
});
