/**
 * The MACs' state (macs.ts), one record for all nodes: typed-array columns indexed by node, each
 * node's queue (mac-frame-queues.ts), the sub-bands and airtimes nodes share;
 * then the scheduler kinds of the MACs' timed events, which the factory registers. The MAC's
 * parts (mac-queue.ts, mac-service.ts, mac-on-air.ts, mac-lbt.ts) are functions of this record.
 */
import { restoreInto } from '../sim/checkpoint-state.ts';
import { generatorState, setGeneratorState, type RandomGenerator } from '../sim/rng.ts';
import type { EventKind, Scheduler } from '../sim/scheduler.ts';
import type { timeOnAir } from '../radio/airtime.ts';
import { subBandOf, type Region } from '../radio/regions.ts';
import type { MacNode, MacsConfig, MacsState } from './mac-types.ts';
import { createFrameQueues, queuedFrames, restoreFrameQueues, type FrameQueues } from './mac-frame-queues.ts';

export type Airtime = ReturnType<typeof timeOnAir>;

export interface MacTables {
  readonly config: MacsConfig;
  readonly scheduler: Scheduler;
  readonly region: Region;
  readonly nodes: readonly (MacNode | undefined)[];
  /** Each node's channel-draw generator (its MacNode's, without the node in between). */
  readonly rngs: readonly (RandomGenerator | undefined)[];
  readonly count: number;
  readonly bandCount: number;
  /** When each (node, sub-band) reopens after its duty-cycle off-time: `node * bandCount + band`. */
  readonly bandOpenAtMs: Float64Array;
  readonly transmitterFreeAtMs: Float64Array;
  readonly wakePending: Uint8Array;
  readonly seqs: Float64Array;
  readonly sfs: Float64Array;
  readonly txPowers: Float64Array;
  readonly txCurrents: Float64Array;
  readonly dead: Uint8Array;
  /** Messages admitted whose last fragment has not left the queue yet. */
  readonly queuedMessages: Int32Array;
  /** The message whose first fragment was refused: its other fragments are refused too. */
  readonly refusedMessageId: Int32Array;
  /** Messages each node's queue holds at most (its MacNode's, in a column: read at every admission). */
  readonly queueCapacity: Int32Array;
  readonly queues: FrameQueues;
  /** Sub-band of each of a node's channels, shared by nodes with the same channel list. */
  readonly bandsOf: readonly (Int8Array | undefined)[];
  /** Airtimes by (preamble, bytes), shared by nodes with the same modulation. */
  readonly airtimesOf: readonly (Map<number, Airtime> | undefined)[];
  /** Channels open now, for one service step: `open[0 .. openCount)`. */
  readonly open: Int32Array;
  /** Listen before talk: the channel detected on, when, for how long, and the back-offs of the head frame so far. */
  readonly cadChannel: Int32Array;
  readonly cadStartMs: Float64Array;
  readonly cadRxOnMs: Float64Array;
  readonly backoffs: Int32Array;
  /** The end of the node's last frame on the air (its own or an ACK sent ahead of the queue). */
  readonly onAirUntilMs: Float64Array;
  /** Where `anyBusy` starts looking: the node found busy last. */
  busyNodes: number;
}

/** The scheduler's hooks into the MACs (macs.ts registers them): a closed sub-band reopens, the transmitter is free, a detection's result. */
export interface MacEvents {
  readonly wakeKind: EventKind;
  readonly doneKind: EventKind;
  readonly cadKind: EventKind;
}

export type MacColumns = MacTables & MacEvents;

export function createMacTables(config: MacsConfig): MacTables {
  const { region, nodes } = config;
  const count = nodes.length;
  const bandCount = region.subBands.length;
  const { bandsOf, airtimesOf } = sharedTables(region, nodes);
  return {
    config,
    scheduler: config.scheduler,
    region,
    nodes,
    rngs: nodes.map((node) => node?.rng),
    count,
    bandCount,
    bandOpenAtMs: new Float64Array(count * bandCount).fill(Number.NEGATIVE_INFINITY),
    transmitterFreeAtMs: new Float64Array(count).fill(Number.NEGATIVE_INFINITY),
    wakePending: new Uint8Array(count),
    seqs: new Float64Array(count),
    sfs: Float64Array.from(nodes, (node) => node?.airtime.sf ?? 0),
    txPowers: Float64Array.from(nodes, (node) => node?.txPowerDbm ?? 0),
    txCurrents: Float64Array.from(nodes, (node) => node?.txCurrentMa ?? 0),
    dead: new Uint8Array(count),
    queuedMessages: new Int32Array(count),
    refusedMessageId: new Int32Array(count).fill(-1),
    queueCapacity: Int32Array.from(nodes, (node) => node?.queueCapacity ?? 0),
    queues: createFrameQueues(count),
    bandsOf,
    airtimesOf,
    open: new Int32Array(nodes.reduce((most, node) => Math.max(most, node?.channelsHz.length ?? 0), 1)),
    cadChannel: new Int32Array(count),
    cadStartMs: new Float64Array(count),
    cadRxOnMs: new Float64Array(count),
    backoffs: new Int32Array(count),
    onAirUntilMs: new Float64Array(count).fill(Number.NEGATIVE_INFINITY),
    busyNodes: 0,
  };
}

/** Each node's sub-band per channel and airtime cache, one per distinct channel list and modulation. */
function sharedTables(region: Region, nodes: readonly (MacNode | undefined)[]): Pick<MacTables, 'bandsOf' | 'airtimesOf'> {
  const bandsOf = new Array<Int8Array | undefined>(nodes.length);
  const airtimesOf = new Array<Map<number, Airtime> | undefined>(nodes.length);
  const bandsByChannels = new Map<readonly number[], Int8Array>();
  const airtimesByModulation = new Map<string, Map<number, Airtime>>();
  for (const node of nodes) {
    if (!node) continue;
    let bands = bandsByChannels.get(node.channelsHz);
    if (!bands) {
      bands = Int8Array.from(node.channelsHz, (channelHz) => {
        const band = subBandOf(region, channelHz);
        if (!band) throw new RangeError(`channel ${channelHz} Hz lies in no sub-band of ${region.id}`);
        return region.subBands.indexOf(band);
      });
      bandsByChannels.set(node.channelsHz, bands);
    }
    bandsOf[node.index] = bands;
    const modulation = JSON.stringify(node.airtime);
    let airtimes = airtimesByModulation.get(modulation);
    if (!airtimes) airtimesByModulation.set(modulation, (airtimes = new Map()));
    airtimesOf[node.index] = airtimes;
  }
  return { bandsOf, airtimesOf };
}

/** The columns a checkpoint copies, in the order it keeps them. */
function checkpointed(s: MacTables): (Float64Array | Uint8Array | Int32Array)[] {
  return [s.bandOpenAtMs, s.transmitterFreeAtMs, s.wakePending, s.seqs, s.dead, s.queuedMessages, s.refusedMessageId, s.sfs, s.txPowers, s.txCurrents, s.cadChannel, s.cadStartMs, s.cadRxOnMs, s.backoffs, s.onAirUntilMs];
}

export function checkpointMacs(s: MacTables): MacsState {
  return { columns: checkpointed(s).map((column) => column.slice()), queues: Array.from({ length: s.count }, (_, i) => queuedFrames(s.queues, i)), busyNodes: s.busyNodes, rngs: s.nodes.map((node) => node && generatorState(node.rng)) };
}

export function restoreMacs(s: MacTables, state: MacsState): void {
  checkpointed(s).forEach((column, k) => restoreInto(column, state.columns[k]!, 'MACs'));
  restoreFrameQueues(s.queues, state.queues);
  s.busyNodes = state.busyNodes;
  s.nodes.forEach((node, i) => node && setGeneratorState(node.rng, state.rngs[i]!));
}
