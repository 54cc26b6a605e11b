/**
 * A frame on the air, as the ether holds it (ether.ts): its transmission, start order, addressed
 * receivers, what they caught and the received powers worked out so far.
 */
import type { EtherReach } from './ether-reach.ts';
import type { Transmission } from './transmission.ts';
import { milliwatts } from './collision/signal.ts';

/**
 * Kept small (a unicast frame allocates this one object): the first two received powers it
 * needs are held in fields, any more in `morePowers`.
 */
export interface OnAir {
  readonly tx: Transmission;
  readonly order: number;
  /** The broadcast's targets, by index; undefined for a unicast frame (its target is tx.destination). */
  readonly targets: readonly number[] | undefined;
  /** A unicast frame's target caught its preamble. */
  caught: boolean;
  /** Per broadcast target: 1 when its radio caught the preamble. */
  readonly caughtBy: Uint8Array | undefined;
  /** Finite-path receivers that had no demodulator free at the frame's start. */
  noPath: number[] | undefined;
  /** The finite-path receivers the frame could reach (ascending): where it may claim a demodulator (frame-start.ts). */
  candidates: readonly number[];
  /**
   * The received powers computed so far, each when first asked: two receivers (−1: none) in
   * fields; then, for a frame with more than two candidates, a candidate's by its place among them
   * (NaN: not yet; a frame addressed to every gateway is decided at each); any other's in pairs
   * [receiver, dBm, …].
   */
  receiver0: number;
  power0: number;
  receiver1: number;
  power1: number;
  candidatePowers: number[] | undefined;
  morePowers: number[] | undefined;
  /** The received power in milliwatts at the receiver that last weighed this frame as an interferer (−1: none). */
  mwReceiver: number;
  mw: number;
}

/** A frame just put on the air: nothing caught, no power known yet. */
export function createOnAir(tx: Transmission, order: number, targets: readonly number[] | undefined, candidates: readonly number[]): OnAir {
  return {
    tx,
    order,
    targets,
    caught: false,
    caughtBy: targets === undefined ? undefined : new Uint8Array(targets.length),
    noPath: undefined,
    candidates,
    receiver0: -1,
    power0: 0,
    receiver1: -1,
    power1: 0,
    candidatePowers: undefined,
    morePowers: undefined,
    mwReceiver: -1,
    mw: 0,
  };
}

/**
 * The frame's received power at `receiver` in milliwatts, `rxDbm` being its `powerAt` there: an
 * interferer is weighed against every frame it overlaps at the same receiver, so the one
 * conversion is kept (for the last receiver asked, which with one gateway is every time).
 */
export function milliwattsAt(onAir: OnAir, receiver: number, rxDbm: number): number {
  if (onAir.mwReceiver !== receiver) {
    onAir.mwReceiver = receiver;
    onAir.mw = milliwatts(rxDbm);
  }
  return onAir.mw;
}

/**
 * The frame's received power at `receiver`, worked out once (by `reach`) and kept on the frame:
 * only where something asks for it (a fate, an interferer's weight, a demodulator's claim when
 * the receiver's demodulators may all be busy), since a keyed draw costs more than the rest of
 * a frame's start at a receiver.
 */
export function powerAt(onAir: OnAir, receiver: number, reach: EtherReach): number {
  if (onAir.receiver0 === receiver) return onAir.power0;
  if (onAir.receiver1 === receiver) return onAir.power1;
  const place = onAir.candidates.length > 2 ? placeAmong(onAir.candidates, receiver) : -1;
  if (place >= 0) {
    const kept = onAir.candidatePowers?.[place];
    if (kept !== undefined && kept === kept) return kept;
  } else {
    const more = onAir.morePowers;
    if (more) for (let i = 0; i < more.length; i += 2) if (more[i] === receiver) return more[i + 1]!;
  }
  const rxDbm = reach.powerDbm(onAir.tx, receiver);
  if (onAir.receiver0 < 0) {
    onAir.receiver0 = receiver;
    onAir.power0 = rxDbm;
  } else if (onAir.receiver1 < 0) {
    onAir.receiver1 = receiver;
    onAir.power1 = rxDbm;
  } else if (place >= 0) (onAir.candidatePowers ??= new Array<number>(onAir.candidates.length).fill(Number.NaN))[place] = rxDbm;
  else (onAir.morePowers ??= []).push(receiver, rxDbm);
  return rxDbm;
}

/** The place of `receiver` among the frame's candidates (ascending), or −1. */
export function placeAmong(candidates: readonly number[], receiver: number): number {
  let low = 0;
  let high = candidates.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const value = candidates[middle]!;
    if (value < receiver) low = middle + 1;
    else if (value > receiver) high = middle - 1;
    else return middle;
  }
  return -1;
}

/** The order in which frames' fates are decided: by end, then start order. */
export const byEndThenOrder = (a: OnAir, b: OnAir): number => a.tx.endMs - b.tx.endMs || a.order - b.order;
