/**
 * Books kept as parts: under each key (a token, a round), one part per node, which that node
 * adds to in its own order of events (issue 22). A record is its parts summed in node order, so
 * it is the same whichever process each node runs in. These books keep the parts, which keys
 * changed since their record was last set, and, in a worker, which parts changed since the
 * last report; what a part holds and how a record sums it is the caller's
 * (inference/token-books.ts, fl/round-books.ts).
 */

/** Per key, its parts by node (a checkpoint holds these). */
export type PartBooksState<P> = Map<number, Map<number, P>>;

export interface PartBooks<P> {
  /** `node`'s part under `key`, made when first asked; the key's record is to be set again. */
  partOf(key: number, node: number): P;
  /** Puts a part another process reported in place of the one held. */
  put(key: number, node: number, part: P): void;
  /** The keys whose parts changed since `settled` was said of them. */
  readonly unsettled: ReadonlySet<number>;
  /** The key's parts, in node order, for its record; the key is settled. */
  settle(key: number): P[];
  /** The parts changed since the last call, whole, as [key, node, part] (a worker's report). */
  takeChanged(): [number, number, P][];
  readonly state: PartBooksState<P>;
  /** Takes a checkpoint's parts (`copy`: each part's own copy); every key is to be set again. */
  restore(state: PartBooksState<P>, copy: (part: P) => P): void;
}

/** `make`: a node's empty part; `reports`: the changed parts are kept for `takeChanged` (a worker's). */
export function createPartBooks<P extends object>(make: () => P, reports: boolean): PartBooks<P> {
  const books: PartBooksState<P> = new Map();
  const unsettled = new Set<number>();
  let changed = new Map<P, [number, number]>();

  function partsOf(key: number): Map<number, P> {
    let parts = books.get(key);
    if (!parts) books.set(key, (parts = new Map()));
    unsettled.add(key);
    return parts;
  }

  return {
    partOf(key, node) {
      const parts = partsOf(key);
      let part = parts.get(node);
      if (!part) parts.set(node, (part = make()));
      if (reports && !changed.has(part)) changed.set(part, [key, node]);
      return part;
    },
    put(key, node, part) {
      partsOf(key).set(node, part);
    },
    unsettled,
    settle(key) {
      unsettled.delete(key);
      const parts = books.get(key);
      return parts ? [...parts.keys()].sort((a, b) => a - b).map((node) => parts.get(node)!) : [];
    },
    takeChanged() {
      const rows = [...changed].map(([part, [key, node]]): [number, number, P] => [key, node, part]);
      changed = new Map();
      return rows;
    },
    state: books,
    restore(state, copy) {
      books.clear();
      unsettled.clear();
      for (const [key, parts] of state) {
        books.set(key, new Map([...parts].map(([node, part]) => [node, copy(part)])));
        unsettled.add(key);
      }
    },
  };
}
