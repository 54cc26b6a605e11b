/**
 * What happens when a frame starts (ether.ts): the finite-path receivers (gateways) within its
 * reach claim a demodulator for it if they can detect it and have one free, and each addressed
 * receiver whose radio is on for the preamble catches it, told so (`rxStart`) if it asks.
 *
 * Whether a gateway can detect a frame takes the frame's shadowing draw there, and a frame has a
 * candidate gateway for every one within its reach (18 on average on a city's grid of 100
 * gateways). The draw is put off until it matters: while the frames that hold or may hold a
 * gateway's demodulators are fewer than its demodulators, a frame starting there cannot be
 * refused one, so it joins the gateway's unresolved claims and nothing is drawn. Only when they
 * are as many as its demodulators are the unresolved claims still on the air resolved (each
 * drawn: held if detectable) before the new frame's own claim is decided. Every claim thus ends as
 * it would have with every draw made at every start: a frame is refused a demodulator only when
 * the frames holding one at its start, all drawn, fill them.
 */
import type { Air } from './ether-air.ts';
import { transmittingDuring } from './channel-log.ts';
import { powerAt, type OnAir } from './on-air.ts';
import type { Transmission } from './transmission.ts';
import { catchTimeMs } from './wake-schedule.ts';
import { truncate } from '../sim/truncate.ts';

/** Claims the demodulators and records which addressed receivers catch the frame. */
export function startFrame(air: Air, onAir: OnAir): void {
  const tx = onAir.tx;
  const candidates = onAir.candidates;
  for (let i = 0; i < candidates.length; i++) {
    const receiver = candidates[i]!;
    if (receiver === tx.sender) continue;
    if (claimPath(air, receiver, onAir) === false) (onAir.noPath ??= []).push(receiver);
  }
  const targets = onAir.targets;
  if (targets === undefined) onAir.caught = catchOne(air, onAir, tx.destination);
  else for (let i = 0; i < targets.length; i++) onAir.caughtBy![i] = catchOne(air, onAir, targets[i]!) ? 1 : 0;
}

/**
 * Claims a demodulator at a finite-path receiver for the frame: false if it can detect the frame
 * and none is free, true if it holds one or may (an unresolved claim), undefined if it cannot
 * claim one (not detectable, or the receiver is transmitting).
 */
function claimPath(air: Air, receiver: number, onAir: OnAir): boolean | undefined {
  const tx = onAir.tx;
  if (transmittingDuring(air.logs, receiver, tx.startMs, tx.startMs)) return undefined;
  const locks = (air.pathLocks[receiver] ??= []);
  const claims = (air.pathClaims[receiver] ??= []);
  // The claims' ends beside them: pruning reads plain numbers, not each frame.
  const claimEnds = (air.pathClaimEnds[receiver] ??= []);
  const paths = air.nodes[receiver]!.receivePaths;
  // What has ended by now leaves only when the lists hold as many as the demodulators: before
  // that, even counting what has ended, one is free. In place (no array per claim, as splice
  // made), the rest in order.
  if (locks.length + claims.length >= paths) {
    let kept = 0;
    for (let i = 0; i < locks.length; i++) if (locks[i]! > tx.startMs) locks[kept++] = locks[i]!;
    truncate(locks, kept);
    kept = 0;
    for (let i = 0; i < claims.length; i++) {
      if (claimEnds[i]! > tx.startMs) {
        claimEnds[kept] = claimEnds[i]!;
        claims[kept++] = claims[i]!;
      }
    }
    truncate(claims, kept);
    truncate(claimEnds, kept);
  }
  if (locks.length + claims.length < paths) {
    claims.push(onAir);
    claimEnds.push(tx.endMs);
    return true;
  }
  for (let i = 0; i < claims.length; i++) if (detects(air, receiver, claims[i]!)) locks.push(claimEnds[i]!);
  truncate(claims, 0);
  truncate(claimEnds, 0);
  if (!detects(air, receiver, onAir)) return undefined;
  if (locks.length >= paths) return false;
  locks.push(tx.endMs);
  return true;
}

/** Whether `receiver` can detect the frame: its received power there reaches its sensitivity. */
function detects(air: Air, receiver: number, onAir: OnAir): boolean {
  const tx = onAir.tx;
  return powerAt(onAir, receiver, air.reach) >= air.reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz);
}

/** When the receiver's radio is on to catch this frame (its schedule, not dead), or undefined. */
function catches(air: Air, receiver: number, tx: Transmission): number | undefined {
  const windowed = air.listening.catches(receiver, tx);
  if (windowed === true && tx.startMs < air.deadFromMs[receiver]!) return tx.startMs;
  if (windowed !== undefined && air.listening.isClassA(receiver)) return undefined;
  const preambleMs = (tx.preambleSymbols + 4.25) * tx.symbolMs;
  const atMs = catchTimeMs(air.nodes[receiver]!.wake, tx.startMs, preambleMs);
  return atMs !== undefined && atMs < air.deadFromMs[receiver]! ? atMs : undefined;
}

/** Whether the target catches the frame, telling it when it locks on it (`rxStart`). */
function catchOne(air: Air, onAir: OnAir, receiver: number): boolean {
  const tx = onAir.tx;
  const atMs = catches(air, receiver, tx);
  if (atMs === undefined) return false;
  // The radio locks on what it can demodulate, unless it is itself transmitting.
  if (!air.nodes[receiver]!.notifiesRxStart) return true;
  const { reach } = air;
  const rxDbm = powerAt(onAir, receiver, reach);
  if (rxDbm >= reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz) && !transmittingDuring(air.logs, receiver, atMs, atMs)) {
    // The radio reports the caught preamble one processing delay later (its interrupt).
    air.output.deliver({ kind: 'rxStart', atMs: atMs + air.config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb: rxDbm - reach.noiseFloorDbm(receiver, tx.bandwidthHz) });
  }
  return true;
}
