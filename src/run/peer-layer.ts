/**
 * The peer MAC of a run (the scenario's `peerMac` key): link-layer ACKs (node/peer-links.ts)
 * for every node that is not a LoRaWAN class A device, and listen before talk for the MAC
 * (node/macs.ts), built from the resolved specs.
 */
import { streamGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { timeOnAir } from '../radio/airtime.ts';
import { framingOverheadBytes } from '../radio/framing.ts';
import type { ListenBeforeTalk, Macs } from '../node/macs.ts';
import type { NodeRuntimes } from '../node/node-runtimes.ts';
import { createPeerLinks, type PeerLinks } from '../node/peer-links.ts';
import { airtimeParamsOf, type NodeSpec } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { isLorawanDevice } from './lorawan-layer.ts';

/** Whether a node runs the peer MAC in this scenario. */
export function hasPeerMac(scenario: Scenario, spec: NodeSpec): boolean {
  return scenario.peerMac !== undefined && !isLorawanDevice(scenario, spec);
}

/** Airtime of a peer ACK from `spec` (the framing's header and a 2-byte payload). */
export function ackAirtimeMs(scenario: Scenario, spec: NodeSpec): number {
  return timeOnAir({ ...airtimeParamsOf(spec), payloadBytes: framingOverheadBytes(scenario.framing) + 2 }).airtimeMs;
}

/**
 * How long after its own frame a node waiting for an ACK listens, whatever its wake schedule
 * (the ether's `listensAfterTxMs`): up to the wait's end.
 */
export function ackListenMs(scenario: Scenario, spec: NodeSpec): number {
  return hasPeerMac(scenario, spec) && scenario.peerMac!.ack ? 2 * scenario.processingDelayMs + ackAirtimeMs(scenario, spec) + scenario.peerMac!.ackMarginMs : 0;
}

export function createPeerLayer(scenario: Scenario, specs: readonly NodeSpec[], hosted: readonly boolean[], scheduler: Scheduler, macs: () => Macs, runtimes: NodeRuntimes): PeerLinks {
  const settings = scenario.peerMac!;
  return createPeerLinks({
    scheduler,
    settings,
    framing: scenario.framing,
    nodes: specs.map((spec) => (hosted[spec.index] && hasPeerMac(scenario, spec) ? { index: spec.index, rng: streamGenerator(scenario.seed, `node/${spec.id}/peer-mac`), ackAirtimeMs: ackAirtimeMs(scenario, spec) } : undefined)),
    macs,
    runtimes,
    processingDelayMs: scenario.processingDelayMs,
  });
}

/**
 * Channel activity detection (SX1276 datasheet Rev.4 §4.1.6, "Channel activity detection",
 * https://www.semtech.com/products/wireless-rf/lora-connect/sx1276): the receiver is on for
 * (2^SF + 32)/BW; the whole detection takes about two symbols; the MCU learns the result one
 * processing delay after it.
 */
export function listenBeforeTalk(scenario: Scenario, specs: readonly NodeSpec[], runtimes: NodeRuntimes, channelBusy: ListenBeforeTalk['channelBusy'], peer: Pick<PeerLinks, 'backoffMs' | 'channelWasBusy'>): ListenBeforeTalk {
  return {
    cad(node, sf) {
      const bandwidthHz = specs[node]!.bandwidthHz;
      const rxOnMs = ((2 ** sf + 32) / bandwidthHz) * 1000;
      const symbolMs = (2 ** sf / bandwidthHz) * 1000;
      return { rxOnMs, resultMs: Math.max(rxOnMs, 2 * symbolMs) + scenario.processingDelayMs };
    },
    channelBusy,
    backoffMs: (node) => peer.backoffMs(node),
    maxBackoffs: scenario.peerMac!.maxBackoffs,
    listen: (node, untilMs) => runtimes.rxWindow(node, untilMs),
    busy: (node) => peer.channelWasBusy(node),
  };
}
