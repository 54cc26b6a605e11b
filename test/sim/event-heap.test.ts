import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pushEvent, removeTop, type EventHeap } from '../../src/sim/event-heap.ts';

const empty = (): EventHeap => ({ keys: new Float64Array(8), data: new Int32Array(8), size: 0 });
const top = (heap: EventHeap): number[] => [heap.keys[0]!, heap.keys[1]!, heap.data[0]!, heap.data[1]!];

describe('event heap', () => {
  it('gives records back in (time, seq) order under 500 random runs of pushes and pops, many at equal times', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const heap = empty();
        const reference: number[][] = [];
        let seq = 0;
        for (const op of ops) {
          if (op >= 0) {
            pushEvent(heap, op / 4, seq, op % 7, seq);
            reference.push([op / 4, seq, op % 7, seq]);
            seq++;
          } else if (heap.size > 0) {
            reference.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
            expect(top(heap)).toEqual(reference.shift());
            removeTop(heap);
          }
        }
        expect(heap.size).toBe(reference.length);
      }),
      { numRuns: 500, seed: 22 },
    );
  });
});
