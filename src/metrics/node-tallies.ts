/**
 * The radio tracker's per-node counters and sums, in each node's tracker row (tracker-rows.ts:
 * a node's counters and sums side by side): a city's 100,000 nodes cost a few megabytes and no
 * objects. `tally(i)` gives one node's figures as an object, for the
 * tables and reports written after the run.
 */
import { restoreInto, type Checkpointable } from '../sim/checkpoint-state.ts';
import { AIRTIME_MS, CHANNELS, channelSlots, counterSlots, COUNTERS, SLOTS_USED, TRACKER_ROW, TX_ENERGY_UJ } from './tracker-rows.ts';

export interface NodeTally {
  readonly attempts: number;
  readonly sent: number;
  readonly dutyCycleBlocked: number;
  readonly airtimeMs: number;
  readonly txEnergyUj: number;
  /** Receptions of this node's frames, and how many were received. */
  readonly receptions: number;
  readonly receptionsReceived: number;
  /** Frames this node received, as a receiver. */
  readonly framesHeard: number;
  readonly messagesSent: number;
  readonly messagesDelivered: number;
  /** Queued frames that never got an outcome because the node died. */
  readonly unsentAtDeath: number;
  readonly diedAtMs: number | undefined;
  readonly deathReason: DeathCause | undefined;
  readonly faults: number;
  /** Airtime per channel (Hz → ms), in the order the node first used each channel. */
  readonly airtimeByChannelMs: ReadonlyMap<number, number>;
}

export type DeathCause = 'brownOut' | 'batteryEmpty' | 'failure';
const deathCauses: readonly DeathCause[] = ['brownOut', 'batteryEmpty', 'failure'];

/** Counters a node event adds to. */
export type Counter = 'attempts' | 'sent' | 'dutyCycleBlocked' | 'receptions' | 'receptionsReceived' | 'framesHeard' | 'messagesSent' | 'messagesDelivered' | 'unsentAtDeath' | 'faults';
const counters: readonly Counter[] = ['attempts', 'sent', 'dutyCycleBlocked', 'receptions', 'receptionsReceived', 'framesHeard', 'messagesSent', 'messagesDelivered', 'unsentAtDeath', 'faults'];
/** Each counter's place in a node's row (`cells[node * TRACKER_ROW + place]`). */
export const counterCount = counters.length;
if (counterCount > counterSlots) throw new Error(`${counterCount} tracker counters do not fit the tracker row's ${counterSlots} slots (tracker-rows.ts)`);
export const ATTEMPTS = 0;
export const SENT = 1;
export const DUTY_CYCLE_BLOCKED = 2;
export const RECEPTIONS = 3;
export const RECEPTIONS_RECEIVED = 4;
export const FRAMES_HEARD = 5;
export const MESSAGES_SENT = 6;
export const MESSAGES_DELIVERED = 7;
export const UNSENT_AT_DEATH = 8;
export const FAULTS = 9;

/** Adds one to a node's counter. */
export function bump(cells: Float64Array, node: number, counter: number): void {
  cells[node * TRACKER_ROW + COUNTERS + counter]!++;
}

/** Every per-node tally (a checkpoint: checkpoint-state.ts). */
export interface NodeTalliesState {
  readonly counts: Readonly<Record<Counter, Int32Array>>;
  readonly columns: readonly (Float64Array | Int8Array)[];
  readonly channels: (number[] | undefined)[];
  readonly channelAirtime: (number[] | undefined)[];
}

export interface NodeTallies extends Checkpointable<NodeTalliesState> {
  /**
   * The tracker rows, which hold the counters (`bump`): the few a frame adds to share a cache
   * line, where a column per counter costs a miss each in a city.
   */
  readonly cells: Float64Array;
  /** Adds a sent frame's airtime and transmit energy (in the canonical order of frames). */
  addFrame(node: number, channelHz: number, airtimeMs: number, txEnergyUj: number): void;
  died(node: number, atMs: number, reason: DeathCause): void;
  tally(node: number): NodeTally;
}

/**
 * The tallies of `nodeCount` nodes in their tracker rows. Channels a node's airtime is summed for
 * take the row's slots, in first-use order; a node that uses more keeps the others in arrays of
 * its own. Most nodes use a handful.
 */
export function createNodeTallies(rows: Float64Array, nodeCount: number): NodeTallies {
  const cells = rows;
  const stride = TRACKER_ROW;
  const diedAtMs = new Float64Array(nodeCount).fill(Number.NaN);
  const deathReason = new Int8Array(nodeCount).fill(-1);
  /** The channels beyond a node's slots, in first-use order, and their airtime. */
  const moreChannels: (number[] | undefined)[] = [];
  const moreAirtime: (number[] | undefined)[] = [];

  /** A node's channels and their airtime, in first-use order. */
  const channelsOf = (node: number): { hz: number[]; ms: number[] } => {
    const hz: number[] = [];
    const ms: number[] = [];
    for (let k = 0; k < rows[node * stride + SLOTS_USED]!; k++) {
      hz.push(rows[node * stride + CHANNELS + 2 * k]!);
      ms.push(rows[node * stride + CHANNELS + 1 + 2 * k]!);
    }
    return { hz: [...hz, ...(moreChannels[node] ?? [])], ms: [...ms, ...(moreAirtime[node] ?? [])] };
  };

  function addChannel(node: number, channelHz: number, airtime: number): void {
    const base = node * stride + CHANNELS;
    const used = rows[node * stride + SLOTS_USED]!;
    for (let k = 0; k < used; k++) {
      if (rows[base + 2 * k] === channelHz) {
        rows[base + 2 * k + 1]! += airtime;
        return;
      }
    }
    if (used < channelSlots) {
      rows[base + 2 * used] = channelHz;
      rows[base + 2 * used + 1] = airtime;
      rows[node * stride + SLOTS_USED] = used + 1;
      return;
    }
    const hz = (moreChannels[node] ??= []);
    const ms = (moreAirtime[node] ??= []);
    const at = hz.indexOf(channelHz);
    if (at >= 0) ms[at]! += airtime;
    else {
      hz.push(channelHz);
      ms.push(airtime);
    }
  }

  return {
    cells,
    checkpoint() {
      const counts = Object.fromEntries(counters.map((name, c) => [name, Int32Array.from({ length: nodeCount }, (_, i) => cells[i * stride + COUNTERS + c]!)])) as Record<Counter, Int32Array>;
      const airtimeMs = Float64Array.from({ length: nodeCount }, (_, i) => rows[i * stride + AIRTIME_MS]!);
      const txEnergyUj = Float64Array.from({ length: nodeCount }, (_, i) => rows[i * stride + TX_ENERGY_UJ]!);
      const channels = Array.from({ length: nodeCount }, (_, i) => channelsOf(i));
      const used = (i: number): boolean => channels[i]!.hz.length > 0;
      return {
        counts,
        columns: [airtimeMs, txEnergyUj, diedAtMs.slice(), deathReason.slice()],
        channels: channels.map((c, i) => (used(i) ? c.hz : undefined)),
        channelAirtime: channels.map((c, i) => (used(i) ? c.ms : undefined)),
      };
    },
    restore(state) {
      counters.forEach((name, c) => {
        const column = state.counts[name];
        if (column.length !== nodeCount) throw new RangeError(`checkpoint: tally ${name} holds ${column.length} nodes, the run has ${nodeCount}`);
        for (let i = 0; i < nodeCount; i++) cells[i * stride + COUNTERS + c] = column[i]!;
      });
      const [airtimeMs, txEnergyUj, died, reasons] = state.columns as [Float64Array, Float64Array, Float64Array, Int8Array];
      restoreInto(diedAtMs, died, 'tallies');
      restoreInto(deathReason, reasons, 'tallies');
      moreChannels.length = 0;
      moreAirtime.length = 0;
      for (let i = 0; i < nodeCount; i++) {
        // The tallies' own fields only: the row's other fields are other parts' (tracker-rows.ts).
        rows.fill(0, i * stride + CHANNELS, i * stride + CHANNELS + 2 * channelSlots);
        rows[i * stride + SLOTS_USED] = 0;
        rows[i * stride + AIRTIME_MS] = airtimeMs[i]!;
        rows[i * stride + TX_ENERGY_UJ] = txEnergyUj[i]!;
        const hz = state.channels[i] ?? [];
        hz.forEach((channelHz, k) => addChannel(i, channelHz, state.channelAirtime[i]![k]!));
      }
    },
    addFrame(node, channelHz, airtime, energy) {
      rows[node * stride + AIRTIME_MS]! += airtime;
      rows[node * stride + TX_ENERGY_UJ]! += energy;
      addChannel(node, channelHz, airtime);
    },
    died(node, atMs, reason) {
      diedAtMs[node] = atMs;
      deathReason[node] = deathCauses.indexOf(reason);
    },
    tally(node) {
      const c = node * stride + COUNTERS;
      const { hz, ms } = channelsOf(node);
      return {
        attempts: cells[c + ATTEMPTS]!,
        sent: cells[c + SENT]!,
        dutyCycleBlocked: cells[c + DUTY_CYCLE_BLOCKED]!,
        airtimeMs: rows[node * stride + AIRTIME_MS]!,
        txEnergyUj: rows[node * stride + TX_ENERGY_UJ]!,
        receptions: cells[c + RECEPTIONS]!,
        receptionsReceived: cells[c + RECEPTIONS_RECEIVED]!,
        framesHeard: cells[c + FRAMES_HEARD]!,
        messagesSent: cells[c + MESSAGES_SENT]!,
        messagesDelivered: cells[c + MESSAGES_DELIVERED]!,
        unsentAtDeath: cells[c + UNSENT_AT_DEATH]!,
        diedAtMs: Number.isNaN(diedAtMs[node]!) ? undefined : diedAtMs[node]!,
        deathReason: deathReason[node]! < 0 ? undefined : deathCauses[deathReason[node]!],
        faults: cells[c + FAULTS]!,
        airtimeByChannelMs: new Map(hz.map((channelHz, k) => [channelHz, ms[k]!])),
      };
    },
  };
}
