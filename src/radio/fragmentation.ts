/**
 * Fragmentation and reassembly of application payloads larger than one frame can carry.
 * Each fragment starts with a 5-byte header: message id (u16), then fragment index and
 * fragment count packed as two 12-bit numbers, so one message may span 4,095 fragments.
 * Fragments travel on port 2 (LoRaWAN FPort / raw port), whole messages on port 1.
 */
import { replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';

export const fragmentHeaderBytes = 5;
export const maxFragments = 4095;

export interface Fragment {
  readonly messageId: number;
  readonly index: number;
  readonly count: number;
  readonly data: Uint8Array;
}

/**
 * Splits `payload` into fragment payloads of at most `maxAppBytes` each (header included).
 *
 * @example
 * fragmentPayload(new Uint8Array(100), 7, 51).length; // 3 (46 + 46 + 8 data bytes)
 */
export function fragmentPayload(payload: Uint8Array, messageId: number, maxAppBytes: number): Uint8Array[] {
  const dataPerFragment = maxAppBytes - fragmentHeaderBytes;
  if (dataPerFragment < 1) throw new RangeError(`maxAppBytes must exceed ${fragmentHeaderBytes}, got ${maxAppBytes}`);
  const count = Math.max(1, Math.ceil(payload.length / dataPerFragment));
  if (count > maxFragments) throw new RangeError(`payload needs ${count} fragments, more than ${maxFragments}`);
  const fragments: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const data = payload.subarray(index * dataPerFragment, (index + 1) * dataPerFragment);
    const bytes = new Uint8Array(fragmentHeaderBytes + data.length);
    bytes[0] = (messageId >> 8) & 0xff;
    bytes[1] = messageId & 0xff;
    bytes[2] = index >> 4;
    bytes[3] = ((index & 0xf) << 4) | (count >> 8);
    bytes[4] = count & 0xff;
    bytes.set(data, fragmentHeaderBytes);
    fragments.push(bytes);
  }
  return fragments;
}

export function parseFragment(bytes: Uint8Array): Fragment {
  if (bytes.length < fragmentHeaderBytes) throw new RangeError(`fragment of ${bytes.length} bytes is shorter than its header`);
  return {
    messageId: (bytes[0]! << 8) | bytes[1]!,
    index: (bytes[2]! << 4) | (bytes[3]! >> 4),
    count: ((bytes[3]! & 0xf) << 8) | bytes[4]!,
    data: bytes.subarray(fragmentHeaderBytes),
  };
}

/** Collects fragments per (source, message id) until a message is complete. */
/** A reassembler's partial and recently completed messages (a checkpoint: checkpoint-state.ts). */
export interface ReassemblerState {
  readonly partial: Map<string, { count: number; parts: (Uint8Array | undefined)[]; received: number }>;
  readonly partialOrder: Map<number, string[]>;
  readonly completed: Map<number, { ids: Set<number>; order: number[] }>;
  readonly abandoned: number;
  readonly rejected: number;
}

export interface Reassembler extends Checkpointable<ReassemblerState> {
  /**
   * Adds one fragment; returns the whole payload when this fragment completed it. Duplicates,
   * late duplicates of a completed message and malformed fragments return undefined.
   */
  add(source: number, fragment: Fragment): Uint8Array | undefined;
  /** Messages still missing fragments. */
  readonly incomplete: number;
  /** Fragments refused as malformed (count 0, index ≥ count, or a count that changed). */
  readonly rejected: number;
  /** Partial messages given up because newer ones from the same source crowded them out. */
  readonly abandoned: number;
}

/** Completed message ids remembered per source, to ignore late duplicates. */
const completedMemory = 256;
/**
 * Partial messages kept per source: when a newer message starts beyond this, the oldest
 * partial one (its missing fragments lost) is abandoned, so that it can never merge with a
 * later message that reuses its 16-bit id after the counter wraps.
 */
export const maxPartialPerSource = 16;

export interface ReassemblerOptions {
  /** Called when a partial message is given up (crowded out by newer ones from its source). */
  readonly onAbandon?: (source: number, messageId: number) => void;
}

export function createReassembler(options: ReassemblerOptions = {}): Reassembler {
  const partial = new Map<string, { count: number; parts: (Uint8Array | undefined)[]; received: number }>();
  const partialOrder = new Map<number, string[]>();
  let abandoned = 0;
  const completed = new Map<number, { ids: Set<number>; order: number[] }>();
  let rejected = 0;
  /** Remembers a completed message's id (the last `completedMemory` per source), to ignore late duplicates. */
  const remember = (done: { ids: Set<number>; order: number[] } | undefined, source: number, messageId: number): void => {
    let memory = done;
    if (!memory) completed.set(source, (memory = { ids: new Set(), order: [] }));
    memory.ids.add(messageId);
    memory.order.push(messageId);
    if (memory.order.length > completedMemory) memory.ids.delete(memory.order.shift()!);
  };
  return {
    checkpoint: () => ({ partial, partialOrder, completed, abandoned, rejected }),
    restore(state) {
      replaceMap(partial, state.partial);
      replaceMap(partialOrder, state.partialOrder);
      replaceMap(completed, state.completed);
      ({ abandoned, rejected } = state);
    },
    add(source, fragment) {
      if (fragment.count === 0 || fragment.index >= fragment.count) {
        rejected++;
        return undefined;
      }
      const done = completed.get(source);
      if (done?.ids.has(fragment.messageId)) return undefined;
      // A message of one frame from a source with nothing partial (a sensor's uplink, as a network
      // server takes one from each gateway that received it): complete at once, with no partial
      // entry made and removed. With something partial the general path below decides, as an id
      // could be a partial message's.
      if (fragment.count === 1 && !(partialOrder.get(source)?.length ?? 0)) {
        remember(done, source, fragment.messageId);
        return fragment.data.slice();
      }
      const key = `${source}/${fragment.messageId}`;
      let entry = partial.get(key);
      if (!entry) {
        entry = { count: fragment.count, parts: new Array(fragment.count), received: 0 };
        partial.set(key, entry);
        let order = partialOrder.get(source);
        if (!order) partialOrder.set(source, (order = []));
        order.push(key);
        while (order.length > maxPartialPerSource) {
          const oldest = order.shift()!;
          if (partial.delete(oldest)) {
            abandoned++;
            options.onAbandon?.(source, Number(oldest.slice(oldest.indexOf('/') + 1)));
          }
        }
      } else if (entry.count !== fragment.count) {
        rejected++;
        return undefined;
      }
      if (entry.parts[fragment.index] === undefined) {
        entry.parts[fragment.index] = fragment.data;
        entry.received++;
      }
      if (entry.received < entry.count) return undefined;
      partial.delete(key);
      const order = partialOrder.get(source)!;
      order.splice(order.indexOf(key), 1);
      remember(done, source, fragment.messageId);
      const total = entry.parts.reduce((sum, part) => sum + part!.length, 0);
      const payload = new Uint8Array(total);
      let offset = 0;
      for (const part of entry.parts) {
        payload.set(part!, offset);
        offset += part!.length;
      }
      return payload;
    },
    get incomplete() {
      return partial.size;
    },
    get rejected() {
      return rejected;
    },
    get abandoned() {
      return abandoned;
    },
  };
}
