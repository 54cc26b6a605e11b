/**
 * Battery lifetime for every run (issue 17, point 9): each node's, simulated when it died in the
 * run, otherwise extrapolated from the run (its remaining charge at the average net charge it
 * drew per millisecond over the simulated window: a steady-state estimate, not a simulation to
 * the end), and the network's: the first death, 10 % of the battery nodes dead, half of them
 * dead. Mains nodes have none; a node that drew no net charge (harvest covered it) never dies
 * by extrapolation. Pure.
 *
 * @example
 * nodeLifetime({ death: undefined, chargeDrawnMc: 3600, chargeHarvestedMc: 0, remainingMah: 9 }, false, 3_600_000)
 * // { days: 0.416667, basis: 'extrapolated' }: 9 mAh more at 1 mAh an hour, after the first hour
 */
import type { EnergyTotals } from '../hw/energy-ledger.ts';
import { round } from './stats.ts';

/** How a lifetime was found: the node died in the run, it was extrapolated, or there is none to find. */
export type LifetimeBasis = 'died' | 'extrapolated' | 'mains' | 'noNetDrain';

export interface NodeLifetime {
  /** Days from the run's start to the node's death; null on mains or without net drain. */
  readonly days: number | null;
  readonly basis: LifetimeBasis;
}

const msPerDay = 86_400_000;

/** What a lifetime needs of a ledger's totals (EnergyTotals has it). */
export interface LifetimeEnergy extends Pick<EnergyTotals, 'chargeDrawnMc' | 'chargeHarvestedMc' | 'remainingMah'> {
  readonly death: { readonly atMs: number } | undefined;
}

/** One node's lifetime, from its ledger's totals over a window of `windowMs` from the start. */
export function nodeLifetime(energy: LifetimeEnergy, mains: boolean, windowMs: number): NodeLifetime {
  if (mains) return { days: null, basis: 'mains' };
  if (energy.death) return { days: round(energy.death.atMs / msPerDay, 6), basis: 'died' };
  const netDrawnMc = energy.chargeDrawnMc - energy.chargeHarvestedMc;
  if (!(netDrawnMc > 0) || !(windowMs > 0)) return { days: null, basis: 'noNetDrain' };
  const remainingMc = energy.remainingMah * 3600;
  return { days: round((windowMs + (remainingMc * windowMs) / netDrawnMc) / msPerDay, 6), basis: 'extrapolated' };
}

/** The k-th battery death of the network, or nulls when fewer than k nodes die at all. */
export interface NetworkDeath {
  readonly days: number | null;
  /** The node whose death it is. */
  readonly node: string | null;
  readonly basis: 'died' | 'extrapolated' | null;
}

export interface NetworkLifetime {
  /** Battery nodes counted (mains nodes are not). */
  readonly batteryNodes: number;
  readonly firstDeath: NetworkDeath;
  readonly tenPercentDead: NetworkDeath;
  readonly halfDead: NetworkDeath;
}

/** The network's lifetime from its nodes' (in node order, with their ids). */
export function networkLifetime(lifetimes: readonly NodeLifetime[], ids: readonly string[]): NetworkLifetime {
  const battery = lifetimes.filter((l) => l.basis !== 'mains').length;
  const dying = lifetimes
    .map((lifetime, i) => ({ lifetime, id: ids[i]!, i }))
    .filter((d) => d.lifetime.days !== null)
    .sort((a, b) => a.lifetime.days! - b.lifetime.days! || a.i - b.i);
  const death = (share: number): NetworkDeath => {
    if (battery === 0) return { days: null, node: null, basis: null };
    const d = dying[Math.max(1, Math.ceil(share * battery)) - 1];
    return d ? { days: d.lifetime.days, node: d.id, basis: d.lifetime.basis as 'died' | 'extrapolated' } : { days: null, node: null, basis: null };
  };
  return { batteryNodes: battery, firstDeath: death(0), tenPercentDead: death(0.1), halfDead: death(0.5) };
}
