/**
 * What the ether needs to know of the links, found without visiting every node: the received
 * power of a frame at a receiver (log-distance path loss and the keyed shadowing draw), the
 * receivers' sensitivity and noise floor, and, through spatial grids (spatial-grid.ts), which
 * receivers a sender can reach at all.
 *
 * Reach is exact, not an approximation: the shadowing is a keyed normal draw truncated at
 * ±`shadowingBoundSigma` (6σ, link-budget.ts), so a receiver whose mean received power plus that
 * many σ stays below its sensitivity cannot detect the frame with any draw. Leaving it out
 * changes no fate.
 */
import { createLinkBudget, gainDbi, gridOf, meanLossDb, meanRxDbm, shadowingBoundSigma, shadowingDb, slackDb, within, type LinkBudget } from './link-budget.ts';
import { modulationMemo, type ModulationMemo } from './modulation-memo.ts';
import { rxPowerDbm } from './path-loss.ts';
import { createReceiverSensitivity, type ReceiverSensitivity } from './receiver-sensitivity.ts';
import type { SpatialGrid } from './spatial-grid.ts';
import type { Transmission } from './transmission.ts';
import type { EtherConfig, EtherNode } from './ether-config.ts';

export interface EtherReach {
  /** The frame's received power at `receiver`: mean path loss and the shadowing draw. */
  powerDbm(tx: Transmission, receiver: number): number;
  /** The receiver's sensitivity at that modulation (a RangeError when its table has none). */
  sensitivityDbm(receiver: number, sf: number, bandwidthHz: number): number;
  noiseFloorDbm(receiver: number, bandwidthHz: number): number;
  /** The finite-path receivers (gateways) the frame could reach with some shadowing draw, by index, ascending. */
  pathCandidates(tx: Transmission): readonly number[];
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

/** A handful of receivers are simply all visited. */
const fewReceivers = 32;

/** The reach's state: the links, the receivers' figures and, per sender, its last lists found. */
interface Reach {
  readonly nodes: readonly EtherNode[];
  readonly broadcastMarginDb: number;
  readonly links: LinkBudget;
  readonly receivers: ReceiverSensitivity;
  readonly finitePath: readonly number[];
  readonly gateways: readonly number[];
  readonly allNodes: readonly number[];
  // Per sender: the candidates for its last modulation and power (nodes keep theirs).
  readonly reachKey: ModulationMemo;
  readonly reachList: (readonly number[] | undefined)[];
  readonly broadcastKey: ModulationMemo;
  readonly broadcastList: (readonly number[] | undefined)[];
  readonly gatewayKey: ModulationMemo;
  readonly gatewayList: (readonly number[] | undefined)[];
  gatewayGrid: SpatialGrid | undefined;
  pathGrid: SpatialGrid | undefined;
  nodeGrid: SpatialGrid | undefined;
}

/** The reach of `config`'s nodes; `senders`: their sender rows (sender-row.ts), when the channel logs share them. */
export function createEtherReach(config: EtherConfig, senders?: Float64Array): EtherReach {
  const { nodes } = config;
  const links = createLinkBudget(config, senders);
  const receivers = createReceiverSensitivity(nodes);
  const reach: Reach = {
    nodes,
    broadcastMarginDb: config.broadcastMarginDb,
    links,
    receivers,
    finitePath: nodes.flatMap((node, index) => (Number.isFinite(node.receivePaths) ? [index] : [])),
    gateways: nodes.flatMap((node, index) => (node.gateway ? [index] : [])),
    allNodes: nodes.map((_, i) => i),
    reachKey: modulationMemo(nodes.length),
    reachList: [],
    broadcastKey: modulationMemo(nodes.length),
    broadcastList: [],
    gatewayKey: modulationMemo(nodes.length),
    gatewayList: [],
    gatewayGrid: undefined,
    pathGrid: undefined,
    nodeGrid: undefined,
  };
  return {
    sensitivityDbm: receivers.sensitivityDbm,
    noiseFloorDbm: receivers.noiseFloorDbm,
    powerDbm: (tx, receiver) => rxPowerDbm(tx.txPowerDbm, gainDbi(links, tx.sender), gainDbi(links, receiver), meanLossDb(links, tx.sender, receiver), shadowingDb(links, tx, receiver)),
    pathCandidates: (tx) => pathCandidates(reach, tx),
    broadcastTargets: (tx) => broadcastTargets(reach, tx),
    gatewayTargets: (tx) => gatewayTargets(reach, tx),
  };
}

function pathCandidates(reach: Reach, tx: Transmission): readonly number[] {
  const { finitePath, links, receivers } = reach;
  if (finitePath.length <= fewReceivers) return finitePath;
  if (reach.reachKey.same(tx)) return reach.reachList[tx.sender]!;
  reach.pathGrid ??= gridOf(links, finitePath);
  const sender = tx.sender;
  const headroomDb = shadowingBoundSigma * links.sigma + slackDb;
  const lossDb = tx.txPowerDbm + gainDbi(links, sender) + links.maxGainDbi - receivers.lowestDbm(finitePath, tx.sf, tx.bandwidthHz) + headroomDb;
  const list = within(links, reach.pathGrid, sender, lossDb, (r) => Number.isFinite(reach.nodes[r]!.receivePaths) && meanRxDbm(links, tx, r) + headroomDb >= receivers.sensitivityDbm(r, tx.sf, tx.bandwidthHz));
  reach.reachKey.remember(tx);
  reach.reachList[sender] = list;
  return list;
}

function broadcastTargets(reach: Reach, tx: Transmission): readonly number[] {
  if (reach.broadcastKey.same(tx)) return reach.broadcastList[tx.sender]!;
  const { links, receivers, allNodes, broadcastMarginDb } = reach;
  reach.nodeGrid ??= gridOf(links, allNodes);
  const sender = tx.sender;
  const lossDb = tx.txPowerDbm + gainDbi(links, sender) + links.maxGainDbi - receivers.lowestDbm(allNodes, tx.sf, tx.bandwidthHz) + broadcastMarginDb + 3 * links.sigma;
  const list = within(links, reach.nodeGrid, sender, lossDb, (r) => meanRxDbm(links, tx, r) >= receivers.sensitivityDbm(r, tx.sf, tx.bandwidthHz) - broadcastMarginDb - 3 * links.sigma);
  reach.broadcastKey.remember(tx);
  reach.broadcastList[sender] = list;
  return list;
}

function gatewayTargets(reach: Reach, tx: Transmission): readonly number[] {
  if (reach.gatewayKey.same(tx)) return reach.gatewayList[tx.sender]!;
  const { links, receivers, gateways } = reach;
  const sender = tx.sender;
  const headroomDb = shadowingBoundSigma * links.sigma + slackDb;
  const detectable = (r: number): boolean => r !== sender && meanRxDbm(links, tx, r) + headroomDb >= receivers.sensitivityDbm(r, tx.sf, tx.bandwidthHz);
  let list: number[];
  if (gateways.length <= fewReceivers) list = gateways.filter(detectable);
  else {
    reach.gatewayGrid ??= gridOf(links, gateways);
    const lossDb = tx.txPowerDbm + gainDbi(links, sender) + links.maxGainDbi - receivers.lowestDbm(gateways, tx.sf, tx.bandwidthHz) + headroomDb;
    list = within(links, reach.gatewayGrid, sender, lossDb, detectable);
  }
  reach.gatewayKey.remember(tx);
  reach.gatewayList[sender] = list;
  return list;
}
