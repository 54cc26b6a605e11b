/**
 * A frame's fates, decided once its end has passed and every interferer is known (ether.ts).
 * Fate precedence at one receiver: lostHalfDuplex (it was transmitting) → asleep (its radio was
 * off: asleep by its schedule, or dead) → underSensitivity → noReceivePath (all demodulators
 * busy at the frame's start) → collided (the collision model) → dropped (extra loss) → received.
 */
import { keyedUniform4 } from '../sim/keyed-random.ts';
import type { Air } from './ether-air.ts';
import { transmittingDuring } from './channel-log.ts';
import { collides } from './far-interference.ts';
import { byEndThenOrder, powerAt, type OnAir } from './on-air.ts';
import type { Fate } from './transmission.ts';
import { truncate } from '../sim/truncate.ts';

/** Decides every pending frame that ended at or before `nowMs`, in (end, start order). */
export function decideUntil(air: Air, nowMs: number): void {
  if (air.firstEndMs > nowMs) return;
  const { pending, due } = air;
  // The frames due leave `pending` in place, kept in the order they were applied.
  let firstEndMs = Number.POSITIVE_INFINITY;
  let kept = 0;
  for (let i = 0; i < pending.length; i++) {
    const frame = pending[i]!;
    if (frame.tx.endMs <= nowMs) due.push(frame);
    else {
      pending[kept++] = frame;
      firstEndMs = Math.min(firstEndMs, frame.tx.endMs);
    }
  }
  air.firstEndMs = firstEndMs;
  truncate(pending, kept);
  if (due.length > 1) due.sort(byEndThenOrder);
  for (let i = 0; i < due.length; i++) {
    air.undecided--;
    decideFrame(air, due[i]!);
  }
  truncate(due, 0);
}

/** The fates of a frame at each addressed receiver. */
function decideFrame(air: Air, frame: OnAir): void {
  const { targets, noPath } = frame;
  if (targets === undefined) {
    const receiver = frame.tx.destination;
    decide(air, frame, receiver, noPath !== undefined && noPath.includes(receiver), frame.caught);
    return;
  }
  for (let i = 0; i < targets.length; i++) decide(air, frame, targets[i]!, noPath !== undefined && noPath.includes(targets[i]!), frame.caughtBy![i] === 1);
}

function decide(air: Air, onAir: OnAir, receiver: number, noPath: boolean, caught: boolean): void {
  const { config, nodes, reach, deadFromMs, output } = air;
  const tx = onAir.tx;
  const rxDbm = powerAt(onAir, receiver, reach);
  const snrDb = rxDbm - reach.noiseFloorDbm(receiver, tx.bandwidthHz);
  let fate: Fate;
  if (transmittingDuring(air.logs, receiver, tx.startMs, tx.endMs)) fate = 'lostHalfDuplex';
  // Not caught, or the receiver died before the frame ended (a death mid-reception loses it).
  else if (!caught || deadFromMs[receiver]! < tx.endMs) fate = 'asleep';
  else if (rxDbm < reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz)) fate = 'underSensitivity';
  else if (noPath) fate = 'noReceivePath';
  else if (collides(air, onAir, rxDbm, receiver)) fate = 'collided';
  else if (config.extraLossProbability > 0 && keyedUniform4(config.seed, 3, nodes[tx.sender]!.key, tx.seq, nodes[receiver]!.key) < config.extraLossProbability) fate = 'dropped';
  else fate = 'received';
  output.reception(tx, receiver, fate, rxDbm, snrDb);
  if (fate === 'received') {
    output.deliver({ kind: 'frame', atMs: tx.endMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb });
  } else if (nodes[receiver]!.reportsRxError === true && caught && rxDbm >= reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz) && deadFromMs[receiver]! > tx.endMs) {
    // The window locked on it (its rxStart went out): the radio reports the failure.
    output.deliver({ kind: 'rxError', atMs: tx.endMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb });
  }
}
