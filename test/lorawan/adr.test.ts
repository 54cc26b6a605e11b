/** ADR's step arithmetic on worked examples: ChirpStack's network algorithm and the 1.0.4 device back-off (Table 9). */
import { describe, expect, it } from 'vitest';
import { deviceBackoff, networkAdr, type AdrUplink } from '../../src/lorawan/adr.ts';
import { regions } from '../../src/radio/regions.ts';

// EU868: DR0–5 are SF12…SF7; TX power indices 0–7 (16 dBm − 2·index EIRP); ChirpStack's 10 dB installation margin.
const eu868 = { sfOf: (dr: number) => regions.eu868.dataRates[dr]!.sf, maxDataRate: 5, maxTxPowerIndex: 7, installationMarginDb: 10 };
const history = (snrs: readonly number[], txPowerIndex = 0, firstFCnt = 0): AdrUplink[] => snrs.map((maxSnrDb, i) => ({ fCnt: firstFCnt + i, maxSnrDb, txPowerIndex }));
const atSf12 = { dataRate: 0, txPowerIndex: 0, nbTrans: 1 };

describe('network ADR (ChirpStack default)', () => {
  it('takes a device at SF12 with +5 dB to DR5: margin 5 + 20 − 10 = 15 dB, 5 steps, all data rate', () => {
    expect(networkAdr(atSf12, history([5]), eu868)).toEqual({ dataRate: 5, txPowerIndex: 0, nbTrans: 1 });
  });

  it('spends steps past the highest data rate on power: +12 dB is 22 dB of margin, 7 steps, DR5 and 2 power steps (12 dBm)', () => {
    expect(networkAdr(atSf12, history([12]), eu868)).toEqual({ dataRate: 5, txPowerIndex: 2, nbTrans: 1 });
  });

  it('uses the largest SNR of the history, and truncates toward zero: −2 dB of margin is no step', () => {
    expect(networkAdr(atSf12, history([-30, -12, -25]), eu868)).toEqual(atSf12);
    // SF9 needs −12.5 dB: +1.2 → 3.7 dB of margin, 1 step.
    expect(networkAdr({ dataRate: 3, txPowerIndex: 0, nbTrans: 1 }, history([1.2]), eu868).dataRate).toBe(4);
  });

  it('raises power for a negative margin only over a full history at the current power, never lowering the data rate', () => {
    const weak = { dataRate: 5, txPowerIndex: 5, nbTrans: 1 };
    // SF7 needs −7.5 dB: −11 → −13.5 dB of margin, −4 steps (−4.5 truncated): index 5 → 1.
    expect(networkAdr(weak, history(Array(20).fill(-11), 5), eu868)).toEqual({ dataRate: 5, txPowerIndex: 1, nbTrans: 1 });
    expect(networkAdr(weak, history(Array(19).fill(-11), 5), eu868)).toEqual(weak);
    expect(networkAdr(weak, [...history(Array(19).fill(-11), 5), { fCnt: 19, maxSnrDb: -11, txPowerIndex: 4 }], eu868)).toEqual(weak);
  });

  it('sets NbTrans from the uplinks lost in a full history (its frame-counter gaps)', () => {
    // 20 uplinks over 24 frame counts: 4 of 24 lost, 16.7 %: NbTrans 1 → 2.
    const lossy = history(Array(20).fill(0)).map((uplink, i) => ({ ...uplink, fCnt: i < 10 ? i : i + 4 }));
    expect(networkAdr({ dataRate: 5, txPowerIndex: 7, nbTrans: 1 }, lossy, eu868).nbTrans).toBe(2);
    expect(networkAdr({ dataRate: 5, txPowerIndex: 7, nbTrans: 1 }, history(Array(20).fill(0)), eu868).nbTrans).toBe(1);
  });
});

describe('device ADR back-off (TS001-1.0.4 §4.3.1.1, Table 9)', () => {
  const start = { dataRate: 1, txPowerIndex: 3, nbTrans: 3 };
  it.each([
    [63, { dataRate: 1, txPowerIndex: 3, nbTrans: 3, adrAckReq: false }],
    [64, { dataRate: 1, txPowerIndex: 3, nbTrans: 3, adrAckReq: true }],
    [95, { dataRate: 1, txPowerIndex: 3, nbTrans: 3, adrAckReq: true }],
    [96, { dataRate: 1, txPowerIndex: 0, nbTrans: 3, adrAckReq: true }],
    [128, { dataRate: 0, txPowerIndex: 0, nbTrans: 3, adrAckReq: true }],
  ])('after %i uplinks without a downlink: %o', (count, expected) => {
    expect(deviceBackoff(count, start, 0)).toEqual(expected);
  });

  it('at the lowest data rate, NbTrans goes back to 1 at the next step (160)', () => {
    const atDr0 = { dataRate: 0, txPowerIndex: 0, nbTrans: 3 };
    expect(deviceBackoff(159, atDr0, 0)).toEqual({ ...atDr0, adrAckReq: true });
    expect(deviceBackoff(160, atDr0, 0)).toEqual({ dataRate: 0, txPowerIndex: 0, nbTrans: 1, adrAckReq: true });
  });
});
