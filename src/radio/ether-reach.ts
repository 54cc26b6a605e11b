/**
 * What the ether needs to know of the links, found without visiting every node: the received
 * power of a frame at a receiver (log-distance path loss and the keyed shadowing draw), the
 * receivers' sensitivity and noise floor, and, through spatial grids (spatial-grid.ts), which
 * receivers a sender can reach at all.
 *
 * Reach is exact, not an approximation: the shadowing is a keyed normal draw, whose magnitude
 * is at most `keyedNormalBound` (≈ 8.57) by construction, so a receiver whose mean received
 * power plus that many σ stays below its sensitivity cannot detect the frame with any draw.
 * Leaving it out changes no fate.
 */
import { keyedNormal3, keyedNormal4, keyedNormal4Last, keyedNormal4Prefix, keyedNormalBound } from '../sim/keyed-random.ts';
import { distanceForLossM, meanPathLossDb, rxPowerDbm } from './path-loss.ts';
import { noiseFloorDbm, sensitivityDbm } from './sensitivity.ts';
import { createSpatialGrid, type SpatialGrid } from './spatial-grid.ts';
import type { Transmission } from './transmission.ts';
import type { EtherConfig } from './ether-config.ts';

export interface EtherReach {
  /** The frame's received power at `receiver`: mean path loss and the shadowing draw. */
  powerDbm(tx: Transmission, receiver: number): number;
  /** The receiver's sensitivity at that modulation (a RangeError when its table has none). */
  sensitivityDbm(receiver: number, sf: number, bandwidthHz: number): number;
  noiseFloorDbm(receiver: number, bandwidthHz: number): number;
  /** The finite-path receivers (gateways) the frame could reach with some shadowing draw, by index, ascending. */
  pathCandidates(tx: Transmission): readonly number[];
  /**
   * The frame's received power at each receiver of `candidates`, which pathCandidates(tx) has
   * just returned (NaN at the sender itself): what powerDbm gives, bit for bit, with the mean
   * losses kept per sender (positions never move) and the per-frame shadowing's keys mixed once
   * per frame (keyedNormal4Prefix), since a frame meets every candidate.
   */
  pathPowers(tx: Transmission, candidates: readonly number[]): Float64Array;
  /**
   * The nodes a broadcast addresses: those whose mean received power is at least their
   * sensitivity minus the broadcast margin and 3σ of shadowing, by index.
   */
  broadcastTargets(tx: Transmission): readonly number[];
  /**
   * The gateways (sinks) an uplink to every gateway addresses: those that could detect it with
   * some shadowing draw (mean received power plus the draw's bound at least their sensitivity),
   * by index, ascending. The bound changes no fate: a gateway left out could not have heard it.
   */
  gatewayTargets(tx: Transmission): readonly number[];
}

/** Floating-point slack on the reach tests (dB): far below anything a fate turns on. */
const slackDb = 1e-6;

export function createEtherReach(config: EtherConfig): EtherReach {
  const { nodes, pathLoss } = config;
  const sigma = pathLoss.shadowingSigmaDb;
  const xM = Float64Array.from(nodes, (node) => node.xM);
  const yM = Float64Array.from(nodes, (node) => node.yM);
  const keys = Uint32Array.from(nodes, (node) => node.key);
  const gainDbi = Float64Array.from(nodes, (node) => node.antennaGainDbi);
  const maxGainDbi = nodes.reduce((max, node) => Math.max(max, node.antennaGainDbi), Number.NEGATIVE_INFINITY);
  const finitePath = nodes.flatMap((node, index) => (Number.isFinite(node.receivePaths) ? [index] : []));
  const gateways = nodes.flatMap((node, index) => (node.gateway ? [index] : []));

  // Sensitivity and noise floor per receiver profile (table, noise figure) and modulation.
  const profiles = new Map<string, number>();
  const profileOf = Int32Array.from(nodes, (node) => {
    const key = `${node.sensitivityTable}/${node.noiseFigureDb}`;
    let id = profiles.get(key);
    if (id === undefined) profiles.set(key, (id = profiles.size));
    return id;
  });
  // Sensitivity and noise floor per (profile, SF, bandwidth), in a flat array: a bandwidth gets
  // a small number the first time it is seen (a scenario uses a few), NaN marks what is not known yet.
  const bandwidthSlot = new Map<number, number>();
  let cache = new Float64Array(0);
  const slotsPerProfile = (): number => 17 * (bandwidthSlot.size + 1);
  function cacheIndex(profile: number, sf: number, bandwidthHz: number): number {
    let b = bandwidthSlot.get(bandwidthHz);
    if (b === undefined) {
      bandwidthSlot.set(bandwidthHz, (b = bandwidthSlot.size));
      const grown = new Float64Array(profiles.size * slotsPerProfile()).fill(Number.NaN);
      // Entries move with the layout: simplest is to start the cache again.
      cache = grown;
    }
    // Per profile: 16 SF slots and one noise-floor slot per bandwidth.
    return profile * slotsPerProfile() + b * 17 + sf;
  }
  const modulationKey = (profile: number, sf: number, bandwidthHz: number): number => (profile * 16 + sf) * 1e7 + bandwidthHz;

  function sensitivity(receiver: number, sf: number, bandwidthHz: number): number {
    const index = cacheIndex(profileOf[receiver]!, sf, bandwidthHz);
    const known = cache[index]!;
    if (known === known) return known;
    const node = nodes[receiver]!;
    const value = sensitivityDbm(node.sensitivityTable, sf, bandwidthHz, node.noiseFigureDb);
    if (value === undefined) throw new RangeError(`sensitivity table ${node.sensitivityTable} has no entry for SF${sf}/${bandwidthHz / 1e3} kHz`);
    cache[index] = value;
    return value;
  }

  const meanLossDb = (a: number, b: number): number => meanPathLossDb(pathLoss, Math.hypot(xM[a]! - xM[b]!, yM[a]! - yM[b]!));

  function shadowingDb(tx: Transmission, receiver: number): number {
    if (sigma === 0) return 0;
    const senderKey = keys[tx.sender]!;
    const receiverKey = keys[receiver]!;
    // Per link: reciprocal, the same draw in both directions.
    if (config.shadowingMode === 'per-link') return sigma * (senderKey < receiverKey ? keyedNormal3(config.seed, 1, senderKey, receiverKey) : keyedNormal3(config.seed, 1, receiverKey, senderKey));
    return sigma * keyedNormal4(config.seed, 2, senderKey, tx.seq, receiverKey);
  }

  /** The lowest sensitivity among `receivers` at a modulation (remembered per set and modulation). */
  const lowest = new Map<readonly number[], Map<number, number>>();
  function lowestSensitivity(receivers: readonly number[], sf: number, bandwidthHz: number): number {
    let bySet = lowest.get(receivers);
    if (!bySet) lowest.set(receivers, (bySet = new Map()));
    const key = modulationKey(0, sf, bandwidthHz);
    let value = bySet.get(key);
    if (value === undefined) {
      value = Number.POSITIVE_INFINITY;
      const seen = new Set<number>();
      for (const r of receivers) {
        if (seen.has(profileOf[r]!)) continue;
        seen.add(profileOf[r]!);
        value = Math.min(value, sensitivity(r, sf, bandwidthHz));
      }
      bySet.set(key, value);
    }
    return value;
  }

  /** A grid sized for `points`, about four points per cell on average. */
  function gridOf(points: readonly number[]): SpatialGrid {
    let minX = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (const p of points) {
      minX = Math.min(minX, xM[p]!);
      maxX = Math.max(maxX, xM[p]!);
      minY = Math.min(minY, yM[p]!);
      maxY = Math.max(maxY, yM[p]!);
    }
    const area = Math.max(1, (maxX - minX) * (maxY - minY));
    return createSpatialGrid(points, xM, yM, Math.max(1, Math.sqrt((4 * area) / Math.max(1, points.length))));
  }

  /** Node indices within the distance at which the mean loss reaches `lossDb`, ascending, that pass `keep`. */
  function within(grid: SpatialGrid, sender: number, lossDb: number, keep: (receiver: number) => boolean): number[] {
    const radiusM = distanceForLossM(pathLoss, lossDb + slackDb) * (1 + 1e-9) + 1e-6;
    const found: number[] = [];
    grid.near(xM[sender]!, yM[sender]!, radiusM, (receiver) => {
      if (receiver !== sender && keep(receiver)) found.push(receiver);
    });
    return found.sort((a, b) => a - b);
  }

  // Per sender: the candidates for its last modulation and power (nodes keep theirs).
  const reachKey = modulationMemo(nodes.length);
  const reachList: (readonly number[] | undefined)[] = [];
  const broadcastKey = modulationMemo(nodes.length);
  const broadcastList: (readonly number[] | undefined)[] = [];
  const gatewayKey = modulationMemo(nodes.length);
  const gatewayList: (readonly number[] | undefined)[] = [];
  let gatewayGrid: SpatialGrid | undefined;
  let pathGrid: SpatialGrid | undefined;
  let nodeGrid: SpatialGrid | undefined;
  const allNodes = nodes.map((_, i) => i);
  const fewReceivers = 32;
  // The mean losses to the candidates: per sender beside its reach list, and for the few
  // receivers all visited, a row per sender in one array (NaN: not computed yet).
  const reachLoss: (Float64Array | undefined)[] = [];
  let finiteLoss: Float64Array | undefined;
  function finiteLosses(sender: number): Float64Array {
    const width = finitePath.length;
    finiteLoss ??= new Float64Array(nodes.length * width).fill(Number.NaN);
    const base = sender * width;
    if (width > 0 && finiteLoss[base]! !== finiteLoss[base]!) for (let i = 0; i < width; i++) finiteLoss[base + i] = meanLossDb(sender, finitePath[i]!);
    return finiteLoss;
  }

  return {
    sensitivityDbm: sensitivity,
    noiseFloorDbm(receiver, bandwidthHz) {
      const index = cacheIndex(profileOf[receiver]!, 16, bandwidthHz);
      const known = cache[index]!;
      if (known === known) return known;
      return (cache[index] = noiseFloorDbm(bandwidthHz, nodes[receiver]!.noiseFigureDb));
    },
    powerDbm(tx, receiver) {
      return rxPowerDbm(tx.txPowerDbm, gainDbi[tx.sender]!, gainDbi[receiver]!, meanLossDb(tx.sender, receiver), shadowingDb(tx, receiver));
    },
    pathCandidates(tx) {
      // A handful of gateways are simply all visited.
      if (finitePath.length <= fewReceivers) return finitePath;
      if (reachKey.same(tx)) return reachList[tx.sender]!;
      pathGrid ??= gridOf(finitePath);
      const sender = tx.sender;
      const headroomDb = keyedNormalBound * sigma + slackDb;
      const lossDb = tx.txPowerDbm + gainDbi[sender]! + maxGainDbi - lowestSensitivity(finitePath, tx.sf, tx.bandwidthHz) + headroomDb;
      const list = within(pathGrid, sender, lossDb, (r) => Number.isFinite(nodes[r]!.receivePaths) && rxPowerDbm(tx.txPowerDbm, gainDbi[sender]!, gainDbi[r]!, meanLossDb(sender, r), 0) + headroomDb >= sensitivity(r, tx.sf, tx.bandwidthHz));
      reachKey.remember(tx);
      reachList[sender] = list;
      reachLoss[sender] = Float64Array.from(list, (r) => meanLossDb(sender, r));
      return list;
    },
    pathPowers(tx, candidates) {
      const sender = tx.sender;
      const few = candidates === finitePath;
      const losses = few ? finiteLosses(sender) : reachLoss[sender]!;
      const base = few ? sender * finitePath.length : 0;
      const powers = new Float64Array(candidates.length);
      const perFrame = sigma !== 0 && config.shadowingMode !== 'per-link';
      if (perFrame) keyedNormal4Prefix(config.seed, 2, keys[sender]!, tx.seq);
      for (let i = 0; i < candidates.length; i++) {
        const receiver = candidates[i]!;
        if (receiver === sender) {
          powers[i] = Number.NaN;
          continue;
        }
        const shadowDb = perFrame ? sigma * keyedNormal4Last(keys[receiver]!) : shadowingDb(tx, receiver);
        powers[i] = rxPowerDbm(tx.txPowerDbm, gainDbi[sender]!, gainDbi[receiver]!, losses[base + i]!, shadowDb);
      }
      return powers;
    },
    broadcastTargets(tx) {
      if (broadcastKey.same(tx)) return broadcastList[tx.sender]!;
      nodeGrid ??= gridOf(allNodes);
      const sender = tx.sender;
      const lossDb = tx.txPowerDbm + gainDbi[sender]! + maxGainDbi - lowestSensitivity(allNodes, tx.sf, tx.bandwidthHz) + config.broadcastMarginDb + 3 * sigma;
      const list = within(nodeGrid, sender, lossDb, (r) => {
        const mean = rxPowerDbm(tx.txPowerDbm, gainDbi[sender]!, gainDbi[r]!, meanLossDb(sender, r), 0);
        return mean >= sensitivity(r, tx.sf, tx.bandwidthHz) - config.broadcastMarginDb - 3 * sigma;
      });
      broadcastKey.remember(tx);
      broadcastList[sender] = list;
      return list;
    },
    gatewayTargets(tx) {
      if (gatewayKey.same(tx)) return gatewayList[tx.sender]!;
      const sender = tx.sender;
      const headroomDb = keyedNormalBound * sigma + slackDb;
      const detectable = (r: number): boolean => r !== sender && rxPowerDbm(tx.txPowerDbm, gainDbi[sender]!, gainDbi[r]!, meanLossDb(sender, r), 0) + headroomDb >= sensitivity(r, tx.sf, tx.bandwidthHz);
      let list: number[];
      if (gateways.length <= fewReceivers) list = gateways.filter(detectable);
      else {
        gatewayGrid ??= gridOf(gateways);
        const lossDb = tx.txPowerDbm + gainDbi[sender]! + maxGainDbi - lowestSensitivity(gateways, tx.sf, tx.bandwidthHz) + headroomDb;
        list = within(gatewayGrid, sender, lossDb, detectable);
      }
      gatewayKey.remember(tx);
      gatewayList[sender] = list;
      return list;
    },
  };
}

/**
 * Per sender, the modulation and power its cached candidates were found for: numbers in
 * columns, compared in place (a string key would be built for every frame).
 */
function modulationMemo(count: number): { same(tx: Transmission): boolean; remember(tx: Transmission): void } {
  const sf = new Float64Array(count).fill(Number.NaN);
  const bandwidthHz = new Float64Array(count);
  const txPowerDbm = new Float64Array(count);
  return {
    same: (tx) => sf[tx.sender] === tx.sf && bandwidthHz[tx.sender] === tx.bandwidthHz && txPowerDbm[tx.sender] === tx.txPowerDbm,
    remember(tx) {
      sf[tx.sender] = tx.sf;
      bandwidthHz[tx.sender] = tx.bandwidthHz;
      txPowerDbm[tx.sender] = tx.txPowerDbm;
    },
  };
}
