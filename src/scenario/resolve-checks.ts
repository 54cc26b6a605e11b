/**
 * The semantic checks of a resolved swarm that the schema cannot make: modulations a chip or
 * region does not allow, channels outside every sub-band, power above the limit, sensitivity
 * tables without an entry, traffic without a target, preambles no receiver can catch.
 */
import { timeOnAir } from '../radio/airtime.ts';
import { framingOverheadBytes } from '../radio/framing.ts';
import { symbolTimeMs } from '../radio/modulation.ts';
import { dwellLimitMs, subBandOf, type Region } from '../radio/regions.ts';
import { sensitivityDbm } from '../radio/sensitivity.ts';
import { samplingPreambleSymbols } from '../radio/wake-schedule.ts';
import type { RadioChip } from '../hw/radio-chips.ts';
import { airtimeParamsOf, type NodeSpec } from './resolve.ts';
import type { Scenario } from './schema.ts';

export type Fail = (path: readonly PropertyKey[], message: string) => void;
/** Scenario-wide radio settings with a group's overrides applied. */
export type GroupRadio = Scenario['radio'];
/**
 * Where a group's radio setting is written: in the group's own `radio` block when it overrides
 * it, else in the scenario-wide `radio` block.
 */
export type RadioKey = (field: keyof GroupRadio) => PropertyKey[];

export function radioKey(scenario: Scenario, g: number): RadioKey {
  const own = scenario.groups[g]!.radio ?? {};
  return (field) => (own[field] !== undefined ? ['groups', g, 'radio', field] : ['radio', field]);
}

const subGhzBandwidthsKhz = [7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 250, 500];
const sx128xBandwidthsKhz = [203.125, 406.25, 812.5, 1625];

export function checkChipAndRegion(chip: RadioChip, radio: GroupRadio, region: Region, keyOf: RadioKey, fail: Fail): void {
  const bandwidths = chip.family === 'sx128x' ? sx128xBandwidthsKhz : subGhzBandwidthsKhz;
  if (!bandwidths.includes(radio.bandwidthKhz)) {
    fail(keyOf('bandwidthKhz'), `expected one of ${bandwidths.join(', ')} kHz for ${chip.id}, found ${radio.bandwidthKhz}`);
  }
  if ((region.id === 'ism2400') !== (chip.family === 'sx128x') && region.id !== 'none') {
    fail(keyOf('chip'), `expected a ${region.id === 'ism2400' ? '2.4 GHz (sx1280)' : 'sub-GHz'} chip in region ${region.id}, found ${chip.id}`);
  }
  if (radio.txPowerDbm < chip.minTxPowerDbm || radio.txPowerDbm > chip.maxTxPowerDbm) {
    fail(keyOf('txPowerDbm'), `expected ${chip.minTxPowerDbm}..${chip.maxTxPowerDbm} dBm for ${chip.id}, found ${radio.txPowerDbm}`);
  }
}

export function checkChannels(region: Region, channelsHz: readonly number[], eirpDbm: number, keyOf: RadioKey, fail: Fail): void {
  channelsHz.forEach((channelHz, c) => {
    const band = subBandOf(region, channelHz);
    if (!band) {
      const bands = region.subBands.map((b) => b.name).join(', ');
      fail([...keyOf('channelsMhz'), c], `expected a channel inside a ${region.id} sub-band (${bands}), found ${channelHz / 1e6} MHz`);
    } else if (eirpDbm > band.maxEirpDbm) {
      fail(keyOf('txPowerDbm'), `expected EIRP (txPowerDbm + antennaGainDbi) ≤ ${band.maxEirpDbm} dBm in ${region.id} sub-band ${band.name}, found ${eirpDbm} dBm`);
    }
  });
}

export function checkSensitivity(scenario: Scenario, nodes: readonly NodeSpec[], fail: Fail): void {
  const modulations = new Map<string, { sf: number; bandwidthHz: number; group: string }>();
  for (const node of nodes) modulations.set(`${node.sf}/${node.bandwidthHz}`, { sf: node.sf, bandwidthHz: node.bandwidthHz, group: node.group });
  const seen = new Set<string>();
  for (const node of nodes) {
    for (const { sf, bandwidthHz, group } of modulations.values()) {
      if (sensitivityDbm(node.sensitivity, sf, bandwidthHz, node.noiseFigureDb) !== undefined) continue;
      const key = `${node.group}/${node.sensitivity}/${sf}/${bandwidthHz}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const g = scenario.groups.findIndex((candidate) => candidate.name === node.group);
      fail(radioKey(scenario, g)('sensitivity'), `expected a sensitivity table with an entry for SF${sf}/${bandwidthHz / 1e3} kHz (used by group ${group}), found "${node.sensitivity}" without one`);
    }
  }
}

/** More messages than this in one run are refused: they would exhaust memory before the end. */
export const maxMessagesPerRun = 20_000_000;

export function checkTrafficTargets(scenario: Scenario, nodes: readonly NodeSpec[], fail: Fail): void {
  const sinks = nodes.filter((node) => node.role === 'sink').length;
  const expectedMessages = nodes.reduce((sum, node) => sum + (node.traffic ? scenario.duration / node.traffic.intervalMs : 0), 0);
  if (expectedMessages > maxMessagesPerRun) {
    const g = scenario.groups.findIndex((group) => group.traffic && scenario.duration / group.traffic.interval > maxMessagesPerRun / nodes.length);
    fail(['groups', Math.max(0, g), 'traffic', 'interval'], `expected at most ${maxMessagesPerRun.toLocaleString('en')} messages in a run (duration / interval summed over senders), found about ${Math.round(expectedMessages).toLocaleString('en')}`);
  }
  scenario.groups.forEach((group, g) => {
    // A group that is off (count 0) sends nothing: nothing to check.
    if (group.count === 0) return;
    if (group.traffic?.to === 'sink' && sinks === 0) fail(['groups', g, 'traffic', 'to'], 'expected a group with role: sink to send to, found none');
    if (group.traffic?.to === 'sink' && group.role === 'sink' && sinks < 2) fail(['groups', g, 'traffic', 'to'], 'expected another sink for a sink to send to, found only itself');
    if (group.traffic?.to === 'peer' && nodes.length < 2) fail(['groups', g, 'traffic', 'to'], 'expected at least two nodes for peer traffic, found one');
  });
}

/**
 * LoRaWAN class A (`lorawan`) needs LoRaWAN framing, a region with receive windows, a sink for
 * its network server, and sensors that send to a sink (the devices).
 */
export function checkLorawan(scenario: Scenario, nodes: readonly NodeSpec[], region: Region, fail: Fail): void {
  if (!scenario.lorawan) return;
  if (scenario.framing !== 'lorawan') fail(['framing'], `expected framing: lorawan with the lorawan key, found ${scenario.framing}`);
  if (!['eu868', 'us915', 'as923', 'au915'].includes(region.id)) fail(['region'], `expected a region with LoRaWAN receive windows (eu868, us915, as923 or au915) with the lorawan key, found ${region.id}`);
  if (!nodes.some((node) => node.role !== 'sink' && node.traffic?.to === 'sink')) fail(['lorawan'], 'expected sensors that send to: sink (the class A devices), found none');
}

/**
 * Preamble sampling stretches every preamble sent to a sampling receiver to one period plus the
 * CAD time: the CAD must fit in the period, the preamble in the radio's 16-bit counter, and the
 * stretched frame in the region's dwell limit.
 */
export function checkPreambleSampling(scenario: Scenario, nodes: readonly NodeSpec[], region: Region, fail: Fail): void {
  const seen = new Set<string>();
  const senders = nodes.filter((node) => node.traffic);
  for (const receiver of nodes) {
    const wake = receiver.wake;
    if (wake.mode !== 'preamble-sampling') continue;
    const g = scenario.groups.findIndex((group) => group.name === receiver.group);
    const path = scenario.groups[g]!.node?.wake !== undefined ? ['groups', g, 'node', 'wake'] : ['node', 'wake'];
    if (!(wake.cadMs < wake.periodMs)) fail([...path, 'cad'], `expected a channel-activity detection shorter than the ${wake.periodMs} ms period, found ${wake.cadMs} ms (2 symbols by default)`);
    for (const sender of senders) {
      const key = `${receiver.group}/${sender.sf}/${sender.bandwidthHz}/${sender.preambleSymbols}/${sender.maxAppBytes}`;
      if (seen.has(key) || sender === receiver) continue;
      seen.add(key);
      const symbols = samplingPreambleSymbols(wake, symbolTimeMs(sender.sf, sender.bandwidthHz), sender.preambleSymbols);
      if (symbols > 65535) {
        fail([...path, 'period'], `expected a sampling period that SF${sender.sf}/${sender.bandwidthHz / 1e3} kHz senders can cover with at most 65535 preamble symbols, found ${wake.periodMs} ms (${symbols} symbols)`);
        continue;
      }
      const dwell = dwellLimitMs(region, sender.bandwidthHz);
      if (dwell === undefined) continue;
      const airtime = timeOnAir({ ...airtimeParamsOf(sender), preambleSymbols: symbols, payloadBytes: framingOverheadBytes(scenario.framing) + sender.maxAppBytes }).airtimeMs;
      if (airtime > dwell) {
        fail([...path, 'period'], `expected stretched frames within the ${dwell} ms dwell time of ${region.id}, found ${airtime.toFixed(3)} ms for a full SF${sender.sf}/${sender.bandwidthHz / 1e3} kHz frame with a ${symbols}-symbol preamble`);
      }
    }
  }
}
