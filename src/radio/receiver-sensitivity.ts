/**
 * The receivers' sensitivity and noise floor, worked out once per receiver profile (sensitivity
 * table, noise figure) and modulation (sensitivity.ts gives the figures), for the ether's reach
 * tests and fates (ether-reach.ts).
 */
import { noiseFloorDbm, sensitivityDbm } from './sensitivity.ts';
import type { EtherNode } from './ether-config.ts';

export interface ReceiverSensitivity {
  /** The receiver's sensitivity at that modulation (a RangeError when its table has none). */
  sensitivityDbm(receiver: number, sf: number, bandwidthHz: number): number;
  noiseFloorDbm(receiver: number, bandwidthHz: number): number;
  /** The lowest sensitivity among `receivers` at a modulation (remembered per set and modulation). */
  lowestDbm(receivers: readonly number[], sf: number, bandwidthHz: number): number;
}

export function createReceiverSensitivity(nodes: readonly EtherNode[]): ReceiverSensitivity {
  // Sensitivity and noise floor per receiver profile (table, noise figure) and modulation.
  const profiles = new Map<string, number>();
  const profileOf = Int32Array.from(nodes, (node) => {
    const key = `${node.sensitivityTable}/${node.noiseFigureDb}`;
    let id = profiles.get(key);
    if (id === undefined) profiles.set(key, (id = profiles.size));
    return id;
  });
  // Sensitivity and noise floor per (profile, SF, bandwidth), in a flat array: a bandwidth gets
  // a small number the first time it is seen (a scenario uses a few), NaN marks what is not known yet.
  const bandwidthSlot = new Map<number, number>();
  let cache = new Float64Array(0);
  const slotsPerProfile = (): number => 17 * (bandwidthSlot.size + 1);
  function cacheIndex(profile: number, sf: number, bandwidthHz: number): number {
    let b = bandwidthSlot.get(bandwidthHz);
    if (b === undefined) {
      bandwidthSlot.set(bandwidthHz, (b = bandwidthSlot.size));
      const grown = new Float64Array(profiles.size * slotsPerProfile()).fill(Number.NaN);
      // Entries move with the layout: simplest is to start the cache again.
      cache = grown;
    }
    // Per profile: 16 SF slots and one noise-floor slot per bandwidth.
    return profile * slotsPerProfile() + b * 17 + sf;
  }

  function sensitivity(receiver: number, sf: number, bandwidthHz: number): number {
    const index = cacheIndex(profileOf[receiver]!, sf, bandwidthHz);
    const known = cache[index]!;
    if (known === known) return known;
    const node = nodes[receiver]!;
    const value = sensitivityDbm(node.sensitivityTable, sf, bandwidthHz, node.noiseFigureDb);
    if (value === undefined) throw new RangeError(`sensitivity table ${node.sensitivityTable} has no entry for SF${sf}/${bandwidthHz / 1e3} kHz`);
    cache[index] = value;
    return value;
  }

  const lowest = new Map<readonly number[], Map<number, number>>();
  function lowestDbm(receivers: readonly number[], sf: number, bandwidthHz: number): number {
    let bySet = lowest.get(receivers);
    if (!bySet) lowest.set(receivers, (bySet = new Map()));
    const key = sf * 1e7 + bandwidthHz;
    let value = bySet.get(key);
    if (value === undefined) {
      value = Number.POSITIVE_INFINITY;
      const seen = new Set<number>();
      for (const r of receivers) {
        if (seen.has(profileOf[r]!)) continue;
        seen.add(profileOf[r]!);
        value = Math.min(value, sensitivity(r, sf, bandwidthHz));
      }
      bySet.set(key, value);
    }
    return value;
  }

  return {
    sensitivityDbm: sensitivity,
    noiseFloorDbm(receiver, bandwidthHz) {
      const index = cacheIndex(profileOf[receiver]!, 16, bandwidthHz);
      const known = cache[index]!;
      if (known === known) return known;
      return (cache[index] = noiseFloorDbm(bandwidthHz, nodes[receiver]!.noiseFigureDb));
    },
    lowestDbm,
  };
}
