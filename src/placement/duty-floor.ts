/**
 * The duty-cycle floor of a plan (issue 19, point 9): a node may transmit only its sub-bands'
 * share of the time, so a token cannot take less than the airtime its busiest sender sends per
 * token divided by that node's budget. Airtime per token is counted over the frames of the
 * plan's expected airtime (token-frames.ts); a route's whole airtime goes to its first sender
 * (relays are not split out). It is a floor for the time per token when tokens follow one another; a token can
 * take longer (queueing, one frame waiting for another), never shorter.
 */
import type { Plan } from './place.ts';
import { walkTokenFrames } from './token-frames.ts';

export interface DutyFloor {
  /** Expected airtime each node sends per token, ms. */
  readonly airtimeMsBySender: readonly number[];
  /** The floor, ms per token (0 when no node has a duty-cycle limit below 1). */
  readonly floorMs: number;
  /** The node that sets it, or −1. */
  readonly node: number;
}

export function dutyCycleFloor(plan: Plan, costMs: (from: number, to: number) => number, budgetOf: (node: number) => number): DutyFloor {
  const sent = new Array<number>(plan.nodes.length).fill(0);
  const send = (from: number, to: number, weight: number): void => {
    if (from < 0 || to < 0 || from === to) return;
    sent[from]! += weight * costMs(from, to);
  };
  walkTokenFrames(plan.units, plan.holders, plan.entry, plan.attention, {
    residual: (from, to) => send(from, to, 1),
    expert(at, holder, load) {
      send(at, holder, load);
      send(holder, at, load);
    },
  });
  let floorMs = 0;
  let node = -1;
  sent.forEach((ms, n) => {
    const budget = budgetOf(n);
    const floor = budget < 1 ? ms / budget : 0;
    if (floor > floorMs) {
      floorMs = floor;
      node = n;
    }
  });
  return { airtimeMsBySender: sent, floorMs, node };
}
