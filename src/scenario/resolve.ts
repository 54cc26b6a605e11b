/**
 * Resolves a validated scenario into the concrete swarm: every node's id, position, radio
 * settings, receiver and traffic, with the semantic checks the schema cannot make (a
 * modulation the chip or region does not allow, a channel outside every sub-band, a power
 * above the limit, a sensitivity table without an entry, a payload no frame can carry).
 */
import { withScheduledClients } from './federated-roles.ts';
import { didYouMean } from './suggest.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { timeOnAir, type AirtimeParams } from '../radio/airtime.ts';
import { collisionSfRange } from '../radio/collision/index.ts';
import { maxAppBytesPerFrame } from '../radio/framing.ts';
import { fragmentHeaderBytes, maxFragments } from '../radio/fragmentation.ts';
import { parseCodingRate, type CodingRate, type LdroMode } from '../radio/modulation.ts';
import { distanceForLossM, meanPathLossDb, pathLossProfiles, type PathLossModel } from '../radio/path-loss.ts';
import { regions, type Region } from '../radio/regions.ts';
import { sensitivityDbm, type SensitivityTableId } from '../radio/sensitivity.ts';
import { radioChips, type RadioChip } from '../hw/radio-chips.ts';
import type { MemoryKind } from '../hw/memory-ledger.ts';
import type { McuProfile, OpType } from '../hw/mcu-profiles.ts';
import type { NodePower } from '../node/node-power.ts';
import { symbolTimeMs } from '../radio/modulation.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';
import { lorasimLdro } from './compat.ts';
import { groupNodeSettings, resolveGroupHardware, resolveWake } from './resolve-node.ts';
import { checkChannels, checkChipAndRegion, checkLorawan, checkPreambleSampling, checkSensitivity, checkTrafficTargets, radioKey, type GroupRadio } from './resolve-checks.ts';
import { issueAt } from './loader.ts';
import { formatPath, InputError, type InputIssue } from './errors.ts';
import { placeGroup, type Position } from './placement.ts';
import type { GroupSpec, Scenario } from './schema.ts';

export interface TrafficSpec {
  readonly kind: 'poisson' | 'periodic';
  readonly intervalMs: number;
  readonly jitterMs: number;
  readonly payloadBytes: number;
  readonly to: 'sink' | 'peer' | 'broadcast';
  readonly deadlineMs: number;
  readonly queueCapacity: number;
  /** MCU work before each message, if any. */
  readonly compute: { readonly macs: number; readonly op: OpType } | undefined;
}

export interface NodeSpec {
  readonly index: number;
  readonly id: string;
  readonly group: string;
  readonly role: 'node' | 'sink';
  readonly xM: number;
  readonly yM: number;
  readonly chip: RadioChip;
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly codingRate: CodingRate;
  readonly preambleSymbols: number;
  readonly implicitHeader: boolean;
  readonly crc: boolean;
  readonly ldro: LdroMode;
  readonly txPowerDbm: number;
  readonly antennaGainDbi: number;
  readonly channelsHz: readonly number[];
  readonly sensitivity: SensitivityTableId;
  readonly noiseFigureDb: number;
  readonly supplyV: number;
  readonly receivePaths: number;
  readonly maxAppBytes: number;
  readonly traffic: TrafficSpec | undefined;
  readonly mcu: McuProfile;
  readonly power: NodePower;
  readonly wake: WakeSchedule;
  /** Static allocations by memory kind. */
  readonly memory: Readonly<Record<MemoryKind, number>>;
}

/** A node's time-on-air parameters, without the payload length. */
export function airtimeParamsOf(node: NodeSpec): Omit<AirtimeParams, 'payloadBytes'> {
  return {
    chip: node.chip.family,
    sf: node.sf,
    bandwidthHz: node.bandwidthHz,
    codingRate: node.codingRate,
    preambleSymbols: node.preambleSymbols,
    implicitHeader: node.implicitHeader,
    crc: node.crc,
    ldro: node.ldro,
  };
}

export interface ResolvedSwarm {
  readonly region: Region;
  readonly pathLoss: PathLossModel;
  readonly nodes: readonly NodeSpec[];
}

/** Locates a key path in the scenario source, for messages. */
export type Locate = (path: readonly PropertyKey[]) => InputIssue['source'];

const defaultQueueCapacity = 8;

/** A radio profile by name: the scenario's own first, then the built-in ones. */
function chipOf(scenario: Scenario, name: string): RadioChip | undefined {
  return scenario.profiles?.radios?.[name] ?? (radioChips as Readonly<Record<string, RadioChip>>)[name];
}

export function resolvePathLoss(scenario: Scenario): PathLossModel {
  const base = typeof scenario.pathLoss === 'string' ? pathLossProfiles[scenario.pathLoss] : { ...scenario.pathLoss, shadowingSigmaDb: 0 };
  return { ...base, shadowingSigmaDb: scenario.shadowing?.sigmaDb ?? base.shadowingSigmaDb };
}

export function resolveSwarm(scenario: Scenario, locate: Locate = () => undefined, fromSet: (path: readonly PropertyKey[]) => boolean = () => false): ResolvedSwarm {
  const region = regions[scenario.region];
  const pathLoss = resolvePathLoss(scenario);
  const rng = createRandomStreams(scenario.seed);
  const issues: InputIssue[] = [];
  const reported = new Set<string>();
  // Each problem is reported once, at the key where it is written, however many nodes share it.
  const fail = (path: readonly PropertyKey[], message: string): void => {
    const text = formatPath(path);
    if (reported.has(`${text}\n${message}`)) return;
    reported.add(`${text}\n${message}`);
    issues.push(issueAt(path, message, locate, fromSet));
  };
  const flush = (): void => {
    if (issues.length > 0) throw new InputError(issues);
  };

  const radios: GroupRadio[] = scenario.groups.map((group) => ({ ...scenario.radio, ...group.radio }) as GroupRadio);

  // Sinks are placed first (in file order) so that `radiusM: auto` and `sf: auto` can use them.
  const positions = new Map<number, Position[]>();
  const placed: Position[] = [];
  const order = scenario.groups.map((group, i) => ({ group, i })).sort((a, b) => Number(b.group.role === 'sink') - Number(a.group.role === 'sink'));
  const sinkReceivers: SinkReceiver[] = [];
  for (const { group, i } of order) {
    const radio = radios[i]!;
    const radiusM = placementRadiusM(scenario, group, radio, pathLoss, sinkReceivers);
    if (!Number.isFinite(radiusM)) {
      fail(['groups', i, 'placement', 'radiusM'], `expected a link budget to size "auto" from, found no sensitivity for the group's SF and bandwidth in its receiver's table: give radiusM in metres, or an SF the table covers`);
      flush();
    }
    const groupPositions = placeGroup(group, ['groups', i], rng, placed, radiusM, locate);
    positions.set(i, groupPositions);
    // One push per position: spreading a group into push's arguments overflows the stack past ~125,000 nodes.
    for (const position of groupPositions) placed.push(position);
    if (group.role === 'sink') {
      const sensitivityTable = radio.sensitivity ?? (chipOf(scenario, radio.chip) ?? radioChips.sx1276).defaultSensitivity;
      for (const position of groupPositions) sinkReceivers.push({ ...position, sensitivityTable, noiseFigureDb: radio.noiseFigureDb, antennaGainDbi: radio.antennaGainDbi });
    }
  }

  const nodes: NodeSpec[] = [];
  const ids = new Set<string>();
  scenario.groups.forEach((group, g) => {
    const radio = radios[g]!;
    const path = ['groups', g];
    const keyOf = radioKey(scenario, g);
    const chip = chipOf(scenario, radio.chip);
    if (!chip) {
      fail(radioKey(scenario, g)('chip'), `expected a built-in radio (${Object.keys(radioChips).join(', ')}) or a key of profiles.radios, found "${radio.chip}"${didYouMean(radio.chip, [...Object.keys(radioChips), ...Object.keys(scenario.profiles?.radios ?? {})])}`);
      return;
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
    if (!hardware) return;
    positions.get(g)!.forEach((position, i) => {
      const id = group.nodes?.[i]?.id ?? `${group.name}-${i}`;
      if (ids.has(id)) fail(group.nodes ? [...path, 'nodes', i, 'id'] : [...path, 'name'], `expected unique node ids, found "${id}" twice`);
      ids.add(id);
      if (radio.sf === 'auto' && sinkReceivers.length === 0) {
        fail(keyOf('sf'), 'expected a group with role: sink for sf: auto (it sizes each link to the nearest sink), found none');
      }
      const sf = radio.sf !== 'auto' ? radio.sf : sinkReceivers.length > 0 ? autoSf(position, sinkReceivers, radio, chip, bandwidthHz, pathLoss, region, scenario) : 12;
      const ldro: LdroMode = scenario.compat === 'lorasim' && group.radio?.ldro === undefined && scenario.radio.ldro === 'auto' ? (lorasimLdro(sf, bandwidthHz) ? 'on' : 'off') : radio.ldro;
      nodes.push({
        index: nodes.length,
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
      });
    });
  });
  flush();

  const failOnce = fail;
  const [minSf, maxSf] = collisionSfRange[scenario.collision];
  const resolved = nodes.map((node) => {
    const g = scenario.groups.findIndex((group) => group.name === node.group);
    const sfPath = radioKey(scenario, g)('sf');
    if (node.sf < minSf || node.sf > maxSf) failOnce(sfPath, `expected SF${minSf}–${maxSf} for the ${scenario.collision} collision model, found SF${node.sf}`);
    const chipMaxSf = node.chip.maxSfByBandwidthHz?.[node.bandwidthHz];
    if (chipMaxSf !== undefined && node.sf > chipMaxSf) {
      failOnce(sfPath, `expected at most SF${chipMaxSf} at ${node.bandwidthHz / 1e3} kHz on ${node.chip.id}, found SF${node.sf}`);
    }
    const airtime = airtimeParamsOf(node);
    try {
      timeOnAir({ ...airtime, payloadBytes: 0 });
    } catch (error) {
      failOnce(sfPath, `expected a modulation the ${node.chip.id} supports, found: ${(error as Error).message}`);
      return node;
    }
    const capacity = maxAppBytesPerFrame({ framing: scenario.framing, region, airtime, repeaterCompatible: scenario.repeaterCompatible });
    if (!capacity.ok) {
      failOnce(sfPath, `expected a modulation allowed by ${scenario.framing} framing in ${region.id}, found: ${capacity.reason}`);
      return node;
    }
    const traffic = node.traffic;
    if (traffic && traffic.payloadBytes > capacity.bytes) {
      const fragments = Math.ceil(traffic.payloadBytes / (capacity.bytes - fragmentHeaderBytes));
      if (capacity.bytes <= fragmentHeaderBytes || fragments > maxFragments) {
        failOnce(['groups', g, 'traffic', 'payloadBytes'], `expected a payload that fits in ${maxFragments} fragments of ${capacity.bytes} bytes, found ${traffic.payloadBytes} bytes`);
      }
    }
    return { ...node, maxAppBytes: capacity.bytes };
  });
  flush();

  checkSensitivity(scenario, resolved, fail);
  checkTrafficTargets(scenario, resolved, fail);
  checkLorawan(scenario, resolved, region, fail);
  checkPreambleSampling(scenario, resolved, region, fail);
  const nodeIds = new Set(resolved.map((node) => node.id));
  scenario.faults?.forEach((fault, i) => {
    if (!nodeIds.has(fault.node)) fail(['faults', i, 'node'], `expected the id of a node of the scenario, found ${JSON.stringify(fault.node)}`);
  });
  flush();
  return { region, pathLoss, nodes: withScheduledClients(scenario, { pathLoss, nodes: resolved }, resolved) };
}

function defaultChannelsMhz(region: Region, chip: RadioChip): number[] {
  if (region.id === 'none' && chip.family === 'sx128x') return [2425];
  return region.defaultChannelsHz.map((hz) => hz / 1e6);
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








/** A sink as the link-budget helpers see it. */
interface SinkReceiver extends Position {
  readonly sensitivityTable: SensitivityTableId;
  readonly noiseFigureDb: number;
  readonly antennaGainDbi: number;
}

function placementRadiusM(scenario: Scenario, group: GroupSpec, radio: GroupRadio, pathLoss: PathLossModel, sinks: readonly SinkReceiver[]): number {
  const placement = group.placement;
  if (!placement || placement.shape !== 'disc') return 0;
  if (placement.radiusM !== 'auto') return placement.radiusM;
  // The distance at which the mean link budget to the first sink (or to a receiver like the
  // group's own nodes when there is none) closes at the group's SF (its highest for sf: auto).
  const chip = chipOf(scenario, radio.chip) ?? radioChips.sx1276;
  const bandwidthHz = radio.bandwidthKhz * 1e3;
  const sf = radio.sf === 'auto' ? Math.min(12, chip.maxSfByBandwidthHz?.[bandwidthHz] ?? 12) : radio.sf;
  const sink = sinks[0];
  const table = sink?.sensitivityTable ?? radio.sensitivity ?? chip.defaultSensitivity;
  const sensitivity = sensitivityDbm(table, sf, bandwidthHz, sink?.noiseFigureDb ?? radio.noiseFigureDb) ?? Number.NaN;
  const maxLossDb = radio.txPowerDbm + radio.antennaGainDbi + (sink?.antennaGainDbi ?? radio.antennaGainDbi) - sensitivity;
  if (scenario.compat === 'lorasim') {
    // LoRaSim r334 places nodes with the natural exponential although its RSSI uses log10.
    return pathLoss.referenceDistanceM * Math.exp((maxLossDb - pathLoss.referenceLossDb) / (10 * pathLoss.exponent));
  }
  return distanceForLossM(pathLoss, maxLossDb);
}

/**
 * The smallest SF whose mean link budget to the nearest sink (its sensitivity table, noise
 * figure and antenna gain) closes with `sfMarginDb` to spare; the largest allowed SF when none
 * does. Candidates respect the chip's SF limits and, with LoRaWAN framing, the region's data rates.
 */
function autoSf(position: Position, sinks: readonly SinkReceiver[], radio: GroupRadio, chip: RadioChip, bandwidthHz: number, pathLoss: PathLossModel, region: Region, scenario: Scenario): number {
  const chipMaxSf = chip.maxSfByBandwidthHz?.[bandwidthHz] ?? 12;
  const candidates = [7, 8, 9, 10, 11, 12].filter(
    (sf) => sf <= chipMaxSf && (scenario.framing !== 'lorawan' || region.dataRates.length === 0 || region.dataRates.some((r) => r.sf === sf && r.bandwidthHz === bandwidthHz)),
  );
  let nearest = sinks[0]!;
  let lossDb = Number.POSITIVE_INFINITY;
  for (const sink of sinks) {
    const loss = meanPathLossDb(pathLoss, Math.hypot(sink.xM - position.xM, sink.yM - position.yM)) - sink.antennaGainDbi;
    if (loss < lossDb) [nearest, lossDb] = [sink, loss];
  }
  const rxDbm = radio.txPowerDbm + radio.antennaGainDbi - lossDb;
  for (const sf of candidates) {
    const sensitivity = sensitivityDbm(nearest.sensitivityTable, sf, bandwidthHz, nearest.noiseFigureDb);
    if (sensitivity !== undefined && rxDbm >= sensitivity + radio.sfMarginDb) return sf;
  }
  return candidates[candidates.length - 1] ?? 12;
}




