import { milliwatts, overlapMs, type CollisionModel, type Signal } from './signal.ts';

/**
 * Minimum signal-to-interference ratio (dB) per (wanted SF, interfering SF), SF7…SF12: the
 * Goursaud & Gorce co-channel rejection table as ns-3 lorawan uses it
 * (`collisionSnirGoursaud` in model/lora-interference-helper.cc,
 * https://github.com/signetlabdei/lorawan/tree/82ea58a95c03ab158edfd81860ad614d1bf70ec6; values
 * sign-inverted with respect to the paper, as the code comment explains).
 */
export const goursaudSirDb: readonly (readonly number[])[] = [
  [6, -16, -18, -19, -19, -20],
  [-24, 6, -20, -22, -22, -22],
  [-27, -27, 6, -23, -25, -25],
  [-30, -30, -30, 6, -26, -28],
  [-33, -33, -33, -33, 6, -29],
  [-36, -36, -36, -36, -36, 6],
];

/**
 * ns-3's energy-based SIR test (`LoraInterferenceHelper::IsDestroyedByInterference`): for each
 * interfering SF, the interference energy is Σ P_i·overlap_i over the interferers of that SF;
 * the signal energy is P·duration; the frame is lost if 10·log10(E_signal / E_interference) is
 * below the matrix entry for any SF. Every SF interferes; only SF7–12 are defined.
 */
export const energySirCollision: CollisionModel = (wanted, interferers) => {
  if (interferers.length === 0) return false;
  return sirLost(wanted, interferenceEnergies(wanted, interferers, interferenceBySf));
};

/**
 * The interference energy per interfering SF (SF7…SF12, mW·ms) of `interferers` against
 * `wanted`, summed in their order into `energies` (zeroed first), which is returned.
 */
export function interferenceEnergies(wanted: Signal, interferers: readonly Signal[], energies: Float64Array): Float64Array {
  energies.fill(0);
  for (const other of interferers) energies[sfIndex(other.sf)]! += (other.rxPowerMw ?? milliwatts(other.rxPowerDbm)) * overlapMs(wanted, other);
  return energies;
}

/** An SF's place in the matrix (SF7…SF12: 0…5); a RangeError for any other. */
export function sfIndex(sf: number): number {
  const index = sf - 7;
  if (index < 0 || index > 5) throw new RangeError(`energy-sir covers SF7–12, got SF${sf}`);
  return index;
}

/** The matrix row of the wanted frame's SF: the SIR it needs against each interfering SF. */
export function sirRow(wanted: Signal): readonly number[] {
  const row = goursaudSirDb[wanted.sf - 7];
  if (!row) throw new RangeError(`energy-sir covers SF7–12, got SF${wanted.sf}`);
  return row;
}

/** Whether `energy` of interference destroys a signal of `signalEnergy` that needs `thresholdDb` of SIR against it. */
export const lostTo = (signalEnergy: number, energy: number, thresholdDb: number): boolean => energy > 0 && 10 * Math.log10(signalEnergy / energy) < thresholdDb;

/** Whether the energies per interfering SF destroy `wanted`: below the matrix entry for any SF. */
function sirLost(wanted: Signal, energies: Float64Array): boolean {
  const row = sirRow(wanted);
  const signalEnergy = signalEnergyOf(wanted);
  for (let index = 0; index < 6; index++) if (lostTo(signalEnergy, energies[index]!, row[index]!)) return true;
  return false;
}

/** The wanted frame's energy, mW·ms. */
export const signalEnergyOf = (wanted: Signal): number => milliwatts(wanted.rxPowerDbm) * (wanted.endMs - wanted.startMs);

/** The interference energy per interfering SF (SF7…SF12) of the test under way. */
const interferenceBySf = new Float64Array(6);
