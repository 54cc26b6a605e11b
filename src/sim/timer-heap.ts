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

export function createTimerHeap(initialSlots = 0): TimerHeap {
  let capacity = Math.max(16, initialSlots);
  let heap = new Int32Array(capacity);
  let position = new Int32Array(capacity).fill(-1);
  /** Each slot's armed key, and the key its heap entry is sorted by (never later). */
  let armedTimes = new Float64Array(capacity);
  let armedSeqs = new Float64Array(capacity);
  let heapTimes = new Float64Array(capacity);
  let heapSeqs = new Float64Array(capacity);
  let armed = new Uint8Array(capacity);
  let size = 0;
  let armedCount = 0;

  const less = (a: number, b: number): boolean => heapTimes[a]! < heapTimes[b]! || (heapTimes[a] === heapTimes[b] && heapSeqs[a]! < heapSeqs[b]!);

  function place(i: number, slot: number): void {
    heap[i] = slot;
    position[slot] = i;
  }

  function up(i: number): void {
    const slot = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!less(slot, above)) break;
      place(i, above);
      i = parent;
    }
    place(i, slot);
  }

  function down(i: number): void {
    const slot = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && less(heap[right]!, heap[left]!) ? right : left;
      const below = heap[child]!;
      if (!less(below, slot)) break;
      place(i, below);
      i = child;
    }
    place(i, slot);
  }

  function removeTop(): void {
    const slot = heap[0]!;
    position[slot] = -1;
    size--;
    if (size === 0) return;
    place(0, heap[size]!);
    down(0);
  }

  /** Until the top is an armed timer sorted under its armed key: re-sort stale entries, drop disarmed ones. */
  function settleTop(): void {
    while (size > 0) {
      const top = heap[0]!;
      if (!armed[top]) {
        removeTop();
        continue;
      }
      if (heapTimes[top] === armedTimes[top] && heapSeqs[top] === armedSeqs[top]) return;
      heapTimes[top] = armedTimes[top]!;
      heapSeqs[top] = armedSeqs[top]!;
      down(0);
    }
  }

  function reserve(slots: number): void {
    if (slots <= capacity) return;
    let next = capacity;
    while (next < slots) next *= 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(from: T, make: (n: number) => T): T => {
      const grown = make(next);
      grown.set(from);
      return grown;
    };
    heap = grow(heap, (n) => new Int32Array(n));
    position = grow(position, (n) => new Int32Array(n).fill(-1));
    armedTimes = grow(armedTimes, (n) => new Float64Array(n));
    armedSeqs = grow(armedSeqs, (n) => new Float64Array(n));
    heapTimes = grow(heapTimes, (n) => new Float64Array(n));
    heapSeqs = grow(heapSeqs, (n) => new Float64Array(n));
    armed = grow(armed, (n) => new Uint8Array(n));
    capacity = next;
  }

  return {
    get size() {
      return armedCount;
    },
    checkpoint() {
      return { capacity, heap: heap.slice(), position: position.slice(), armedTimes: armedTimes.slice(), armedSeqs: armedSeqs.slice(), heapTimes: heapTimes.slice(), heapSeqs: heapSeqs.slice(), armed: armed.slice(), size, armedCount };
    },
    restore(state) {
      ({ capacity, size, armedCount } = state);
      heap = state.heap.slice();
      position = state.position.slice();
      armedTimes = state.armedTimes.slice();
      armedSeqs = state.armedSeqs.slice();
      heapTimes = state.heapTimes.slice();
      heapSeqs = state.heapSeqs.slice();
      armed = state.armed.slice();
    },
    set(slot, timeMs, seq) {
      reserve(slot + 1);
      if (!armed[slot]) armedCount++;
      armed[slot] = 1;
      armedTimes[slot] = timeMs;
      armedSeqs[slot] = seq;
      const at = position[slot]!;
      if (at < 0) {
        heapTimes[slot] = timeMs;
        heapSeqs[slot] = seq;
        place(size, slot);
        size++;
        up(size - 1);
      } else if (timeMs < heapTimes[slot]! || (timeMs === heapTimes[slot] && seq < heapSeqs[slot]!)) {
        heapTimes[slot] = timeMs;
        heapSeqs[slot] = seq;
        up(at);
      }
    },
    clear(slot) {
      if (slot >= capacity || !armed[slot]) return;
      armed[slot] = 0;
      armedCount--;
    },
    pending(slot) {
      return slot < capacity && armed[slot] === 1;
    },
    topTimeMs() {
      settleTop();
      return heapTimes[heap[0]!]!;
    },
    precedes(timeMs, seq) {
      if (armedCount === 0) return false;
      // The top's key is a lower bound of every armed timer: when even it is not earlier, nothing
      // is, and the top need not be settled (death predictions lie far ahead of most events).
      let top = heap[0]!;
      if (!(heapTimes[top]! < timeMs || (heapTimes[top] === timeMs && heapSeqs[top]! < seq))) return false;
      settleTop();
      top = heap[0]!;
      return heapTimes[top]! < timeMs || (heapTimes[top] === timeMs && heapSeqs[top]! < seq);
    },
    dueBy(timeMs) {
      if (armedCount === 0 || heapTimes[heap[0]!]! > timeMs) return false;
      settleTop();
      return heapTimes[heap[0]!]! <= timeMs;
    },
    pop() {
      settleTop();
      const slot = heap[0]!;
      removeTop();
      armed[slot] = 0;
      armedCount--;
      return slot;
    },
    reserve,
  };
}
