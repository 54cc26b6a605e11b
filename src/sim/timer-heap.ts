/**
 * Timers that are set again and again and rarely fire (a node's predicted death, re-predicted
 * at every change of its current): an indexed binary heap with one entry per timer slot, keyed
 * by (timeMs, seq) like the scheduler's events. Setting a slot that is already pending moves it
 * (O(log n)) instead of leaving a cancelled event behind, so the heap holds at most one entry
 * per slot however often it is reset.
 */

export interface TimerHeap {
  /** Pending timers. */
  readonly size: number;
  /** Arms (or re-arms) `slot` at `timeMs` with tie-break `seq`. */
  set(slot: number, timeMs: number, seq: number): void;
  /** Disarms `slot`; nothing happens if it is not pending. */
  clear(slot: number): void;
  /** Whether `slot` is pending. */
  pending(slot: number): boolean;
  /** The earliest pending timer's time (undefined behaviour when empty). */
  topTimeMs(): number;
  /** Whether the earliest pending timer comes before an event at (timeMs, seq) (false when empty). */
  precedes(timeMs: number, seq: number): boolean;
  /** Whether the earliest pending timer is at or before `timeMs` (false when empty). */
  dueBy(timeMs: number): boolean;
  /** Removes the earliest pending timer and returns its slot. */
  pop(): number;
  /** Makes room for slots up to `slots` − 1. */
  reserve(slots: number): void;
}

export function createTimerHeap(initialSlots = 0): TimerHeap {
  let capacity = Math.max(16, initialSlots);
  let heap = new Int32Array(capacity);
  let position = new Int32Array(capacity).fill(-1);
  let times = new Float64Array(capacity);
  let seqs = new Float64Array(capacity);
  let size = 0;

  const less = (a: number, b: number): boolean => times[a]! < times[b]! || (times[a] === times[b] && seqs[a]! < seqs[b]!);

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

  function removeAt(i: number): void {
    const slot = heap[i]!;
    position[slot] = -1;
    size--;
    if (i === size) return;
    const moved = heap[size]!;
    place(i, moved);
    down(i);
    if (position[moved] === i) up(i);
  }

  function reserve(slots: number): void {
    if (slots <= capacity) return;
    let next = capacity;
    while (next < slots) next *= 2;
    const grownHeap = new Int32Array(next);
    grownHeap.set(heap);
    heap = grownHeap;
    const grownPosition = new Int32Array(next).fill(-1);
    grownPosition.set(position);
    position = grownPosition;
    const grownTimes = new Float64Array(next);
    grownTimes.set(times);
    times = grownTimes;
    const grownSeqs = new Float64Array(next);
    grownSeqs.set(seqs);
    seqs = grownSeqs;
    capacity = next;
  }

  return {
    get size() {
      return size;
    },
    set(slot, timeMs, seq) {
      reserve(slot + 1);
      times[slot] = timeMs;
      seqs[slot] = seq;
      const at = position[slot]!;
      if (at < 0) {
        place(size, slot);
        size++;
        up(size - 1);
      } else {
        up(at);
        down(position[slot]!);
      }
    },
    clear(slot) {
      if (slot >= capacity) return;
      const at = position[slot]!;
      if (at >= 0) removeAt(at);
    },
    pending(slot) {
      return slot < capacity && position[slot]! >= 0;
    },
    topTimeMs: () => times[heap[0]!]!,
    precedes(timeMs, seq) {
      if (size === 0) return false;
      const top = heap[0]!;
      return times[top]! < timeMs || (times[top] === timeMs && seqs[top]! < seq);
    },
    dueBy: (timeMs) => size > 0 && times[heap[0]!]! <= timeMs,
    pop() {
      const slot = heap[0]!;
      removeAt(0);
      return slot;
    },
    reserve,
  };
}
