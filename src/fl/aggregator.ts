/**
 * The coordinator's model: the global parameters, their version, and what it does with the
 * updates that arrive whole: decode them (a malformed one is counted and left out), weigh each
 * by its client's samples and mask it to the parameters that client trains, then aggregate
 * them with the strategy at the round's close, or, for FedBuff, every `bufferSize` updates as
 * they arrive (each with its staleness in versions).
 */
import { decodeUpdate } from './compression.ts';
import { createStrategy, type ClientUpdate } from './strategies.ts';
import type { FlSetup, RoundState } from './round-types.ts';
import { replaceArray } from '../sim/checkpoint-state.ts';

export interface Aggregator {
  /** The global model's parameters now (flattened). */
  readonly global: Float64Array;
  readonly version: number;
  /** FedBuff's updates waiting for the buffer to fill. */
  readonly buffer: ClientUpdate[];
  /** An update of client `c` (index into setup.clients) arrived whole in `state`'s round; false when its bytes do not decode. */
  accept(state: RoundState, c: number, bytes: Uint8Array): boolean;
  /** The round closes: its updates are applied (but FedBuff's, applied as they came). */
  close(state: RoundState): void;
  /** A checkpoint's model state, and back. */
  save(): { readonly global: Float64Array; readonly version: number; readonly buffer: ClientUpdate[] };
  restore(saved: { readonly global: Float64Array; readonly version: number; readonly buffer: readonly ClientUpdate[] }): void;
}

export function createAggregator(setup: FlSetup): Aggregator {
  const { settings, task } = setup;
  const strategy = createStrategy(settings.strategy);
  // The task's parameters as built, not as a previous run of the same setup left them.
  let global: Float64Array = task.initial.slice();
  let version = 0;
  const buffer: ClientUpdate[] = [];
  const sizes = task.params.map((p) => p.value.length);
  const masks = new Map<number, Uint8Array | undefined>();

  /** The entries client c trains: the last `trainable[c]` parameters (undefined: all). */
  function maskOf(c: number): Uint8Array | undefined {
    if (masks.has(c)) return masks.get(c);
    const keep = setup.trainable[c] ?? sizes.length;
    let mask: Uint8Array | undefined;
    if (keep < sizes.length) {
      mask = new Uint8Array(global.length);
      const from = sizes.slice(0, sizes.length - keep).reduce((s, n) => s + n, 0);
      mask.fill(1, from);
    }
    masks.set(c, mask);
    return mask;
  }

  return {
    get global() {
      return global;
    },
    get version() {
      return version;
    },
    buffer,
    accept(state, c, bytes) {
      let delta: Float64Array;
      try {
        delta = decodeUpdate(bytes, global.length);
      } catch {
        return false;
      }
      state.stats.participants++;
      // The coordinator knows which parameters each client trains (its memory decides): each entry is averaged over those that trained it.
      const mask = maskOf(c);
      const update: ClientUpdate = { delta, weight: setup.partitions[c]!.length, ...(mask && { mask }), staleness: 0 };
      if (settings.strategy.kind === 'fedbuff') {
        buffer.push({ ...update, staleness: version - state.startVersion });
        if (buffer.length >= settings.strategy.bufferSize) {
          global = strategy.apply(global, buffer.splice(0));
          version++;
        }
      } else state.updates.push(update);
      return true;
    },
    close(state) {
      if (settings.strategy.kind !== 'fedbuff' && state.updates.length > 0) {
        global = strategy.apply(global, state.updates);
        version++;
      }
    },
    save: () => ({ global, version, buffer }),
    restore(saved) {
      global = saved.global;
      version = saved.version;
      replaceArray(buffer, saved.buffer);
    },
  };
}
