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
 *
 * A slot's fields are one record (`SLOT` numbers side by side): arming a city's node's timer,
 * cold since its last frame, reads and writes one or two cache lines instead of one per column,
 * and a sift compares keys that lie together. A checkpoint keeps the columns it always had.
 *
 * Far timers: a timer armed at `farTimerMs` or later while out of the heap stays out of it,
 * armed in its record only. A mains-powered node's death is such a timer (its ideal supply of
 * 10^15 mAh, node-power.ts, lasts ~10^20 ms at a few mA): re-predicted at every change of its
 * current, it sifted up through a heap of a city's nodes at every frame (at 100,000 nodes, 3 s
 * of the day's simulation went to that). No run reaches such times (the scenario's duration is
 * bounded far below them), so a far timer is needed only by a question about times that late,
 * or about the earliest timer when nothing earlier is armed: the far timers then go into the
 * heap, all of them at once (`flushFar`), and the question is answered as before. The order of
 * timers is unchanged: every timer not in the heap is at `farTimerMs` or later.
 */

import { beyondMs } from './far-events.ts';
import { checkpointRows, restoreRows, type KeptColumn } from './row-checkpoint.ts';

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

// The fields of a slot's record.
/** Its armed key. */
const ARMED_TIME = 0;
const ARMED_SEQ = 1;
/** The key its heap entry is sorted by (never later than the armed one). */
const HEAP_TIME = 2;
const HEAP_SEQ = 3;
/** Its index in the heap, or −1. */
const POSITION = 4;
/** 1 while armed. */
const ARMED = 5;
const SLOT = 6;

/** Times from which a timer out of the heap stays out of it: the far events' bound (2^50 ms, ~35,700 years). */
export const farTimerMs = beyondMs;

/** The heap's state: a record per slot, and the heap of slots. */
interface TimerColumns {
  capacity: number;
  heap: Int32Array;
  /** `SLOT` fields per slot. */
  slots: Float64Array;
  size: number;
  armedCount: number;
  /** Armed timers out of the heap (each at `farTimerMs` or later). */
  far: number;
}

export function createTimerHeap(initialSlots = 0): TimerHeap {
  const capacity = Math.max(16, initialSlots);
  const t: TimerColumns = { capacity, heap: new Int32Array(capacity), slots: emptySlots(capacity), size: 0, armedCount: 0, far: 0 };
  return {
    get size() {
      return t.armedCount;
    },
    checkpoint: () => checkpointTimers(t),
    restore: (state) => restoreTimers(t, state),
    set: (slot, timeMs, seq) => setTimer(t, slot, timeMs, seq),
    clear(slot) {
      if (slot >= t.capacity || t.slots[slot * SLOT + ARMED] !== 1) return;
      t.slots[slot * SLOT + ARMED] = 0;
      t.armedCount--;
      if (t.slots[slot * SLOT + POSITION]! < 0) t.far--;
    },
    pending: (slot) => slot < t.capacity && t.slots[slot * SLOT + ARMED] === 1,
    topTimeMs() {
      settleEarliest(t);
      return t.slots[t.heap[0]! * SLOT + HEAP_TIME]!;
    },
    precedes: (timeMs, seq) => precedes(t, timeMs, seq),
    dueBy(timeMs) {
      if (timeMs >= farTimerMs) flushFar(t);
      if (t.size === 0 || t.slots[t.heap[0]! * SLOT + HEAP_TIME]! > timeMs) return false;
      settleTop(t);
      return t.size > 0 && t.slots[t.heap[0]! * SLOT + HEAP_TIME]! <= timeMs;
    },
    pop() {
      settleEarliest(t);
      const slot = t.heap[0]!;
      removeTop(t);
      t.slots[slot * SLOT + ARMED] = 0;
      t.armedCount--;
      return slot;
    },
    reserve: (slots) => reserve(t, slots),
  };
}

/** Records for `count` slots, each out of the heap and disarmed. */
function emptySlots(count: number): Float64Array {
  const slots = new Float64Array(count * SLOT);
  for (let slot = 0; slot < count; slot++) slots[slot * SLOT + POSITION] = -1;
  return slots;
}

function setTimer(t: TimerColumns, slot: number, timeMs: number, seq: number): void {
  reserve(t, slot + 1);
  const s = t.slots;
  const o = slot * SLOT;
  const wasArmed = s[o + ARMED] === 1;
  if (!wasArmed) t.armedCount++;
  s[o + ARMED] = 1;
  s[o + ARMED_TIME] = timeMs;
  s[o + ARMED_SEQ] = seq;
  const at = s[o + POSITION]!;
  if (at < 0) {
    // Armed and out of the heap, it was a far timer.
    if (timeMs >= farTimerMs) {
      if (!wasArmed) t.far++;
      return;
    }
    if (wasArmed) t.far--;
    s[o + HEAP_TIME] = timeMs;
    s[o + HEAP_SEQ] = seq;
    place(t, t.size, slot);
    t.size++;
    up(t, t.size - 1);
  } else if (timeMs < s[o + HEAP_TIME]! || (timeMs === s[o + HEAP_TIME] && seq < s[o + HEAP_SEQ]!)) {
    s[o + HEAP_TIME] = timeMs;
    s[o + HEAP_SEQ] = seq;
    up(t, at);
  }
}

function precedes(t: TimerColumns, timeMs: number, seq: number): boolean {
  if (timeMs >= farTimerMs) flushFar(t);
  if (t.size === 0) return false;
  // The top's key is a lower bound of every armed timer in the heap (and the far ones are later
  // than `timeMs`): when even it is not earlier, nothing is, and the top need not be settled
  // (death predictions lie far ahead of most events).
  let o = t.heap[0]! * SLOT;
  if (!(t.slots[o + HEAP_TIME]! < timeMs || (t.slots[o + HEAP_TIME] === timeMs && t.slots[o + HEAP_SEQ]! < seq))) return false;
  settleTop(t);
  if (t.size === 0) return false;
  o = t.heap[0]! * SLOT;
  return t.slots[o + HEAP_TIME]! < timeMs || (t.slots[o + HEAP_TIME] === timeMs && t.slots[o + HEAP_SEQ]! < seq);
}

/** Whether slot a's heap key comes before slot b's. */
function less(t: TimerColumns, a: number, b: number): boolean {
  const s = t.slots;
  const ta = s[a * SLOT + HEAP_TIME]!;
  const tb = s[b * SLOT + HEAP_TIME]!;
  return ta < tb || (ta === tb && s[a * SLOT + HEAP_SEQ]! < s[b * SLOT + HEAP_SEQ]!);
}

function place(t: TimerColumns, i: number, slot: number): void {
  t.heap[i] = slot;
  t.slots[slot * SLOT + POSITION] = i;
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
  t.slots[slot * SLOT + POSITION] = -1;
  t.size--;
  if (t.size === 0) return;
  place(t, 0, t.heap[t.size]!);
  down(t, 0);
}

/** Until the top is an armed timer sorted under its armed key: re-sort stale entries, drop disarmed ones. */
function settleTop(t: TimerColumns): void {
  const s = t.slots;
  while (t.size > 0) {
    const o = t.heap[0]! * SLOT;
    if (s[o + ARMED] !== 1) {
      removeTop(t);
      continue;
    }
    if (s[o + HEAP_TIME] === s[o + ARMED_TIME] && s[o + HEAP_SEQ] === s[o + ARMED_SEQ]) return;
    s[o + HEAP_TIME] = s[o + ARMED_TIME]!;
    s[o + HEAP_SEQ] = s[o + ARMED_SEQ]!;
    down(t, 0);
  }
}

/** Settles the top; when the heap holds nothing before `farTimerMs`, the far timers go into it first. The earliest armed timer is then at the top. */
function settleEarliest(t: TimerColumns): void {
  settleTop(t);
  if (t.far > 0 && (t.size === 0 || t.slots[t.heap[0]! * SLOT + HEAP_TIME]! >= farTimerMs)) {
    flushFar(t);
    settleTop(t);
  }
}

/** Puts every far timer into the heap under its armed key. */
function flushFar(t: TimerColumns): void {
  const s = t.slots;
  for (let slot = 0; t.far > 0 && slot < t.capacity; slot++) {
    const o = slot * SLOT;
    if (s[o + ARMED] !== 1 || s[o + POSITION]! >= 0) continue;
    s[o + HEAP_TIME] = s[o + ARMED_TIME]!;
    s[o + HEAP_SEQ] = s[o + ARMED_SEQ]!;
    place(t, t.size, slot);
    t.size++;
    up(t, t.size - 1);
    t.far--;
  }
}

function reserve(t: TimerColumns, slots: number): void {
  if (slots <= t.capacity) return;
  let next = t.capacity;
  while (next < slots) next *= 2;
  const heap = new Int32Array(next);
  heap.set(t.heap);
  t.heap = heap;
  const records = emptySlots(next);
  records.set(t.slots);
  t.slots = records;
  t.capacity = next;
}

/** The columns of a checkpoint, in TimerHeapState's order. */
const slotColumns: readonly KeptColumn[] = [
  { field: POSITION, type: Int32Array },
  { field: ARMED_TIME, type: Float64Array },
  { field: ARMED_SEQ, type: Float64Array },
  { field: HEAP_TIME, type: Float64Array },
  { field: HEAP_SEQ, type: Float64Array },
  { field: ARMED, type: Uint8Array },
];

/** The state as the columns it has always been checkpointed as. */
function checkpointTimers(t: TimerColumns): TimerHeapState {
  const [position, armedTimes, armedSeqs, heapTimes, heapSeqs, armed] = checkpointRows(t.slots, SLOT, t.capacity, slotColumns) as [Int32Array, Float64Array, Float64Array, Float64Array, Float64Array, Uint8Array];
  return { capacity: t.capacity, heap: t.heap.slice(), position, armedTimes, armedSeqs, heapTimes, heapSeqs, armed, size: t.size, armedCount: t.armedCount };
}

function restoreTimers(t: TimerColumns, state: TimerHeapState): void {
  ({ capacity: t.capacity, size: t.size, armedCount: t.armedCount } = state);
  t.heap = state.heap.slice();
  t.slots = new Float64Array(t.capacity * SLOT);
  restoreRows(t.slots, SLOT, t.capacity, slotColumns, [state.position, state.armedTimes, state.armedSeqs, state.heapTimes, state.heapSeqs, state.armed], 'timer heap');
  t.far = 0;
  for (let slot = 0; slot < t.capacity; slot++) if (t.slots[slot * SLOT + ARMED] === 1 && t.slots[slot * SLOT + POSITION]! < 0) t.far++;
}
