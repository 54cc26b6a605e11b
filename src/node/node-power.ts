/**
 * What powers a node: a battery (with its rail, brown-out threshold and optional harvester) or
 * mains. Mains is modelled as an ideal source (constant voltage, no internal resistance, no
 * capacity limit) so that the same energy ledger books mains-powered nodes too.
 */
import type { BatteryProfile } from '../hw/battery-profiles.ts';
import type { Rail } from '../hw/energy-ledger.ts';
import type { Harvester } from '../hw/solar.ts';

export interface NodePower {
  readonly battery: BatteryProfile;
  readonly mains: boolean;
  readonly initialStateOfCharge: number;
  readonly rail: Rail;
  /** The max of the MCU's brown-out threshold and the radio's minimum supply. */
  readonly brownOutV: number;
  readonly harvest?: Harvester;
  /** Voltage at which MCU power figures turn into battery current (rail or nominal voltage). */
  readonly supplyV: number;
}

/** An ideal mains supply at `voltageV`, as a battery profile that never runs down. */
export function mainsSupply(voltageV: number): BatteryProfile {
  return {
    id: 'mains',
    chemistry: 'mains',
    nominalVoltageV: voltageV,
    cutOffVoltageV: 0,
    capacityMah: 1e15,
    referenceCurrentMa: 1,
    openCircuitVoltage: [
      [0, voltageV],
      [1, voltageV],
    ],
    internalResistanceOhm: 0,
    peukertExponent: 1,
  } as BatteryProfile;
}
