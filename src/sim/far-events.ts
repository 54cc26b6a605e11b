/**
 * The scheduler's far events (scheduler-core.ts): a calendar of time buckets in front of its
 * heap (event-heap.ts). A city's queue holds a pending event per node, most of them a node's
 * next message, hundreds of seconds ahead; in one heap every event's removal walks down the
 * levels of all of them, the lower ones out of the cache at 100,000 nodes (the scheduler's
 * step was 7 % of that day's profile; what this gained, a few per cent of that day and nothing
 * measurable at 10,000 nodes: docs/explanation/performance.md, bench/scheduler-city.ts).
 * Here an event before the horizon goes into the heap; a later one is
 * linked into the bucket of its `bucketMs` of time, in a ring of `ringBuckets` buckets from the
 * horizon on, or, further ahead still, into an overflow heap. When the heap runs out, the next
 * bucket's events move into it and the horizon moves past that bucket. The heap then holds only
 * the events of the next second or so, and stays in the cache.
 *
 * The order of events is unchanged: every event in the heap is earlier than the horizon and
 * every far event is not, so the heap's top is the earliest pending event, and within the
 * heap (time, seq) decides as before (kept in the golden results). A bucket's width is a power
 * of two, so times divide into buckets exactly. The idea is R. Brown's calendar queue (CACM
 * 31(10), 1988, https://doi.org/10.1145/63039.63045) with one level and a fixed width: a
 * scenario with fewer events gets buckets that are mostly empty, passed over in a few
 * instructions each.
 */
import { pushEvent, removeTop, type EventHeap } from './event-heap.ts';

/** A bucket's span of time (ms): 2^10, so that time / bucketMs is exact. */
export const bucketMs = 1024;
/**
 * Times from which buckets are not counted (2^50 ms, ~35,700 years: bucket numbers stay exact
 * integers well below it): events this far ahead, or at infinity, wait in the overflow and go
 * into the heap together once nothing earlier is left.
 */
export const beyondMs = 2 ** 50;
/** Buckets in the ring: 8,192 buckets of 1.024 s, 2.3 hours ahead of the horizon. */
const ringBuckets = 8192;
const ringMask = ringBuckets - 1;

// A far event's record: four doubles, two to a cache line.
const TIME = 0;
const SEQ = 1;
/** kind × 2^32 + (arg as unsigned): exact for kinds below 2^21 (scheduler.ts refuses more). */
const KIND_ARG = 2;
/** The next record in its bucket, or −1. */
const NEXT = 3;
const RECORD = 4;
const argSpan = 2 ** 32;
const packed = (kind: number, arg: number): number => kind * argSpan + (arg >>> 0);
const kindOf = (kindArg: number): number => Math.floor(kindArg / argSpan);
const argOf = (kindArg: number): number => (kindArg % argSpan) | 0;

export interface FarEvents {
  /** Records, `RECORD` doubles each; freed ones are chained through NEXT from `free`. */
  records: Float64Array;
  free: number;
  /** Records handed out so far (those past it were never used). */
  used: number;
  /** Per ring bucket, its first record, or −1. */
  readonly heads: Int32Array;
  /** Events held in the ring. */
  ringCount: number;
  /** Events further ahead than the ring reaches. */
  readonly overflow: EventHeap;
  /** The bucket at the horizon: every far event's time is at least `base` × bucketMs. */
  base: number;
}

export function createFarEvents(startMs: number): FarEvents {
  return {
    records: new Float64Array(RECORD * 1024),
    free: -1,
    used: 0,
    heads: new Int32Array(ringBuckets).fill(-1),
    ringCount: 0,
    overflow: { keys: new Float64Array(64), data: new Int32Array(64), size: 0 },
    base: baseAt(startMs),
  };
}

/**
 * The bucket at a horizon set at `nowMs` (a start, a restore): its own, or, where buckets are
 * not counted (|nowMs| ≥ beyondMs, where adding one to a bucket number would change nothing),
 * a horizon at infinity, as `moveBeyond` leaves it: every event but one at infinity goes to
 * the heap.
 */
const baseAt = (nowMs: number): number => (Math.abs(nowMs) < beyondMs ? Math.floor(nowMs / bucketMs) : Number.POSITIVE_INFINITY);

/** The horizon (ms): an event before it belongs in the heap. */
export const horizonMs = (far: FarEvents): number => far.base * bucketMs;

/** Far events held. */
export const farCount = (far: FarEvents): number => far.ringCount + far.overflow.size;

/** Holds the event (time, seq, kind, arg), whose time is at or after the horizon. */
export function addFar(far: FarEvents, timeMs: number, seq: number, kind: number, arg: number): void {
  const bucket = Math.floor(timeMs / bucketMs);
  // Past the ring, or at infinity (NaN here when the horizon is at infinity too).
  if (!(bucket - far.base < ringBuckets)) {
    pushEvent(far.overflow, timeMs, seq, kind, arg);
    return;
  }
  link(far, bucket & ringMask, timeMs, seq, packed(kind, arg));
}

function link(far: FarEvents, slot: number, timeMs: number, seq: number, kindArg: number): void {
  let record = far.free;
  if (record >= 0) far.free = far.records[record * RECORD + NEXT]!;
  else {
    record = far.used++;
    if (RECORD * far.used > far.records.length) {
      const grown = new Float64Array(2 * far.records.length);
      grown.set(far.records);
      far.records = grown;
    }
  }
  const r = far.records;
  const o = record * RECORD;
  r[o + TIME] = timeMs;
  r[o + SEQ] = seq;
  r[o + KIND_ARG] = kindArg;
  r[o + NEXT] = far.heads[slot]!;
  far.heads[slot] = record;
  far.ringCount++;
}

/**
 * Moves the far events of the earliest bucket that holds any into `heap` (which is empty),
 * and the horizon past that bucket; nothing when no far event is held.
 */
export function bringNearest(far: FarEvents, heap: EventHeap): void {
  while (heap.size === 0 && farCount(far) > 0) {
    // Nothing in the ring: its start jumps to the overflow's earliest event.
    if (far.ringCount === 0) {
      const firstMs = far.overflow.keys[0]!;
      if (firstMs >= beyondMs) {
        moveBeyond(far, heap);
        return;
      }
      far.base = Math.floor(firstMs / bucketMs);
      takeOverflow(far);
    }
    const slot = far.base & ringMask;
    let record = far.heads[slot]!;
    far.heads[slot] = -1;
    const r = far.records;
    while (record >= 0) {
      const o = record * RECORD;
      const kindArg = r[o + KIND_ARG]!;
      pushEvent(heap, r[o + TIME]!, r[o + SEQ]!, kindOf(kindArg), argOf(kindArg));
      const next = r[o + NEXT]!;
      r[o + NEXT] = far.free;
      far.free = record;
      far.ringCount--;
      record = next;
    }
    far.base++;
    takeOverflow(far);
  }
}

/**
 * Only events at or past `beyondMs` (infinity among them) are left, all in the overflow: they
 * move into the heap as they are, and the horizon to infinity, so that every later event but
 * one at infinity goes to the heap too, and one at infinity waits in the overflow for the heap
 * to run out (after every event at infinity before it).
 */
function moveBeyond(far: FarEvents, heap: EventHeap): void {
  const { overflow } = far;
  while (overflow.size > 0) {
    pushEvent(heap, overflow.keys[0]!, overflow.keys[1]!, overflow.data[0]!, overflow.data[1]!);
    removeTop(overflow);
  }
  far.base = Number.POSITIVE_INFINITY;
}

/** Links the overflow's events that the ring now reaches into their buckets. */
function takeOverflow(far: FarEvents): void {
  const { overflow } = far;
  const end = (far.base + ringBuckets) * bucketMs;
  while (overflow.size > 0 && overflow.keys[0]! < end) {
    const timeMs = overflow.keys[0]!;
    const seq = overflow.keys[1]!;
    const kindArg = packed(overflow.data[0]!, overflow.data[1]!);
    removeTop(overflow);
    link(far, Math.floor(timeMs / bucketMs) & ringMask, timeMs, seq, kindArg);
  }
}

/** Calls `visit` with each far event's (time, seq, kind, arg), in no particular order. */
export function forEachFar(far: FarEvents, visit: (timeMs: number, seq: number, kind: number, arg: number) => void): void {
  const r = far.records;
  for (const head of far.heads) {
    for (let record = head; record >= 0; record = r[record * RECORD + NEXT]!) {
      const o = record * RECORD;
      visit(r[o + TIME]!, r[o + SEQ]!, kindOf(r[o + KIND_ARG]!), argOf(r[o + KIND_ARG]!));
    }
  }
  const { keys, data, size } = far.overflow;
  for (let i = 0; i < size; i++) visit(keys[2 * i]!, keys[2 * i + 1]!, data[2 * i]!, data[2 * i + 1]!);
}

/** Drops every far event and puts the horizon at the bucket of `nowMs` (a restored checkpoint). */
export function resetFar(far: FarEvents, nowMs: number): void {
  far.heads.fill(-1);
  far.free = -1;
  far.used = 0;
  far.ringCount = 0;
  far.overflow.size = 0;
  far.base = baseAt(nowMs);
}
