/**
 * What happens when a frame starts (ether.ts): the finite-path receivers (gateways) within its
 * reach claim a demodulator for it if they can detect it and have one free, and each addressed
 * receiver whose radio is on for the preamble catches it, told so (`rxStart`) if it asks.
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
  if (candidates.length > 0) {
    const powers = (onAir.candidatePowers = air.reach.pathPowers(tx, candidates));
    for (let i = 0; i < candidates.length; i++) {
      const receiver = candidates[i]!;
      if (receiver === tx.sender) continue;
      if (claimPath(air, receiver, tx, powers[i]!) === false) (onAir.noPath ??= []).push(receiver);
    }
  }
  const targets = onAir.targets;
  if (targets === undefined) onAir.caught = catchOne(air, onAir, tx.destination);
  else for (let i = 0; i < targets.length; i++) onAir.caughtBy![i] = catchOne(air, onAir, targets[i]!) ? 1 : 0;
}

/** Claims a demodulator at a finite-path receiver for a detectable frame; false if none free. */
function claimPath(air: Air, receiver: number, tx: Transmission, rxDbm: number): boolean | undefined {
  if (rxDbm < air.reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz) || transmittingDuring(air.logs, receiver, tx.startMs, tx.startMs)) return undefined;
  const locks = (air.pathLocks[receiver] ??= []);
  // The locks released by now leave in place (no array per claim, as splice made), the others keep their order.
  let kept = 0;
  for (let i = 0; i < locks.length; i++) if (locks[i]! > tx.startMs) locks[kept++] = locks[i]!;
  truncate(locks, kept);
  if (locks.length >= air.nodes[receiver]!.receivePaths) return false;
  locks.push(tx.endMs);
  return true;
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
