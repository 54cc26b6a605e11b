/**
 * A group's nodes, resolved: its radio profile and settings checked once for the group, then
 * one NodeSpec per position, with its id, SF (sized to the nearest sink for `sf: auto`), LDRO,
 * hardware and wake schedule.
 */
import type { RandomStreams } from '../sim/rng.ts';
import { parseCodingRate, symbolTimeMs, type LdroMode } from '../radio/modulation.ts';
import type { PathLossModel } from '../radio/path-loss.ts';
import type { Region } from '../radio/regions.ts';
import { radioChips, type RadioChip } from '../hw/radio-chips.ts';
import { lorasimLdro } from './compat.ts';
import type { Position } from './placement.ts';
import { chipOf } from './radio-profile.ts';
import { checkChannels, checkChipAndRegion, radioKey, type Fail, type GroupRadio, type RadioKey } from './resolve-checks.ts';
import { groupNodeSettings, resolveGroupHardware, resolveWake, type NodeHardware } from './resolve-node.ts';
import { createAutoSf, type PlacedGroups } from './resolve-positions.ts';
import type { NodeSpec, TrafficSpec } from './resolve.ts';
import type { GroupSpec, Scenario } from './schema.ts';
import type { NodeSettings } from './node-settings.ts';
import { didYouMean } from './suggest.ts';

const defaultQueueCapacity = 8;

/** What resolving a group's nodes reads: the scenario and what was resolved before them. */
export interface SwarmSoFar {
  readonly scenario: Scenario;
  readonly region: Region;
  readonly pathLoss: PathLossModel;
  readonly rng: RandomStreams;
  /** Per group, the scenario's radio with the group's overrides. */
  readonly radios: readonly GroupRadio[];
  readonly placed: PlacedGroups;
  readonly fail: Fail;
}

/** What a group's nodes share, resolved and checked once. */
interface ResolvedGroup {
  readonly group: GroupSpec;
  readonly path: readonly PropertyKey[];
  readonly radio: GroupRadio;
  readonly keyOf: RadioKey;
  readonly chip: RadioChip;
  readonly bandwidthHz: number;
  readonly codingRate: NonNullable<ReturnType<typeof parseCodingRate>>;
  readonly channelsHz: readonly number[];
  readonly sensitivity: NodeSpec['sensitivity'];
  readonly traffic: TrafficSpec | undefined;
  readonly settings: NodeSettings;
  readonly hardware: Omit<NodeHardware, 'wake'>;
  /** For `sf: auto` with a sink to size to: each node's SF from its position. */
  readonly sfOf: ((position: Position) => number) | undefined;
}

/**
 * Appends group `g`'s nodes to `nodes` (ids into `ids`), or none when its radio profile or
 * hardware is wrong (the problems go to `swarm.fail`).
 *
 * @example
 * scenario.groups.forEach((_, g) => resolveGroupNodes(swarm, g, nodes, ids));
 */
export function resolveGroupNodes(swarm: SwarmSoFar, g: number, nodes: NodeSpec[], ids: Set<string>): void {
  const resolved = resolveGroup(swarm, g);
  if (!resolved) return;
  swarm.placed.positions.get(g)!.forEach((position, i) => nodes.push(nodeOf(swarm, resolved, position, i, nodes.length, ids)));
}

function resolveGroup({ scenario, region, pathLoss, radios, placed, fail }: SwarmSoFar, g: number): ResolvedGroup | undefined {
  const group = scenario.groups[g]!;
  const radio = radios[g]!;
  const path = ['groups', g];
  const keyOf = radioKey(scenario, g);
  const chip = chipOf(scenario, radio.chip);
  if (!chip) {
    fail(radioKey(scenario, g)('chip'), `expected a built-in radio (${Object.keys(radioChips).join(', ')}) or a key of profiles.radios, found "${radio.chip}"${didYouMean(radio.chip, [...Object.keys(radioChips), ...Object.keys(scenario.profiles?.radios ?? {})])}`);
    return undefined;
  }
  const bandwidthHz = radio.bandwidthKhz * 1e3;
  const codingRate = parseCodingRate(radio.codingRate)!;
  checkChipAndRegion(chip, radio, region, keyOf, fail);
  const channelsHz = (radio.channelsMhz ?? defaultChannelsMhz(region, chip)).map((mhz) => Math.round(mhz * 1e6));
  checkChannels(region, channelsHz, radio.txPowerDbm + radio.antennaGainDbi, keyOf, fail);
  const sensitivity = radio.sensitivity ?? chip.defaultSensitivity;
  const traffic = resolveTraffic(group);
  const settings = groupNodeSettings(scenario, g);
  const hardware = resolveGroupHardware(scenario, g, chip, radio.supplyV, group.nodes?.[0]?.id ?? `${group.name}-0`, fail);
  if (!hardware) return undefined;
  const { sinkReceivers } = placed;
  const sfOf = radio.sf === 'auto' && sinkReceivers.length > 0 ? createAutoSf(sinkReceivers, radio, chip, bandwidthHz, pathLoss, region, scenario) : undefined;
  return { group, path, radio, keyOf, chip, bandwidthHz, codingRate, channelsHz, sensitivity, traffic, settings, hardware, sfOf };
}

/** The node at `position`, the `i`th of its group and the `index`th of the swarm. */
function nodeOf({ scenario, rng, placed, fail }: SwarmSoFar, resolved: ResolvedGroup, position: Position, i: number, index: number, ids: Set<string>): NodeSpec {
  const { group, path, radio, keyOf, chip, bandwidthHz, codingRate, channelsHz, sensitivity, traffic, settings, hardware, sfOf } = resolved;
  const { sinkReceivers } = placed;
  const id = group.nodes?.[i]?.id ?? `${group.name}-${i}`;
  if (ids.has(id)) fail(group.nodes ? [...path, 'nodes', i, 'id'] : [...path, 'name'], `expected unique node ids, found "${id}" twice`);
  ids.add(id);
  if (radio.sf === 'auto' && sinkReceivers.length === 0) {
    fail(keyOf('sf'), 'expected a group with role: sink for sf: auto (it sizes each link to the nearest sink), found none');
  }
  const sf = radio.sf !== 'auto' ? radio.sf : sfOf ? sfOf(position) : 12;
  const ldro: LdroMode = scenario.compat === 'lorasim' && group.radio?.ldro === undefined && scenario.radio.ldro === 'auto' ? (lorasimLdro(sf, bandwidthHz) ? 'on' : 'off') : radio.ldro;
  return {
    index,
    id,
    group: group.name,
    role: group.role,
    ...position,
    chip,
    sf,
    bandwidthHz,
    codingRate,
    preambleSymbols: radio.preambleSymbols,
    implicitHeader: radio.implicitHeader,
    crc: radio.crc,
    ldro,
    txPowerDbm: radio.txPowerDbm,
    antennaGainDbi: radio.antennaGainDbi,
    channelsHz,
    sensitivity,
    noiseFigureDb: radio.noiseFigureDb,
    supplyV: radio.supplyV,
    receivePaths: receivePathsOf(group, scenario),
    maxAppBytes: 0,
    traffic,
    ...hardware,
    // A LoRaWAN class C device listens whenever it does not transmit.
    wake: scenario.lorawan?.class === 'C' && group.role !== 'sink' && traffic?.to === 'sink' ? { mode: 'always' } : resolveWake(settings, id, symbolTimeMs(sf, bandwidthHz), rng),
  };
}

function receivePathsOf(group: GroupSpec, scenario: Scenario): number {
  const value = group.receivePaths ?? (group.role === 'sink' && scenario.compat !== 'lorasim' ? 8 : 'unlimited');
  return value === 'unlimited' ? Number.POSITIVE_INFINITY : value;
}

function resolveTraffic(group: GroupSpec): TrafficSpec | undefined {
  const traffic = group.traffic;
  if (!traffic) return undefined;
  return {
    kind: traffic.kind,
    intervalMs: traffic.interval,
    jitterMs: traffic.jitter ?? 0,
    payloadBytes: traffic.payloadBytes,
    to: traffic.to,
    deadlineMs: traffic.deadline ?? Number.POSITIVE_INFINITY,
    queueCapacity: traffic.queueCapacity ?? defaultQueueCapacity,
    compute: traffic.compute,
  };
}

function defaultChannelsMhz(region: Region, chip: RadioChip): number[] {
  if (region.id === 'none' && chip.family === 'sx128x') return [2425];
  return region.defaultChannelsHz.map((hz) => hz / 1e6);
}
