/**
 * The nodes of a swarm that run in this process, built from their resolved specs: their
 * firmware and energy (node-runtimes.ts), MACs (macs.ts), radio stacks (links.ts) and traffic
 * (traffic.ts), each one table for every node. A node is an index into them; the objects
 * applications and tests hold (`NodeRuntime`, `LoraNode`) are views made on demand.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import { txCurrentMa } from '../hw/radio-chips.ts';
import type { EnergyState } from '../hw/energy-ledger.ts';
import { symbolTimeMs } from '../radio/modulation.ts';
import { nextReceiveStartMs, samplingPreambleSymbols } from '../radio/wake-schedule.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { maxAppBytesPerFrame } from '../radio/framing.ts';
import type { EventSink } from '../node/events.ts';
import { createNodeRuntimes, type NodeRuntimes, type NodeRuntimesState } from '../node/node-runtimes.ts';
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import { nodeRuntimeView, type NodeRuntime } from '../node/node-runtime.ts';
import { createMacs, type Macs, type MacsState, type OutgoingFrame } from '../node/macs.ts';
import type { AdrChange, LorawanDevicesState } from '../node/lorawan-devices.ts';
import type { NetworkServerState } from '../node/network-server.ts';
import { createLinks, type Links, type LinksState, type ReceivedMessage } from '../node/links.ts';
import { startTraffic, type TrafficState } from '../node/traffic.ts';
import type { LoraNode } from '../node/lora-node.ts';
import type { NodeApplication } from '../node/application.ts';
import { airtimeParamsOf, type NodeSpec, type ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { MemoryKind } from '../hw/memory-ledger.ts';
import type { EtherNode } from '../radio/ether-config.ts';
import { nameKey } from '../sim/keyed-random.ts';
import type { Transport } from '../transport/transport.ts';
import { isConcentrator, macNodeOf, runtimeNodeOf, trafficNodesOf } from './swarm-node-specs.ts';

export { isConcentrator } from './swarm-node-specs.ts';
import { createLorawanLayer, isClassA, isLorawanDevice, type LorawanLayer } from './lorawan-layer.ts';
import { ackListenMs, createPeerLayer, listenBeforeTalk } from './peer-layer.ts';
import type { PeerLinks, PeerLinksState } from '../node/peer-links.ts';
import type { LinkHooks } from '../node/macs.ts';

/** The hosted nodes' whole state (a checkpoint: checkpoint-state.ts). */
export interface SwarmNodesState {
  readonly runtimes: NodeRuntimesState;
  readonly macs: MacsState;
  readonly links: LinksState;
  readonly traffic: TrafficState | undefined;
  readonly lorawan?: { readonly devices: LorawanDevicesState; readonly server: NetworkServerState; readonly adrChanges: readonly AdrChange[] };
  readonly peer?: PeerLinksState;
}

export interface SwarmNodes extends Checkpointable<SwarmNodesState> {
  readonly runtimes: NodeRuntimes;
  readonly macs: Macs;
  readonly links: Links;
  /** The LoRaWAN devices and network server, when the scenario has `lorawan`. */
  readonly lorawan: LorawanLayer | undefined;
  /** The peer MAC's acknowledgements, when the scenario has `peerMac`. */
  readonly peer: PeerLinks | undefined;
  /** The indices of the nodes this process runs, in order. */
  readonly hostedIndices: readonly number[];
  /** A frame or preamble notice the ether delivered to hosted node `i`. */
  deliver(i: number, delivery: Delivery): void;
  /** Whether any hosted node still has work that must finish before the books close. */
  busy(): boolean;
  /** Starts every hosted node's traffic (after the applications are in place). */
  startTraffic(): void;
}

export interface SwarmNodesConfig {
  readonly scenario: Scenario;
  readonly swarm: ResolvedSwarm;
  readonly scheduler: Scheduler;
  readonly hosted: readonly boolean[];
  readonly events: EventSink;
  readonly transport: () => Transport;
  /** Static memory of each node (the model's placement adds to the spec's). */
  readonly memoryOf: (spec: NodeSpec) => Readonly<Record<MemoryKind, number>>;
  readonly app: NodeApplication | undefined;
  /** The ether's channel activity detection (listen before talk; the ether runs in this process). */
  readonly channelBusy?: (node: number, channelHz: number, sf: number, fromMs: number, toMs: number) => boolean;
}

/** The ether's view of the nodes: where they are and how they receive. */
export function etherNodes(specs: readonly NodeSpec[], scenario?: Scenario): EtherNode[] {
  return specs.map((spec) => ({
    ...(scenario && isClassA(scenario, spec) && { classA: true }),
    ...(scenario && isLorawanDevice(scenario, spec) && { reportsRxError: true }),
    ...(scenario && ackListenMs(scenario, spec) > 0 && { listensAfterTxMs: ackListenMs(scenario, spec) }),
    key: nameKey(spec.id),
    xM: spec.xM,
    yM: spec.yM,
    antennaGainDbi: spec.antennaGainDbi,
    gateway: spec.role === 'sink',
    sensitivityTable: spec.sensitivity,
    noiseFigureDb: spec.noiseFigureDb,
    receivePaths: spec.receivePaths,
    wake: spec.wake,
    notifiesRxStart: !isConcentrator(spec),
  }));
}


export function createSwarmNodes(config: SwarmNodesConfig): SwarmNodes {
  const { scenario, swarm, scheduler, hosted, events, app } = config;
  const specs = swarm.nodes;
  const hostedIndices = specs.filter((spec) => hosted[spec.index]).map((spec) => spec.index);
  const txMa = specs.map((spec) => txCurrentMa(spec.chip, spec.txPowerDbm));
  const runtimes = createNodeRuntimes({
    scheduler,
    nodes: specs.map((spec) => runtimeNodeOf(spec, txMa[spec.index]!, config.memoryOf(spec))),
    hosted: (i) => hosted[i]!,
    processingDelayMs: scenario.processingDelayMs,
    events,
    onDeath: (i, atMs) => {
      macs.kill(i);
      config.transport().nodeDied(i, atMs);
    },
    ...(app && { causeOf: app.causeOf, attribute: (i: number, cause: number, state: EnergyState, energyUj: number) => app.attribute(i, cause, state, energyUj) }),
  });
  // Not the specs: read at every frame a MAC queues, where a node's spec is far in memory; a
  // node's preamble (symbols) and symbol time side by side, at 2i and 2i + 1 (one cache line).
  const preambles = new Float64Array(2 * specs.length);
  for (const spec of specs) {
    preambles[2 * spec.index] = spec.preambleSymbols;
    preambles[2 * spec.index + 1] = symbolTimeMs(spec.sf, spec.bandwidthHz);
  }
  /** The radio starts a frame (a node that browns out doing so sends nothing), then it goes to the ether. */
  const transmit = (tx: Transmission): boolean => {
    if (!runtimes.transmit(tx.sender, tx)) return false;
    config.transport().transmit(tx);
    return true;
  };
  /** A receiver's wake schedule as a sender's MAC sees it (the application's, as of the last exchange, when it manages it). */
  const wakeSeen = (node: number): NodeSpec['wake'] => app?.publishedWake?.(node) ?? specs[node]!.wake;
  const macs = createMacs({
    scheduler,
    region: swarm.region,
    nodes: specs.map((spec) => (hosted[spec.index] ? macNodeOf(scenario, spec, txMa[spec.index]!) : undefined)),
    link: {
      frameBytes: (i: number, frame: OutgoingFrame) => linkOf(i).frameBytes(i, frame),
      sent: (i: number, tx: Transmission, frame: OutgoingFrame) => linkOf(i).sent(i, tx, frame),
    },
    ...(scenario.peerMac?.lbt && { lbt: listenBeforeTalk(scenario, specs, runtimes, config.channelBusy!, { backoffMs: (i) => peer!.backoffMs(i), channelWasBusy: (i) => peer!.channelWasBusy(i) }) }),
    transmit,
    events,
    ...(app?.frameMeta && { frameMeta: app.frameMeta }),
    receiverReadyAtMs: (destination, atMs) => (destination < 0 ? atMs : nextReceiveStartMs(wakeSeen(destination), atMs)),
    preambleSymbolsFor: (i, destination) => (destination < 0 ? preambles[2 * i]! : samplingPreambleSymbols(wakeSeen(destination), preambles[2 * i + 1]!, preambles[2 * i]!)),
  });
  const links = createLinks({
    scheduler,
    macs,
    framing: scenario.framing,
    maxAppBytes: specs.map((spec) => (isLorawanDevice(scenario, spec) && scenario.lorawan!.adr ? adrMaxAppBytes(swarm, spec) : spec.maxAppBytes)),
    events,
    reassemblyMemory: { allocate: (i, bytes) => runtimes.memories.allocateBuffer(i, bytes), free: (i, bytes) => runtimes.memories.freeBuffer(i, bytes) },
    ...((scenario.uplinkGateways === 'all' || scenario.lorawan) && { networkServer: specs.find((spec) => spec.role === 'sink')?.index ?? 0 }),
    ...(scenario.lorawan && { viaNetworkServer: (i: number) => isLorawanDevice(scenario, specs[i]!) }),
    ...(app && { onMessage: (i: number, message: ReceivedMessage) => app.onMessage(i, message) }),
  });

  const lorawan = scenario.lorawan
    ? createLorawanLayer({
        scenario,
        region: swarm.region,
        specs,
        scheduler,
        macs: () => macs,
        runtimes,
        events,
        transmit,
      })
    : undefined;
  const peer = scenario.peerMac ? createPeerLayer(scenario, specs, hosted, scheduler, () => macs, runtimes) : undefined;
  /** The link layer of a node with one: its LoRaWAN device, else the peer MAC. */
  function linkOf(i: number): LinkHooks {
    return lorawan?.devices.isDevice(i) ? lorawan.devices.hooks : peer!.hooks;
  }
  let traffic: Checkpointable<TrafficState> | undefined;

  return {
    runtimes,
    macs,
    links,
    lorawan,
    peer,
    hostedIndices,
    checkpoint: () => checkpointParts({ runtimes, macs, links, traffic, lorawan, peer }),
    restore: (state) => restoreParts({ runtimes, macs, links, traffic, lorawan, peer }, state),
    deliver(i, delivery) {
      if (lorawan?.deliver(i, delivery)) return;
      if (peer?.deliver(i, delivery)) return;
      if (delivery.kind === 'rxStart') runtimes.rxStart(i, delivery.tx);
      else if (runtimes.alive(i)) links.receive(i, delivery);
    },
    busy() {
      if (macs.anyBusy()) return true;
      for (const i of hostedIndices) if (runtimes.computing(i)) return true;
      return false;
    },
    startTraffic() {
      lorawan?.devices.start();
      traffic = startTraffic(trafficNodesOf(scenario, swarm, hosted), {
        scheduler,
        endMs: scenario.duration,
        alive: (i) => runtimes.alive(i),
        send: (i, destination, payload, deadlineMs) => void links.send(i, destination, payload, deadlineMs),
        compute: (i, durationMs, then) => runtimes.compute(i, durationMs, then),
      });
    },
  };
}

/** The parts a checkpoint holds. */
interface SwarmParts {
  readonly runtimes: NodeRuntimes;
  readonly macs: Macs;
  readonly links: Links;
  readonly traffic: Checkpointable<TrafficState> | undefined;
  readonly lorawan: LorawanLayer | undefined;
  readonly peer: PeerLinks | undefined;
}

function checkpointParts({ runtimes, macs, links, traffic, lorawan, peer }: SwarmParts): SwarmNodesState {
  return {
    runtimes: runtimes.checkpoint(),
    macs: macs.checkpoint(),
    links: links.checkpoint(),
    traffic: traffic?.checkpoint(),
    ...(lorawan && { lorawan: { devices: lorawan.devices.checkpoint(), server: lorawan.server.checkpoint(), adrChanges: [...lorawan.adrChanges] } }),
    ...(peer && { peer: peer.checkpoint() }),
  };
}

function restoreParts({ runtimes, macs, links, traffic, lorawan, peer }: SwarmParts, state: SwarmNodesState): void {
  runtimes.restore(state.runtimes);
  macs.restore(state.macs);
  links.restore(state.links);
  if (state.traffic) traffic!.restore(state.traffic);
  if (lorawan && state.lorawan) {
    lorawan.devices.restore(state.lorawan.devices);
    lorawan.server.restore(state.lorawan.server);
    replaceArray(lorawan.adrChanges, state.lorawan.adrChanges);
  }
  if (peer && state.peer) peer.restore(state.peer);
}

/**
 * A class A device under ADR may be moved to any of the region's 125 kHz data rates: its
 * messages are cut for the smallest payload among them, less the 2 octets of a LinkADRAns in
 * FOpts (TS001-1.0.4 §4.3.1.6: FOpts share the frame with the payload).
 */
function adrMaxAppBytes(swarm: ResolvedSwarm, spec: NodeSpec): number {
  let least = spec.maxAppBytes;
  for (const rate of swarm.region.dataRates) {
    if (rate.bandwidthHz !== 125e3) continue;
    const capacity = maxAppBytesPerFrame({ framing: 'lorawan', region: swarm.region, airtime: { ...airtimeParamsOf(spec), sf: rate.sf, bandwidthHz: rate.bandwidthHz } });
    if (capacity.ok) least = Math.min(least, capacity.bytes);
  }
  return least - 2;
}

/** The hosted nodes' runtimes as objects (applications, faults, tests). */
export function runtimeObjects(nodes: SwarmNodes, count: number): (NodeRuntime | undefined)[] {
  const objects = new Array<NodeRuntime | undefined>(count).fill(undefined);
  for (const i of nodes.hostedIndices) objects[i] = nodeRuntimeView(nodes.runtimes, i);
  return objects;
}

/** The hosted nodes' radio stacks as objects (applications, tests). */
export function nodeObjects(nodes: SwarmNodes, count: number): (LoraNode | undefined)[] {
  const objects = new Array<LoraNode | undefined>(count).fill(undefined);
  for (const i of nodes.hostedIndices) {
    objects[i] = {
      index: i,
      send: (message) => nodes.links.send(i, message.destination, message.payload, message.deadlineMs),
      receive: (delivery) => nodes.links.receive(i, delivery),
      get incompleteMessages() {
        return nodes.links.incompleteMessages(i);
      },
    };
  }
  return objects;
}
