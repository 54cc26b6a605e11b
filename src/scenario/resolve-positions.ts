/**
 * Where each group's nodes go, and what the link budget to the sinks sizes: a disc's
 * `radiusM: auto` (where the mean link to the first sink closes) and `sf: auto` (the smallest SF
 * whose link to the nearest sink closes with margin).
 */
import type { RandomStreams } from '../sim/rng.ts';
import { distanceForLossM, type PathLossModel } from '../radio/path-loss.ts';
import type { Region } from '../radio/regions.ts';
import { sensitivityDbm, type SensitivityTableId } from '../radio/sensitivity.ts';
import { radioChips, type RadioChip } from '../hw/radio-chips.ts';
import type { IssueLog } from './issue-log.ts';
import { placeGroup, type Position } from './placement.ts';
import { createNearestSink } from './nearest-sink.ts';
import { chipOf } from './radio-profile.ts';
import type { GroupRadio } from './resolve-checks.ts';
import type { Locate } from './resolve.ts';
import type { GroupSpec, Scenario } from './schema.ts';

/** A sink as the link-budget helpers see it. */
export interface SinkReceiver extends Position {
  readonly sensitivityTable: SensitivityTableId;
  readonly noiseFigureDb: number;
  readonly antennaGainDbi: number;
}

/** The groups' positions (by group index) and the sinks' receivers. */
export interface PlacedGroups {
  readonly positions: ReadonlyMap<number, readonly Position[]>;
  readonly sinkReceivers: readonly SinkReceiver[];
}

/**
 * Places every group's nodes. Sinks are placed first (in file order) so that `radiusM: auto`
 * and `sf: auto` can use them; a radius that no link budget sizes is an input error at once.
 *
 * @example
 * const { positions, sinkReceivers } = placeGroups(scenario, radios, pathLoss, rng, locate, issues);
 */
export function placeGroups(scenario: Scenario, radios: readonly GroupRadio[], pathLoss: PathLossModel, rng: RandomStreams, locate: Locate, { fail, flush }: IssueLog): PlacedGroups {
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
  return { positions, sinkReceivers };
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
 * For `sf: auto`: the smallest SF whose mean link budget to the nearest sink (its sensitivity
 * table, noise figure and antenna gain) closes with `sfMarginDb` to spare; the largest allowed SF
 * when none does. Candidates respect the chip's SF limits and, with LoRaWAN framing, the
 * region's data rates. Built once per group, asked once per node.
 *
 * @example
 * const sfOf = createAutoSf(sinks, radio, chip, 125_000, pathLoss, region, scenario);
 * sfOf({ xM: 800, yM: 0 }); // 7 near a gateway, up to 12 far from every one
 */
export function createAutoSf(sinks: readonly SinkReceiver[], radio: GroupRadio, chip: RadioChip, bandwidthHz: number, pathLoss: PathLossModel, region: Region, scenario: Scenario): (position: Position) => number {
  const chipMaxSf = chip.maxSfByBandwidthHz?.[bandwidthHz] ?? 12;
  const candidates = [7, 8, 9, 10, 11, 12].filter(
    (sf) => sf <= chipMaxSf && (scenario.framing !== 'lorawan' || region.dataRates.length === 0 || region.dataRates.some((r) => r.sf === sf && r.bandwidthHz === bandwidthHz)),
  );
  const nearestSink = createNearestSink(sinks, pathLoss);
  return (position) => {
    const nearest = sinks[nearestSink.find(position)]!;
    const rxDbm = radio.txPowerDbm + radio.antennaGainDbi - nearestSink.lossDb;
    for (const sf of candidates) {
      const sensitivity = sensitivityDbm(nearest.sensitivityTable, sf, bandwidthHz, nearest.noiseFigureDb);
      if (sensitivity !== undefined && rxDbm >= sensitivity + radio.sfMarginDb) return sf;
    }
    return candidates[candidates.length - 1] ?? 12;
  };
}
