/**
 * The LoRaWAN layer of a run (the scenario's `lorawan` key): class A devices for every sensor
 * that sends to a sink, and the network server behind the sinks (node/lorawan-devices.ts,
 * node/network-server.ts), built from the resolved specs.
 */
import { streamGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { txCurrentMa } from '../hw/radio-chips.ts';
import { dataRateNumbered, dataRateOf, type Region } from '../radio/regions.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { receiveWindows } from '../lorawan/receive-windows.ts';
import { txPowerIndexOf, txPowerTables } from '../lorawan/tx-power.ts';
import type { EventSink } from '../node/events.ts';
import type { Macs } from '../node/macs.ts';
import type { NodeRuntimes } from '../node/node-runtimes.ts';
import { createLorawanDevices, type AdrChange, type DeviceCounts, type DeviceRadioPlan, type LorawanDevices } from '../node/lorawan-devices.ts';
import { createNetworkServer, type NetworkCounts, type NetworkServer } from '../node/network-server.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface LorawanLayer {
  readonly devices: LorawanDevices;
  readonly server: NetworkServer;
  /** Every change of a device's data rate, power or NbTrans, in time order. */
  readonly adrChanges: AdrChange[];
  /** A delivery to node `i`: true when the layer took it (a device's window), false when the radio stack should. */
  deliver(i: number, delivery: Delivery): boolean;
  report(): LorawanReport;
}

export interface LorawanReport {
  /** Each device's SF at the start, by node index (undefined: not a device). */
  readonly startSf: readonly (number | undefined)[];
  readonly devices: DeviceCounts;
  readonly network: NetworkCounts;
}

/** Whether a node is a LoRaWAN end device (class A or C) in this scenario. */
export function isLorawanDevice(scenario: Scenario, spec: NodeSpec): boolean {
  return scenario.lorawan !== undefined && spec.role !== 'sink' && spec.traffic?.to === 'sink';
}

/** Whether a node is a class A device: its radio listens only in its receive windows. */
export function isClassA(scenario: Scenario, spec: NodeSpec): boolean {
  return isLorawanDevice(scenario, spec) && scenario.lorawan!.class === 'A';
}

/** The region's LoRaWAN plan for devices, or a reason it has none. */
export function deviceRadioPlan(region: Region): DeviceRadioPlan | string {
  const plan = receiveWindows[region.id];
  const power = txPowerTables[region.id];
  if (!plan || !power) return `region ${region.id} has no LoRaWAN receive windows (eu868, us915, as923 and au915 have)`;
  const narrow = region.dataRates.filter((rate) => rate.bandwidthHz === 125e3).map((rate) => rate.dr);
  const minDataRate = narrow.reduce((least, dr) => Math.min(least, dr), Number.POSITIVE_INFINITY);
  const maxDataRate = narrow.reduce((most, dr) => Math.max(most, dr), Number.NEGATIVE_INFINITY);
  return { plan, dataRates: region.dataRates, minDataRate, maxDataRate, maxEirpDbm: power.maxEirpDbm, maxTxPowerIndex: power.maxIndex };
}

export interface LorawanLayerConfig {
  readonly scenario: Scenario;
  readonly region: Region;
  readonly specs: readonly NodeSpec[];
  readonly scheduler: Scheduler;
  readonly macs: () => Macs;
  readonly runtimes: NodeRuntimes;
  readonly events: EventSink;
  /** Puts a gateway's downlink on the air (the radio, then the transport); false when it cannot. */
  readonly transmit: (tx: Transmission) => boolean;
}

export function createLorawanLayer(config: LorawanLayerConfig): LorawanLayer {
  const { scenario, specs, scheduler } = config;
  const settings = scenario.lorawan!;
  const radio = deviceRadioPlan(config.region);
  if (typeof radio === 'string') throw new RangeError(radio);
  const power = txPowerTables[config.region.id]!;
  const adrChanges: AdrChange[] = [];
  // With ADR from the slowest data rate, a device starts as after a join: DR min, TXPower 0.
  const fresh = settings.adr && settings.adrStart === 'slowest';
  const initialIndex = specs.map((spec) => (fresh ? 0 : txPowerIndexOf(power, spec.txPowerDbm)));
  const devices = createLorawanDevices({
    scheduler,
    settings,
    radio,
    devices: specs.map((spec) =>
      isLorawanDevice(scenario, spec)
        ? {
            index: spec.index,
            dataRate: fresh ? radio.minDataRate : dataRateOf(config.region, spec.sf, spec.bandwidthHz)!.dr,
            txPowerIndex: initialIndex[spec.index]!,
            rng: streamGenerator(scenario.seed, `node/${spec.id}/lorawan`),
            txCurrentMa: (dbm: number) => txCurrentMa(spec.chip, Math.min(spec.chip.maxTxPowerDbm, Math.max(spec.chip.minTxPowerDbm, dbm))),
          }
        : undefined,
    ),
    macs: config.macs,
    runtimes: config.runtimes,
    processingDelayMs: scenario.processingDelayMs,
    onAdrChange: (change) => adrChanges.push(change),
  });
  const server = createNetworkServer({
    scheduler,
    region: config.region,
    radio,
    settings,
    installationMarginDb: settings.installationMarginDb,
    gateways: specs.map((spec) =>
      spec.role === 'sink'
        ? { index: spec.index, txPowerDbm: spec.txPowerDbm, txCurrentMa: txCurrentMa(spec.chip, spec.txPowerDbm), supplyV: spec.power.supplyV, codingRate: spec.codingRate, preambleSymbols: spec.preambleSymbols }
        : undefined,
    ),
    initialTxPowerIndex: (device) => initialIndex[device]!,
    transmit: config.transmit,
    takeSeq: (gateway) => config.macs().takeSeq(gateway),
    events: config.events,
  });
  const isSink = specs.map((spec) => spec.role === 'sink');
  const startSf = specs.map((spec) => (devices.isDevice(spec.index) ? dataRateNumbered(radio.dataRates, devices.stateOf(spec.index).dataRate).sf : undefined));
  return {
    devices,
    server,
    adrChanges,
    deliver(i, delivery) {
      if (devices.isDevice(i)) {
        devices.deliver(i, delivery);
        return true;
      }
      if (delivery.kind === 'frame' && isSink[i] && devices.isDevice(delivery.tx.sender)) server.heard(i, delivery);
      return false;
    },
    report: () => ({ startSf, devices: devices.counts(), network: server.counts() }),
  };
}
