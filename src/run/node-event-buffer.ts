/**
 * Node events wait here until the window's end, then reach the radio tracker in a canonical
 * order: (time, node, the node's own order). Nodes that run in another process (a worker) send
 * their events with the window's report, so the tracker sees the same sequence wherever the
 * nodes ran (DESIGN.md, "Scale path").
 */
import { eventNode, type SimEvent } from '../node/events.ts';

export interface NodeEventBuffer {
  push(event: SimEvent): void;
  /** Hands every buffered event to `handle` in canonical order and empties the buffer. */
  flush(handle: (event: SimEvent) => void): void;
  readonly size: number;
}

export function createNodeEventBuffer(): NodeEventBuffer {
  let events: { readonly event: SimEvent; readonly node: number; readonly order: number }[] = [];
  let order = 0;
  return {
    push(event) {
      events.push({ event, node: eventNode(event), order: order++ });
    },
    flush(handle) {
      if (events.length === 0) return;
      const batch = events.sort((a, b) => a.event.atMs - b.event.atMs || a.node - b.node || a.order - b.order);
      events = [];
      for (const entry of batch) handle(entry.event);
    },
    get size() {
      return events.length;
    },
  };
}
