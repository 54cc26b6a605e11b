import { describe, expect, it } from 'vitest';
import { batteryProfiles } from '../../src/hw/battery-profiles.ts';
import { capacityUc } from '../../src/hw/battery.ts';
import { createEnergyLedgers, energyStateIndex, type LedgerConfig } from '../../src/hw/energy-ledgers.ts';

const configs: LedgerConfig[] = [
  { battery: batteryProfiles.cr2032, rail: { type: 'direct' }, brownOutV: 1.8, startMs: 0 },
  { battery: batteryProfiles.cr2032, rail: { type: 'ldo', voltageV: 2.5, dropoutV: 0.2 }, brownOutV: 1.8, startMs: 0 },
];

/** A few bookings at two currents, as a node's transmissions and sleep would make them. */
function book(ledgers: ReturnType<typeof createEnergyLedgers>, fromMs: number): void {
  for (let k = 0; k < 5; k++) {
    const atMs = fromMs + k * 60_000;
    for (let n = 0; n < 2; n++) {
      ledgers.transition2(n, atMs, energyStateIndex.sleep, 0.002, energyStateIndex.transmit, 44);
      ledgers.transition2(n, atMs + 70, energyStateIndex.sleep, 0.002, energyStateIndex.sleep, 0.0002);
    }
  }
}

describe('energy ledgers: checkpoints', () => {
  it('keep the books as they always did (42 fields a node, the memos apart) and take them back, constants and all', () => {
    const ledgers = createEnergyLedgers(configs);
    book(ledgers, 1000);
    const saved = ledgers.checkpoint();
    expect([saved.r.length, saved.memo.length, saved.memoNext.length]).toEqual([2 * 42, 2 * 16, 2]);
    // A node's books open with its charge, then its current: the field order checkpoints had.
    expect(saved.r[0]).toBeLessThan(capacityUc(batteryProfiles.cr2032));
    expect([saved.r[1], saved.r[42 + 1]]).toEqual([0.0022, 0.0022]);
    // Three currents met (0 mA as opened, 44.002 and 0.0022 mA): three memo entries each, the fourth next.
    expect(Array.from(saved.memoNext)).toEqual([3, 3]);
    expect([saved.memo[0], saved.memo[4], saved.memo[8], saved.memo[12]]).toEqual([0, 44.002, 0.0022, Number.NaN]);

    const back = createEnergyLedgers(configs);
    back.restore(saved);
    book(ledgers, 400_000);
    book(back, 400_000);
    expect([back.totals(0), back.totals(1), back.stateOfCharge(1)]).toEqual([ledgers.totals(0), ledgers.totals(1), ledgers.stateOfCharge(1)]);
    expect(() => createEnergyLedgers(configs.slice(0, 1)).restore(saved)).toThrow('checkpoint: energy ledgers has 84 entries, the scenario gives 42');
  });
});
