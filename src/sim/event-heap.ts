/**
 * The scheduler's queue (scheduler.ts): a 4-ary heap of integer records ordered by (timeMs,
 * seq). Entry i's (time, seq) is at keys[2i], keys[2i + 1] (a comparison reads one cache line),
 * its (kind, arg) at data[2i], data[2i + 1]; its children are entries 4i + 1 … 4i + 4, whose keys
 * lie side by side. A city's queue holds a pending event per node: four children to a level
 * halve the levels a removal walks down, each a cache miss at that size, for a few more
 * comparisons within lines already read. Keys are unique (seq), so the order in which events
 * leave is the order of (time, seq), whatever the heap's shape. The scheduler's state record
 * holds these fields; the functions here take it as an EventHeap.
 */

export interface EventHeap {
  keys: Float64Array;
  data: Int32Array;
  size: number;
}

/** Adds the event (time, seq, kind, arg), growing the columns when they are full. */
export function pushEvent(heap: EventHeap, timeMs: number, seq: number, kind: number, arg: number): void {
  if (2 * heap.size === heap.keys.length) grow(heap);
  const { keys, data } = heap;
  let i = heap.size++;
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const parentTime = keys[2 * parent]!;
    if (!(timeMs < parentTime || (timeMs === parentTime && seq < keys[2 * parent + 1]!))) break;
    keys[2 * i] = parentTime;
    keys[2 * i + 1] = keys[2 * parent + 1]!;
    data[2 * i] = data[2 * parent]!;
    data[2 * i + 1] = data[2 * parent + 1]!;
    i = parent;
  }
  keys[2 * i] = timeMs;
  keys[2 * i + 1] = seq;
  data[2 * i] = kind;
  data[2 * i + 1] = arg;
}

/** Removes the root (read its time, seq, kind and arg at index 0 first). */
export function removeTop(heap: EventHeap): void {
  const size = --heap.size;
  if (size === 0) return;
  const { keys, data } = heap;
  // Sift the last entry down from the root.
  const t = keys[2 * size]!;
  const q = keys[2 * size + 1]!;
  const kind = data[2 * size]!;
  const arg = data[2 * size + 1]!;
  let i = 0;
  for (;;) {
    const first = 4 * i + 1;
    if (first >= size) break;
    const last = Math.min(first + 4, size);
    let child = first;
    let childTime = keys[2 * first]!;
    let childSeq = keys[2 * first + 1]!;
    for (let c = first + 1; c < last; c++) {
      const time = keys[2 * c]!;
      if (time < childTime || (time === childTime && keys[2 * c + 1]! < childSeq)) {
        child = c;
        childTime = time;
        childSeq = keys[2 * c + 1]!;
      }
    }
    if (!(childTime < t || (childTime === t && childSeq < q))) break;
    keys[2 * i] = childTime;
    keys[2 * i + 1] = childSeq;
    data[2 * i] = data[2 * child]!;
    data[2 * i + 1] = data[2 * child + 1]!;
    i = child;
  }
  keys[2 * i] = t;
  keys[2 * i + 1] = q;
  data[2 * i] = kind;
  data[2 * i + 1] = arg;
}

function grow(heap: EventHeap): void {
  const k = new Float64Array(heap.keys.length * 2);
  k.set(heap.keys);
  heap.keys = k;
  const d = new Int32Array(heap.data.length * 2);
  d.set(heap.data);
  heap.data = d;
}
