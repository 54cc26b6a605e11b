/**
 * Airtime by spreading factor and by channel, summed in the canonical order of frames into
 * arrays (a Map's number values would be boxed at every update); read as maps at the end.
 */
import { replaceArray, replaceMap, restoreInto, type Checkpointable } from '../sim/checkpoint-state.ts';

export interface AirtimeBooksState {
  readonly sfAirtimeMs: Float64Array;
  readonly sfSeen: Uint8Array;
  readonly channelSlot: Map<number, number>;
  readonly channelHzOf: readonly number[];
  readonly channelAirtimeMs: Float64Array;
}

export interface AirtimeBooks extends Checkpointable<AirtimeBooksState> {
  add(sf: number, channelHz: number, airtimeMs: number): void;
  bySf(): Map<number, number>;
  byChannel(): Map<number, number>;
}

export function createAirtimeBooks(): AirtimeBooks {
  const sfAirtimeMs = new Float64Array(16);
  const sfSeen = new Uint8Array(16);
  const channelSlot = new Map<number, number>();
  const channelHzOf: number[] = [];
  let channelAirtimeMs = new Float64Array(8);
  return {
    add(sf, channelHz, airtime) {
      sfAirtimeMs[sf]! += airtime;
      sfSeen[sf] = 1;
      let c = channelSlot.get(channelHz);
      if (c === undefined) {
        channelSlot.set(channelHz, (c = channelHzOf.push(channelHz) - 1));
        if (c === channelAirtimeMs.length) {
          const grown = new Float64Array(2 * c);
          grown.set(channelAirtimeMs);
          channelAirtimeMs = grown;
        }
      }
      channelAirtimeMs[c]! += airtime;
    },
    bySf: () => new Map(Array.from(sfSeen.keys()).filter((sf) => sfSeen[sf] === 1).map((sf) => [sf, sfAirtimeMs[sf]!])),
    byChannel: () => new Map(channelHzOf.map((hz, c) => [hz, channelAirtimeMs[c]!])),
    checkpoint: () => ({ sfAirtimeMs, sfSeen, channelSlot, channelHzOf, channelAirtimeMs }),
    restore(state) {
      restoreInto(sfAirtimeMs, state.sfAirtimeMs, 'airtime by SF');
      restoreInto(sfSeen, state.sfSeen, 'SFs seen');
      replaceMap(channelSlot, state.channelSlot);
      replaceArray(channelHzOf, state.channelHzOf);
      channelAirtimeMs = state.channelAirtimeMs.slice();
    },
  };
}
