/**
 * Which frames a receiver has already taken, so that a message sent twice (replayed after the
 * broker came back: reconnection.ts) counts once. A message is known by its identity (a
 * transmission by sender and frame counter, a delivery by frame and kind) and carries its
 * simulated time (a transmission's start, a delivery's arrival).
 *
 * The window protocol bounds what must be remembered: every message a sender publishes after
 * the receiver's last barrier at `floorMs` has a time ≥ `floorMs` (a transmission starts no
 * earlier than the window it is sent in, a delivery arrives at least one lookahead after its
 * cause). So a message older than the floor is a copy, and identities older than the floor are
 * forgotten: memory stays within the frames of the last few windows.
 */
export interface SeenMessages {
  /** True the first time `key` is seen at or after the floor; false for a copy. */
  fresh(key: string, timeMs: number): boolean;
  /** Raises the floor to the time of a barrier every earlier message has passed. */
  floor(floorMs: number): void;
  /** Identities remembered (for the memory bound's test). */
  readonly size: number;
}

export function createSeenMessages(): SeenMessages {
  const seen = new Map<string, number>();
  let floorMs = Number.NEGATIVE_INFINITY;
  return {
    fresh(key, timeMs) {
      if (timeMs < floorMs || seen.has(key)) return false;
      seen.set(key, timeMs);
      return true;
    },
    floor(atMs) {
      if (atMs <= floorMs) return;
      floorMs = atMs;
      if (seen.size === 0) return;
      for (const [key, timeMs] of seen) if (timeMs < floorMs) seen.delete(key);
    },
    get size() {
      return seen.size;
    },
  };
}

/** A transmission's (or a death's) identity. */
export const transmissionKey = (sender: number, seq: number): string => `${sender}:${seq}`;
export const deathKey = (node: number): string => `${node}:died`;
/** A delivery's identity. */
export const deliveryKey = (receiver: number, sender: number, seq: number, kind: string): string => `${receiver}<${sender}:${seq}:${kind}`;
