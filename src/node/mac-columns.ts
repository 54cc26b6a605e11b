/**
 * The MACs' state (macs.ts), one record for all nodes: a row of numbers per node (`row`), a few
 * typed-array columns, each node's queue (mac-frame-queues.ts), the plans nodes set up alike
 * share; then the scheduler kinds of the MACs' timed events, which the factory registers. The MAC's
 * parts (mac-queue.ts, mac-service.ts, mac-on-air.ts, mac-lbt.ts) are functions of this record.
 */
import { checkpointRows, restoreRows, type KeptColumn } from '../sim/row-checkpoint.ts';
import { generatorState, setGeneratorState, type RandomGenerator } from '../sim/rng.ts';
import type { EventKind, Scheduler } from '../sim/scheduler.ts';
import type { timeOnAir } from '../radio/airtime.ts';
import { subBandOf, type Region } from '../radio/regions.ts';
import { sameFields, sameValues } from '../sim/same-values.ts';
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
  /** The region's sub-bands (at most `bandSlots`): when each reopens is in the node's row (BAND_OPEN_AT_MS). */
  readonly bandCount: number;
  /**
   * Each node's MAC state read at every frame, side by side: `row[node * MAC_ROW + field]`
   * (the fields below). A column per field cost a cache miss per field and frame in a city.
   */
  readonly row: Float64Array;
  readonly queues: FrameQueues;
  /** What nodes share of their radio set-up (`row[node * MAC_ROW + PLAN]` says which). */
  readonly plans: readonly MacPlan[];
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

/**
 * What a MAC reads of a node's radio set-up at every frame, shared by the nodes set up alike:
 * with its index in the node's row, a frame finds it without touching the node's spec.
 */
export interface MacPlan {
  readonly channelsHz: readonly number[];
  /** The sub-band of each channel. */
  readonly bands: Int8Array;
  readonly airtime: MacNode['airtime'];
  readonly supplyV: number;
  readonly linked: boolean;
  readonly listensBeforeTalk: boolean;
  /** Airtimes by (SF, preamble, bytes). */
  readonly airtimes: Map<number, Airtime>;
}

/** Node `i`'s plan. */
export function planOf(s: MacTables, i: number): MacPlan {
  return s.plans[s.row[i * MAC_ROW + PLAN]!]!;
}

// The fields of a node's row (`MacTables.row`).
/** 1 once the node is dead. */
export const DEAD = 0;
/** 1 while a wake-up (a sub-band reopening, a receiver waking) is scheduled. */
export const WAKE_PENDING = 1;
export const TRANSMITTER_FREE_AT_MS = 2;
/** Messages admitted whose last fragment has not left the queue yet. */
export const QUEUED_MESSAGES = 3;
/** The message whose first fragment was refused: its other fragments are refused too (−1: none). */
export const REFUSED_MESSAGE_ID = 4;
/** Messages the node's queue holds at most (its MacNode's). */
export const QUEUE_CAPACITY = 5;
/** Frames sent so far: the next frame's seq. */
export const SEQ = 6;
export const SF = 7;
export const TX_POWER_DBM = 8;
export const TX_CURRENT_MA = 9;
/** The end of the node's last frame on the air (its own or an ACK sent ahead of the queue). */
export const ON_AIR_UNTIL_MS = 10;
/** The node's plan (`MacTables.plans`). */
export const PLAN = 11;
/** Frames in the node's queue (mac-frame-queues.ts). */
export const QUEUE_LENGTH = 12;
/**
 * When each sub-band reopens after the node's duty-cycle off-time, `bandSlots` fields from here
 * (the region's sub-bands in its order): read at every frame with the fields above.
 */
export const BAND_OPEN_AT_MS = 13;
/** The most sub-bands a region has (EU868's six). */
export const bandSlots = 6;
export const MAC_ROW = BAND_OPEN_AT_MS + bandSlots;

/** What a checkpoint keeps, in its order (row-checkpoint.ts). */
function kept(s: MacTables): readonly KeptColumn[] {
  return [
    { field: BAND_OPEN_AT_MS, width: s.bandCount, type: Float64Array },
    { field: TRANSMITTER_FREE_AT_MS, type: Float64Array },
    { field: WAKE_PENDING, type: Uint8Array },
    { field: SEQ, type: Float64Array },
    { field: DEAD, type: Uint8Array },
    { field: QUEUED_MESSAGES, type: Int32Array },
    { field: REFUSED_MESSAGE_ID, type: Int32Array },
    { field: SF, type: Float64Array },
    { field: TX_POWER_DBM, type: Float64Array },
    { field: TX_CURRENT_MA, type: Float64Array },
    { column: s.cadChannel },
    { column: s.cadStartMs },
    { column: s.cadRxOnMs },
    { column: s.backoffs },
    { field: ON_AIR_UNTIL_MS, type: Float64Array },
  ];
}

export function createMacTables(config: MacsConfig): MacTables {
  const { region, nodes } = config;
  const count = nodes.length;
  const bandCount = region.subBands.length;
  if (bandCount > bandSlots) throw new RangeError(`region ${region.id} has ${bandCount} sub-bands; a MAC row has room for ${bandSlots}`);
  const { plans, planIndex } = sharedPlans(region, nodes);
  const row = macRows(nodes, planIndex);
  return {
    config,
    scheduler: config.scheduler,
    region,
    nodes,
    rngs: nodes.map((node) => node?.rng),
    count,
    bandCount,
    row,
    queues: createFrameQueues(count, row, MAC_ROW, QUEUE_LENGTH),
    plans,
    open: new Int32Array(nodes.reduce((most, node) => Math.max(most, node?.channelsHz.length ?? 0), 1)),
    cadChannel: new Int32Array(count),
    cadStartMs: new Float64Array(count),
    cadRxOnMs: new Float64Array(count),
    backoffs: new Int32Array(count),
    onAirUntilMs: new Float64Array(count).fill(Number.NEGATIVE_INFINITY),
    busyNodes: 0,
  };
}

function macRows(nodes: readonly (MacNode | undefined)[], planIndex: Int32Array): Float64Array {
  const row = new Float64Array(nodes.length * MAC_ROW);
  nodes.forEach((node, i) => {
    const o = i * MAC_ROW;
    row[o + TRANSMITTER_FREE_AT_MS] = Number.NEGATIVE_INFINITY;
    row[o + REFUSED_MESSAGE_ID] = -1;
    row[o + QUEUE_CAPACITY] = node?.queueCapacity ?? 0;
    row[o + SF] = node?.airtime.sf ?? 0;
    row[o + TX_POWER_DBM] = node?.txPowerDbm ?? 0;
    row[o + TX_CURRENT_MA] = node?.txCurrentMa ?? 0;
    row[o + ON_AIR_UNTIL_MS] = Number.NEGATIVE_INFINITY;
    row[o + PLAN] = planIndex[i]!;
  });
  // Every row's sub-bands open, a node's or not (as the column they were): forEach skips holes.
  for (let i = 0; i < nodes.length; i++) row.fill(Number.NEGATIVE_INFINITY, i * MAC_ROW + BAND_OPEN_AT_MS, i * MAC_ROW + BAND_OPEN_AT_MS + bandSlots);
  return row;
}

/** The plans nodes share (one per distinct set-up), and each node's. */
function sharedPlans(region: Region, nodes: readonly (MacNode | undefined)[]): { plans: MacPlan[]; planIndex: Int32Array } {
  const plans: MacPlan[] = [];
  const planIndex = new Int32Array(nodes.length);
  const byKey = new Map<string, number>();
  let previous: MacNode | undefined;
  for (const node of nodes) {
    if (!node) continue;
    // A group's nodes come one after the other with the same plan: compared with the node
    // before, not keyed in JSON each (100,000 keys were 0.1 s of a city's start).
    if (previous && samePlan(previous, node)) {
      planIndex[node.index] = planIndex[previous.index]!;
      continue;
    }
    previous = node;
    const key = JSON.stringify([node.channelsHz, node.airtime, node.supplyV, node.linked ?? false, node.listensBeforeTalk ?? false]);
    let index = byKey.get(key);
    if (index === undefined) {
      const bands = Int8Array.from(node.channelsHz, (channelHz) => {
        const band = subBandOf(region, channelHz);
        if (!band) throw new RangeError(`channel ${channelHz} Hz lies in no sub-band of ${region.id}`);
        return region.subBands.indexOf(band);
      });
      index = plans.push({ channelsHz: node.channelsHz, bands, airtime: node.airtime, supplyV: node.supplyV, linked: node.linked ?? false, listensBeforeTalk: node.listensBeforeTalk ?? false, airtimes: new Map() }) - 1;
      byKey.set(key, index);
    }
    planIndex[node.index] = index;
  }
  return { plans, planIndex };
}

function samePlan(a: MacNode, b: MacNode): boolean {
  return (
    a.supplyV === b.supplyV &&
    (a.linked ?? false) === (b.linked ?? false) &&
    (a.listensBeforeTalk ?? false) === (b.listensBeforeTalk ?? false) &&
    sameValues(a.channelsHz, b.channelsHz) &&
    sameFields(a.airtime, b.airtime)
  );
}

export function checkpointMacs(s: MacTables): MacsState {
  const columns = checkpointRows(s.row, MAC_ROW, s.count, kept(s));
  return { columns, queues: Array.from({ length: s.count }, (_, i) => queuedFrames(s.queues, i)), busyNodes: s.busyNodes, rngs: s.nodes.map((node) => node && generatorState(node.rng)) };
}

export function restoreMacs(s: MacTables, state: MacsState): void {
  restoreRows(s.row, MAC_ROW, s.count, kept(s), state.columns, 'MACs');
  restoreFrameQueues(s.queues, state.queues);
  s.busyNodes = state.busyNodes;
  s.nodes.forEach((node, i) => node && setGeneratorState(node.rng, state.rngs[i]!));
}
