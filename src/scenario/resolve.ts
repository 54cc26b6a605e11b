/**
 * Resolves a validated scenario into the concrete swarm: every node's id, position, radio
 * settings, receiver and traffic, with the semantic checks the schema cannot make (a
 * modulation the chip or region does not allow, a channel outside every sub-band, a power
 * above the limit, a sensitivity table without an entry, a payload no frame can carry).
 */
import { withScheduledClients } from './federated-roles.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { timeOnAir, type AirtimeParams } from '../radio/airtime.ts';
import { collisionSfRange } from '../radio/collision/index.ts';
import { maxAppBytesPerFrame } from '../radio/framing.ts';
import { fragmentHeaderBytes, maxFragments } from '../radio/fragmentation.ts';
import type { CodingRate, LdroMode } from '../radio/modulation.ts';
import { pathLossProfiles, type PathLossModel } from '../radio/path-loss.ts';
import { regions, type Region } from '../radio/regions.ts';
import type { SensitivityTableId } from '../radio/sensitivity.ts';
import type { RadioChip } from '../hw/radio-chips.ts';
import type { MemoryKind } from '../hw/memory-ledger.ts';
import type { McuProfile, OpType } from '../hw/mcu-profiles.ts';
import type { NodePower } from '../node/node-power.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';
import { checkLorawan, checkPreambleSampling, checkSensitivity, checkTrafficTargets, radioKey, type Fail, type GroupRadio } from './resolve-checks.ts';
import type { InputIssue } from './errors.ts';
import { createIssueLog } from './issue-log.ts';
import { resolveGroupNodes, type SwarmSoFar } from './resolve-group-nodes.ts';
import { placeGroups } from './resolve-positions.ts';
import type { Scenario } from './schema.ts';

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

export function resolvePathLoss(scenario: Scenario): PathLossModel {
  const base = typeof scenario.pathLoss === 'string' ? pathLossProfiles[scenario.pathLoss] : { ...scenario.pathLoss, shadowingSigmaDb: 0 };
  return { ...base, shadowingSigmaDb: scenario.shadowing?.sigmaDb ?? base.shadowingSigmaDb };
}

/**
 * The concrete swarm of a validated scenario. Every problem found is gathered and thrown as one
 * InputError (`locate` and `fromSet` say where each key path is written), at the end of each
 * stage whose later stages need it right: the positions, the nodes, their frames, the rest.
 */
export function resolveSwarm(scenario: Scenario, locate: Locate = () => undefined, fromSet: (path: readonly PropertyKey[]) => boolean = () => false): ResolvedSwarm {
  const region = regions[scenario.region];
  const pathLoss = resolvePathLoss(scenario);
  const rng = createRandomStreams(scenario.seed);
  const issues = createIssueLog(locate, fromSet);
  const { fail, flush } = issues;
  const radios: GroupRadio[] = scenario.groups.map((group) => ({ ...scenario.radio, ...group.radio }) as GroupRadio);
  const placed = placeGroups(scenario, radios, pathLoss, rng, locate, issues);
  const nodes: NodeSpec[] = [];
  const ids = new Set<string>();
  const swarm: SwarmSoFar = { scenario, region, pathLoss, rng, radios, placed, fail };
  scenario.groups.forEach((_, g) => resolveGroupNodes(swarm, g, nodes, ids));
  flush();
  const resolved = withFrameCapacity(scenario, region, nodes, fail);
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

/**
 * Each node with the application bytes one frame carries (`maxAppBytes`), checking its SF
 * against the collision model and the chip, its modulation against the chip and the framing,
 * and its payload against the fragments it may take. The checks are a function of the node's
 * group, chip, modulation and payload, which most nodes share: a combination found without
 * fault is not checked again (a city of 100,000 nodes: 0.5 s of checks otherwise).
 */
function withFrameCapacity(scenario: Scenario, region: Region, nodes: readonly NodeSpec[], fail: Fail): NodeSpec[] {
  // By chip profile (the object: a custom one may share a catalogue id), then the rest.
  const checkedByChip = new Map<NodeSpec['chip'], Map<string, number>>();
  return nodes.map((node) => {
    let checked = checkedByChip.get(node.chip);
    if (!checked) checkedByChip.set(node.chip, (checked = new Map()));
    const key = `${node.group}\n${node.sf}\n${node.bandwidthHz}\n${node.codingRate}\n${node.preambleSymbols}\n${node.implicitHeader}\n${node.crc}\n${node.ldro}\n${node.traffic?.payloadBytes}`;
    let bytes = checked.get(key);
    if (bytes === undefined) {
      let faults = 0;
      bytes = frameCapacityOf(scenario, region, node, (path, message) => {
        faults++;
        fail(path, message);
      });
      if (bytes === undefined) return node;
      if (faults === 0) checked.set(key, bytes);
    }
    return { ...node, maxAppBytes: bytes };
  });
}

/** A node's application bytes per frame, with its faults said to `fail`; undefined when its modulation carries none. */
function frameCapacityOf(scenario: Scenario, region: Region, node: NodeSpec, fail: Fail): number | undefined {
  const [minSf, maxSf] = collisionSfRange[scenario.collision];
  const g = scenario.groups.findIndex((group) => group.name === node.group);
  const sfPath = radioKey(scenario, g)('sf');
  if (node.sf < minSf || node.sf > maxSf) fail(sfPath, `expected SF${minSf}–${maxSf} for the ${scenario.collision} collision model, found SF${node.sf}`);
  const chipMaxSf = node.chip.maxSfByBandwidthHz?.[node.bandwidthHz];
  if (chipMaxSf !== undefined && node.sf > chipMaxSf) {
    fail(sfPath, `expected at most SF${chipMaxSf} at ${node.bandwidthHz / 1e3} kHz on ${node.chip.id}, found SF${node.sf}`);
  }
  const airtime = airtimeParamsOf(node);
  try {
    timeOnAir({ ...airtime, payloadBytes: 0 });
  } catch (error) {
    fail(sfPath, `expected a modulation the ${node.chip.id} supports, found: ${(error as Error).message}`);
    return undefined;
  }
  const capacity = maxAppBytesPerFrame({ framing: scenario.framing, region, airtime, repeaterCompatible: scenario.repeaterCompatible });
  if (!capacity.ok) {
    fail(sfPath, `expected a modulation allowed by ${scenario.framing} framing in ${region.id}, found: ${capacity.reason}`);
    return undefined;
  }
  const traffic = node.traffic;
  if (traffic && traffic.payloadBytes > capacity.bytes) {
    const fragments = Math.ceil(traffic.payloadBytes / (capacity.bytes - fragmentHeaderBytes));
    if (capacity.bytes <= fragmentHeaderBytes || fragments > maxFragments) {
      fail(['groups', g, 'traffic', 'payloadBytes'], `expected a payload that fits in ${maxFragments} fragments of ${capacity.bytes} bytes, found ${traffic.payloadBytes} bytes`);
    }
  }
  return capacity.bytes;
}
