/**
 * The tracker's slots of sent frames not yet final, per sender (for their receptions): a
 * sender transmits one frame at a time, so it has one or two (a frame and the one started as
 * it ended), held in its tracker row (tracker-rows.ts; −1: none) and, rarely, a list for more;
 * no array per frame.
 */
import { ON_AIR_FIRST, ON_AIR_SECOND, TRACKER_ROW } from './tracker-rows.ts';

export interface OnAirSlots {
  /** The slot of the sender's frame `seq` among its frames on the air, or −1. */
  find(sender: number, seq: number, seqs: Float64Array): number;
  add(sender: number, slot: number): void;
  remove(sender: number, slot: number): void;
  /** The slots on the air per sender in the order they started (a checkpoint's form). */
  lists(): (number[] | undefined)[];
  /** Takes such lists back. */
  restore(lists: readonly (readonly number[] | undefined)[]): void;
}

export function createOnAirSlots(rows: Float64Array, nodeCount: number): OnAirSlots {
  const first = (sender: number): number => rows[sender * TRACKER_ROW + ON_AIR_FIRST]!;
  const second = (sender: number): number => rows[sender * TRACKER_ROW + ON_AIR_SECOND]!;
  const more: (number[] | undefined)[] = new Array<number[] | undefined>(nodeCount);
  const nextOfMore = (sender: number): number => {
    const list = more[sender];
    return list && list.length > 0 ? list.shift()! : -1;
  };
  const slots: OnAirSlots = {
    find(sender, seq, seqs) {
      const a = first(sender);
      if (a >= 0 && seqs[a] === seq) return a;
      const b = second(sender);
      if (b >= 0 && seqs[b] === seq) return b;
      const list = more[sender];
      if (list) for (const slot of list) if (seqs[slot] === seq) return slot;
      return -1;
    },
    add(sender, slot) {
      if (first(sender) < 0) rows[sender * TRACKER_ROW + ON_AIR_FIRST] = slot;
      else if (second(sender) < 0) rows[sender * TRACKER_ROW + ON_AIR_SECOND] = slot;
      else (more[sender] ??= []).push(slot);
    },
    remove(sender, slot) {
      if (first(sender) === slot) {
        rows[sender * TRACKER_ROW + ON_AIR_FIRST] = second(sender);
        rows[sender * TRACKER_ROW + ON_AIR_SECOND] = nextOfMore(sender);
      } else if (second(sender) === slot) rows[sender * TRACKER_ROW + ON_AIR_SECOND] = nextOfMore(sender);
      else more[sender]?.splice(more[sender]!.indexOf(slot), 1);
    },
    lists: () =>
      Array.from({ length: nodeCount }, (_, sender) => {
        const list = [first(sender), second(sender), ...(more[sender] ?? [])].filter((slot) => slot >= 0);
        return list.length > 0 ? list : undefined;
      }),
    restore(lists) {
      for (let sender = 0; sender < nodeCount; sender++) {
        rows[sender * TRACKER_ROW + ON_AIR_FIRST] = -1;
        rows[sender * TRACKER_ROW + ON_AIR_SECOND] = -1;
      }
      more.fill(undefined);
      lists.forEach((list, sender) => list?.forEach((slot) => slots.add(sender, slot)));
    },
  };
  return slots;
}
