/**
 * What a simulation checkpoint holds (README, "Reliability"): each component's state between
 * two windows, as data the structured-clone algorithm can copy (numbers, strings, arrays,
 * typed arrays, maps, sets, plain objects). Components are rebuilt from the scenario on resume
 * and then take their state back: closures, caches and derived tables are never saved.
 *
 * All components' states are serialised together (v8.serialize), so that an object two
 * components share (a transmission on the air and in the tracker's pending rows) is one object
 * again after the restore.
 */

/** A part of the simulation whose state a checkpoint holds. */
export interface Checkpointable<State> {
  /** The state now, as cloneable data (valid only between windows). */
  checkpoint(): State;
  /** Takes back a state `checkpoint` gave (on a component built from the same scenario). */
  restore(state: State): void;
}

/** Thrown when the state cannot be saved: something a checkpoint cannot hold is pending. */
export class CheckpointUnsupportedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'CheckpointUnsupportedError';
  }
}

/** Copies `source` into `target` (same length required): a typed array a closure holds keeps its identity. */
export function restoreInto<T extends Float64Array | Int32Array | Uint8Array | Int8Array | Uint32Array>(target: T, source: T, what: string): void {
  if (target.length !== source.length) throw new RangeError(`checkpoint: ${what} has ${source.length} entries, the scenario gives ${target.length}`);
  target.set(source);
}

/** Replaces an array's entries in place (a closure holds the array); holes stay holes. */
export function replaceArray<T>(target: T[], source: readonly T[]): void {
  target.length = 0;
  target.length = source.length;
  for (let i = 0; i < source.length; i++) if (i in source) target[i] = source[i]!;
}

/** Replaces a map's entries in place. */
export function replaceMap<K, V>(target: Map<K, V>, source: ReadonlyMap<K, V>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}
