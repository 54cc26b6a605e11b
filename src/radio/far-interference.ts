/**
 * Whether a frame collides at a receiver (reception-fate.ts), without drawing what cannot matter.
 *
 * Under energy-sir with every frame counting (`undetectable: always`, as ns-3 sums every event
 * on the channel), each frame on the channel anywhere in a city adds its energy at the
 * receiver, and a far one's power there is a shadowing draw of its own: on a grid of 100
 * gateways, several draws per frame decided. At a gateway out of a frame's reach, though, the
 * frame arrives below the gateway's sensitivity whatever the draw (ether-reach.ts), so its
 * energy is at most its overlap at the sensitivity. The test is first made with the near frames'
 * energies and that bound for the far ones; when it is sure either way it is the answer, and
 * only when it is not (the energies within the bound of a threshold) are the far frames drawn
 * and the full test made. The fates are those of the full test every time:
 * - adding energies never lowers a sum of non-negative numbers, rounding included, so a frame
 *   lost to the near frames alone (by more than `marginDb`) is lost to all of them;
 * - the full sum of an SF is at most the near one plus the bound, times (1 + 10⁻⁹) for rounding,
 *   so a frame that survives that (by more than `marginDb`) survives the full sum;
 * - an SF with no far frame has exactly the full test's sum (the same terms in the same order).
 */
import { energySirCollision, interferenceEnergies, lostTo, signalEnergyOf, sirRow } from './collision/energy-sir.ts';
import type { Signal } from './collision/index.ts';
import type { Air } from './ether-air.ts';
import { interferersAt, wantedSignal } from './interferers.ts';
import type { OnAir } from './on-air.ts';

/** Far above the rounding of a few sums and a log10 (~10⁻¹³ dB), far below any fate's margin. */
const marginDb = 1e-9;

/** Whether the frame, received at `rxDbm`, is destroyed at `receiver` by the frames overlapping it. */
export function collides(air: Air, onAir: OnAir, rxDbm: number, receiver: number): boolean {
  const { signals } = air;
  if (air.config.collision !== 'energy-sir' || air.undetectable !== 'always' || !Number.isFinite(air.nodes[receiver]!.receivePaths)) {
    return air.collide(wantedSignal(signals, onAir, rxDbm), interferersAt(air, onAir, receiver));
  }
  const farBound = signals.farBound.fill(0);
  const near = interferersAt(air, onAir, receiver, farBound);
  const wanted = wantedSignal(signals, onAir, rxDbm);
  if (signals.farCount === 0) return energySirCollision(wanted, near);
  const sure = boundedVerdict(wanted, interferenceEnergies(wanted, near, signals.nearEnergies), farBound, signals.farFrames);
  if (sure !== undefined) return sure;
  // The wanted signal is the pool's own: listing the interferers again leaves it as it is.
  return energySirCollision(wanted, interferersAt(air, onAir, receiver));
}

/** The verdict from the near energies, the far bound and the far frames' count per SF, or undefined when they leave it open. */
export function boundedVerdict(wanted: Signal, near: Float64Array, far: Float64Array, farFrames: Float64Array): boolean | undefined {
  const row = sirRow(wanted);
  const signalEnergy = signalEnergyOf(wanted);
  let open = false;
  for (let index = 0; index < 6; index++) {
    const energy = near[index]!;
    // No far frame at this SF: the near sum is the full test's own.
    if (farFrames[index] === 0) {
      if (lostTo(signalEnergy, energy, row[index]!)) return true;
      continue;
    }
    if (lostTo(signalEnergy, energy, row[index]! - marginDb)) return true;
    if (lostTo(signalEnergy, (energy + far[index]!) * (1 + 1e-9), row[index]! + marginDb)) open = true;
  }
  return open ? undefined : false;
}
