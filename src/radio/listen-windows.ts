/**
 * When a node's radio listens because of what it sent, not by its wake schedule: a LoRaWAN
 * class A device's receive windows after each uplink, and the peer MAC's wait for an ACK after
 * each frame (ether.ts asks it before the wake schedule). Plain columns, kept in the ether's
 * checkpoint.
 */
import type { ClassAWindows, EtherNode } from './ether-config.ts';
import type { Transmission } from './transmission.ts';

export interface ListenWindows {
  /** Whether a class A device is this node (it listens only in its windows). */
  isClassA(node: number): boolean;
  /** Whether the node's windows catch a frame starting as `tx` does; undefined when none govern it (its wake schedule does). */
  catches(receiver: number, tx: Transmission): boolean | undefined;
  /** A node sent a frame: its windows count from the frame's end. */
  sent(tx: Transmission): void;
  /** Per node: [0, n) the end of its last frame, [n, 2n) the uplink end whose RX1 caught a frame (a checkpoint). */
  readonly state: Float64Array;
}

export function createListenWindows(nodes: readonly EtherNode[], windows: ClassAWindows | undefined): ListenWindows {
  const n = nodes.length;
  const classA = Uint8Array.from(nodes, (node) => (node.classA ? 1 : 0));
  const listensAfterTxMs = Float64Array.from(nodes, (node) => node.listensAfterTxMs ?? 0);
  if (!windows && classA.includes(1)) throw new RangeError('class A devices need the ether\u2019s classAWindows');
  const state = new Float64Array(2 * n).fill(Number.NEGATIVE_INFINITY);
  const anyListens = classA.includes(1) || listensAfterTxMs.some((ms) => ms > 0);

  /**
   * Whether a class A device's receive window catches the frame: it starts inside RX1, or
   * inside RX2 of an uplink whose RX1 caught nothing (TS001-1.0.4 §3.3.2: a frame received in
   * RX1 means no RX2; a preamble caught in RX1 keeps the radio busy past RX2's opening).
   */
  function inReceiveWindow(receiver: number, tx: Transmission): boolean {
    const uplinkEndMs = state[receiver]!;
    const openMs = windows!.windowMs(tx.symbolMs);
    const rx1Ms = uplinkEndMs + windows!.delay1Ms;
    if (tx.startMs >= rx1Ms && tx.startMs <= rx1Ms + openMs) {
      state[n + receiver] = uplinkEndMs;
      return true;
    }
    const rx2Ms = uplinkEndMs + windows!.delay2Ms;
    return tx.startMs >= rx2Ms && tx.startMs <= rx2Ms + openMs && state[n + receiver] !== uplinkEndMs;
  }

  return {
    state,
    isClassA: (node) => classA[node] === 1,
    catches(receiver, tx) {
      if (classA[receiver]) return inReceiveWindow(receiver, tx);
      // Waiting for an ACK after its own frame, the radio listens whatever its schedule.
      const after = listensAfterTxMs[receiver]!;
      if (after > 0 && tx.startMs >= state[receiver]! && tx.startMs <= state[receiver]! + after) return true;
      return undefined;
    },
    // With no node that listens after its frames (no class A device, no peer MAC awaiting an
    // ACK), a frame's end is nothing to note: its sender's two columns are not read at all.
    sent: anyListens
      ? (tx) => {
          if (classA[tx.sender] || listensAfterTxMs[tx.sender]! > 0) state[tx.sender] = tx.endMs;
        }
      : () => undefined,
  };
}
