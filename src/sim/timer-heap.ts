/**
 * Timers that are set again and again and rarely fire (a node's predicted death, re-predicted
 * at every change of its current): an indexed binary heap with one entry per timer slot, keyed
 * by (timeMs, seq) like the scheduler's events.
 *
 * Re-arming is lazy: each slot keeps its armed key, and its heap entry is sorted by a key that is
 * never later than the armed one. Moving a timer earlier sifts its entry up; moving it later (what
 * a death prediction does as a node lives on) or disarming it only writes the slot. Before the
 * earliest timer is read, entries at the top whose key is stale are re-sorted under their armed
 * key, and disarmed ones dropped: the earliest armed timer is then at the top. Re-arming thus
 * costs a few writes, not a walk through a heap of a city's nodes, and the order of timers is
 * exactly that of one heap with every setting applied.
 */

export interface TimerHeap {
  /** Armed timers. */
  readonly size: number;
  /** Arms (or re-arms) `slot` at `timeMs` with tie-break `seq`. */
  set(slot: number, timeMs: number, seq: number): void;
  /** Disarms `slot`; nothing happens if it is not armed. */
  clear(slot: number): void;
  /** Whether `slot` is armed. */
  pending(slot: number): boolean;
  /** The earliest armed timer's time (undefined behaviour when none is armed). */
  topTimeMs(): number;
  /** Whether the earliest armed timer comes before an event at (timeMs, seq) (false when none). */
  precedes(timeMs: number, seq: number): boolean;
  /** Whether the earliest armed timer is at or before `timeMs` (false when none). */
  dueBy(timeMs: number): boolean;
  /** Disarms the earliest armed timer and returns its slot. */
  pop(): number;
  /** Makes room for slots up to `slots` − 1. */
  reserve(slots: number): void;
  /** The whole state, for a simulation checkpoint (checkpoint-state.ts). */
  checkpoint(): TimerHeapState;
  restore(state: TimerHeapState): void;
}

export interface TimerHeapState {
  readonly capacity: number;
  readonly heap: Int32Array;
  readonly position: Int32Array;
  readonly armedTimes: Float64Array;
  readonly armedSeqs: Float64Array;
  readonly heapTimes: Float64Array;
  readonly heapSeqs: Float64Array;
  readonly armed: Uint8Array;
  readonly size: number;
  readonly armedCount: number;
}

/** The heap's state: columns by slot, and the heap of slots. */
interface TimerColumns {
  capacity: number;
  heap: Int32Array;
  position: Int32Array;
  /** Each slot's armed key, and the key its heap entry is sorted by (never later). */
  armedTimes: Float64Array;
  armedSeqs: Float64Array;
  heapTimes: Float64Array;
  heapSeqs: Float64Array;
  armed: Uint8Array;
  size: number;
  armedCount: number;
}

export function createTimerHeap(initialSlots = 0): TimerHeap {
  const capacity = Math.max(16, initialSlots);
  const t: TimerColumns = {
    capacity,
    heap: new Int32Array(capacity),
    position: new Int32Array(capacity).fill(-1),
    armedTimes: new Float64Array(capacity),
    armedSeqs: new Float64Array(capacity),
    heapTimes: new Float64Array(capacity),
    heapSeqs: new Float64Array(capacity),
    armed: new Uint8Array(capacity),
    size: 0,
    armedCount: 0,
  };
  return {
    get size() {
      return t.armedCount;
    },
    checkpoint() {
      return { capacity: t.capacity, heap: t.heap.slice(), position: t.position.slice(), armedTimes: t.armedTimes.slice(), armedSeqs: t.armedSeqs.slice(), heapTimes: t.heapTimes.slice(), heapSeqs: t.heapSeqs.slice(), armed: t.armed.slice(), size: t.size, armedCount: t.armedCount };
    },
    restore(state) {
      ({ capacity: t.capacity, size: t.size, armedCount: t.armedCount } = state);
      t.heap = state.heap.slice();
      t.position = state.position.slice();
      t.armedTimes = state.armedTimes.slice();
      t.armedSeqs = state.armedSeqs.slice();
      t.heapTimes = state.heapTimes.slice();
      t.heapSeqs = state.heapSeqs.slice();
      t.armed = state.armed.slice();
    },
    set: (slot, timeMs, seq) => setTimer(t, slot, timeMs, seq),
    clear(slot) {
      if (slot >= t.capacity || !t.armed[slot]) return;
      t.armed[slot] = 0;
      t.armedCount--;
    },
    pending: (slot) => slot < t.capacity && t.armed[slot] === 1,
    topTimeMs() {
      settleTop(t);
      return t.heapTimes[t.heap[0]!]!;
    },
    precedes: (timeMs, seq) => precedes(t, timeMs, seq),
    dueBy(timeMs) {
      if (t.armedCount === 0 || t.heapTimes[t.heap[0]!]! > timeMs) return false;
      settleTop(t);
      return t.heapTimes[t.heap[0]!]! <= timeMs;
    },
    pop() {
      settleTop(t);
      const slot = t.heap[0]!;
      removeTop(t);
      t.armed[slot] = 0;
      t.armedCount--;
      return slot;
    },
    reserve: (slots) => reserve(t, slots),
  };
}

function setTimer(t: TimerColumns, slot: number, timeMs: number, seq: number): void {
  reserve(t, slot + 1);
  const { armed, heapTimes, heapSeqs } = t;
  if (!armed[slot]) t.armedCount++;
  armed[slot] = 1;
  t.armedTimes[slot] = timeMs;
  t.armedSeqs[slot] = seq;
  const at = t.position[slot]!;
  if (at < 0) {
    heapTimes[slot] = timeMs;
    heapSeqs[slot] = seq;
    place(t, t.size, slot);
    t.size++;
    up(t, t.size - 1);
  } else if (timeMs < heapTimes[slot]! || (timeMs === heapTimes[slot] && seq < heapSeqs[slot]!)) {
    heapTimes[slot] = timeMs;
    heapSeqs[slot] = seq;
    up(t, at);
  }
}

function precedes(t: TimerColumns, timeMs: number, seq: number): boolean {
  if (t.armedCount === 0) return false;
  const { heapTimes, heapSeqs } = t;
  // The top's key is a lower bound of every armed timer: when even it is not earlier, nothing
  // is, and the top need not be settled (death predictions lie far ahead of most events).
  let top = t.heap[0]!;
  if (!(heapTimes[top]! < timeMs || (heapTimes[top] === timeMs && heapSeqs[top]! < seq))) return false;
  settleTop(t);
  top = t.heap[0]!;
  return heapTimes[top]! < timeMs || (heapTimes[top] === timeMs && heapSeqs[top]! < seq);
}

const less = (t: TimerColumns, a: number, b: number): boolean => t.heapTimes[a]! < t.heapTimes[b]! || (t.heapTimes[a] === t.heapTimes[b] && t.heapSeqs[a]! < t.heapSeqs[b]!);

function place(t: TimerColumns, i: number, slot: number): void {
  t.heap[i] = slot;
  t.position[slot] = i;
}

function up(t: TimerColumns, i: number): void {
  const slot = t.heap[i]!;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const above = t.heap[parent]!;
    if (!less(t, slot, above)) break;
    place(t, i, above);
    i = parent;
  }
  place(t, i, slot);
}

function down(t: TimerColumns, i: number): void {
  const { heap, size } = t;
  const slot = heap[i]!;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && less(t, heap[right]!, heap[left]!) ? right : left;
    const below = heap[child]!;
    if (!less(t, below, slot)) break;
    place(t, i, below);
    i = child;
  }
  place(t, i, slot);
}

function removeTop(t: TimerColumns): void {
  const slot = t.heap[0]!;
  t.position[slot] = -1;
  t.size--;
  if (t.size === 0) return;
  place(t, 0, t.heap[t.size]!);
  down(t, 0);
}

/** Until the top is an armed timer sorted under its armed key: re-sort stale entries, drop disarmed ones. */
function settleTop(t: TimerColumns): void {
  while (t.size > 0) {
    const top = t.heap[0]!;
    if (!t.armed[top]) {
      removeTop(t);
      continue;
    }
    if (t.heapTimes[top] === t.armedTimes[top] && t.heapSeqs[top] === t.armedSeqs[top]) return;
    t.heapTimes[top] = t.armedTimes[top]!;
    t.heapSeqs[top] = t.armedSeqs[top]!;
    down(t, 0);
  }
}

function reserve(t: TimerColumns, slots: number): void {
  if (slots <= t.capacity) return;
  let next = t.capacity;
  while (next < slots) next *= 2;
  const grow = <T extends Int32Array | Float64Array | Uint8Array>(from: T, make: (n: number) => T): T => {
    const grown = make(next);
    grown.set(from);
    return grown;
  };
  t.heap = grow(t.heap, (n) => new Int32Array(n));
  t.position = grow(t.position, (n) => new Int32Array(n).fill(-1));
  t.armedTimes = grow(t.armedTimes, (n) => new Float64Array(n));
  t.armedSeqs = grow(t.armedSeqs, (n) => new Float64Array(n));
  t.heapTimes = grow(t.heapTimes, (n) => new Float64Array(n));
  t.heapSeqs = grow(t.heapSeqs, (n) => new Float64Array(n));
  t.armed = grow(t.armed, (n) => new Uint8Array(n));
  t.capacity = next;
}
