/**
 * The radio tracker's per-node counters, in typed-array columns: a city's 100,000 nodes cost a
 * few megabytes and no objects. `tally(i)` gives one node's figures as an object, for the
 * tables and reports written after the run.
 */
import { replaceArray, restoreInto, type Checkpointable } from '../sim/checkpoint-state.ts';

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

/** Every per-node tally (a checkpoint: checkpoint-state.ts). */
export interface NodeTalliesState {
  readonly counts: Readonly<Record<Counter, Int32Array>>;
  readonly columns: readonly (Float64Array | Int8Array)[];
  readonly channels: (number[] | undefined)[];
  readonly channelAirtime: (number[] | undefined)[];
}

export interface NodeTallies extends Checkpointable<NodeTalliesState> {
  /** One column per counter, by node: the tracker adds to them in place. */
  readonly counts: Readonly<Record<Counter, Int32Array>>;
  /** Adds a sent frame's airtime and transmit energy (in the canonical order of frames). */
  addFrame(node: number, channelHz: number, airtimeMs: number, txEnergyUj: number): void;
  died(node: number, atMs: number, reason: DeathCause): void;
  tally(node: number): NodeTally;
}

export function createNodeTallies(nodeCount: number): NodeTallies {
  const counts = Object.fromEntries(counters.map((name) => [name, new Int32Array(nodeCount)])) as Record<Counter, Int32Array>;
  const airtimeMs = new Float64Array(nodeCount);
  const txEnergyUj = new Float64Array(nodeCount);
  const diedAtMs = new Float64Array(nodeCount).fill(Number.NaN);
  const deathReason = new Int8Array(nodeCount).fill(-1);
  /** Channels in first-use order, per node: most nodes use a handful, so a short list each. */
  const channels: (number[] | undefined)[] = [];
  const channelAirtime: (number[] | undefined)[] = [];
  const columns = [airtimeMs, txEnergyUj, diedAtMs, deathReason];
  return {
    counts,
    checkpoint: () => ({ counts, columns, channels, channelAirtime }),
    restore(state) {
      for (const name of counters) restoreInto(counts[name], state.counts[name], `tally ${name}`);
      columns.forEach((column, k) => restoreInto(column, state.columns[k]!, 'tallies'));
      replaceArray(channels, state.channels);
      replaceArray(channelAirtime, state.channelAirtime);
    },
    addFrame(node, channelHz, airtime, energy) {
      airtimeMs[node]! += airtime;
      txEnergyUj[node]! += energy;
      const used = (channels[node] ??= []);
      const sums = (channelAirtime[node] ??= []);
      const at = used.indexOf(channelHz);
      if (at >= 0) sums[at]! += airtime;
      else {
        used.push(channelHz);
        sums.push(airtime);
      }
    },
    died(node, atMs, reason) {
      diedAtMs[node] = atMs;
      deathReason[node] = deathCauses.indexOf(reason);
    },
    tally(node) {
      const used = channels[node] ?? [];
      const sums = channelAirtime[node] ?? [];
      return {
        attempts: counts.attempts[node]!,
        sent: counts.sent[node]!,
        dutyCycleBlocked: counts.dutyCycleBlocked[node]!,
        airtimeMs: airtimeMs[node]!,
        txEnergyUj: txEnergyUj[node]!,
        receptions: counts.receptions[node]!,
        receptionsReceived: counts.receptionsReceived[node]!,
        framesHeard: counts.framesHeard[node]!,
        messagesSent: counts.messagesSent[node]!,
        messagesDelivered: counts.messagesDelivered[node]!,
        unsentAtDeath: counts.unsentAtDeath[node]!,
        diedAtMs: Number.isNaN(diedAtMs[node]!) ? undefined : diedAtMs[node]!,
        deathReason: deathReason[node]! < 0 ? undefined : deathCauses[deathReason[node]!],
        faults: counts.faults[node]!,
        airtimeByChannelMs: new Map(used.map((hz, i) => [hz, sums[i]!])),
      };
    },
  };
}
