/** Class A receive windows per region: RP002-1.0.4 delays, RX1 channel and data rate, RX2 defaults. */
import { describe, expect, it } from 'vitest';
import { classATiming, receiveWindows, rx1, rx2 } from '../../src/lorawan/receive-windows.ts';

describe('class A timing (RP002-1.0.4 §3.3)', () => {
  it('opens RX1 1 s and RX2 2 s after the uplink, retransmits 1–3 s after RX2, backs ADR off at 64 and every 32', () => {
    expect(classATiming).toEqual({ receiveDelay1Ms: 1000, receiveDelay2Ms: 2000, retransmitTimeoutMinMs: 1000, retransmitTimeoutMaxMs: 3000, adrAckLimit: 64, adrAckDelay: 32 });
  });
});

describe('RX1 and RX2 per region', () => {
  it('EU868: RX1 on the uplink channel at DR − RX1DROffset (not below DR0); RX2 869.525 MHz DR0', () => {
    const eu = receiveWindows.eu868!;
    expect(rx1(eu, { channelHz: 868.3e6, dataRate: 5 }, 0)).toEqual({ channelHz: 868.3e6, dataRate: 5 });
    expect(rx1(eu, { channelHz: 868.3e6, dataRate: 5 }, 3)).toEqual({ channelHz: 868.3e6, dataRate: 2 });
    expect(rx1(eu, { channelHz: 868.1e6, dataRate: 1 }, 5)).toEqual({ channelHz: 868.1e6, dataRate: 0 });
    expect(rx2(eu)).toEqual({ channelHz: 869.525e6, dataRate: 0 });
    expect(() => rx1(eu, { channelHz: 868.1e6, dataRate: 1 }, 6)).toThrow('no RX1 data rate for uplink DR1 at RX1DROffset 6');
  });

  it('US915: RX1 on downlink channel (uplink channel mod 8) at RP 1.0.3revA Table 17\'s data rate; RX2 923.3 MHz DR8', () => {
    const us = receiveWindows.us915!;
    // Uplink channel 9 (904.1 MHz) → downlink channel 1, 923.9 MHz; DR2 → DR12 at offset 0, DR9 at offset 3.
    expect(rx1(us, { channelHz: 904.1e6, dataRate: 2 }, 0)).toEqual({ channelHz: 923.9e6, dataRate: 12 });
    expect(rx1(us, { channelHz: 904.1e6, dataRate: 2 }, 3)).toEqual({ channelHz: 923.9e6, dataRate: 9 });
    // 500 kHz uplink channel 65 (904.6 MHz) → downlink channel 1; DR4 → DR13.
    expect(rx1(us, { channelHz: 904.6e6, dataRate: 4 }, 0)).toEqual({ channelHz: 923.9e6, dataRate: 13 });
    // Channel 0 and channel 63 (914.9 MHz) → downlink 0 and 7.
    expect(rx1(us, { channelHz: 902.3e6, dataRate: 0 }, 0).channelHz).toBe(923.3e6);
    expect(rx1(us, { channelHz: 914.9e6, dataRate: 0 }, 0).channelHz).toBe(927.5e6);
    expect(rx2(us)).toEqual({ channelHz: 923.3e6, dataRate: 8 });
  });

  it('AU915: channel 8 (916.8 MHz) answers on 923.3 MHz; DR5 → DR13, DR2 at offset 2 → DR8; RX2 923.3 MHz DR8', () => {
    const au = receiveWindows.au915!;
    expect(rx1(au, { channelHz: 916.8e6, dataRate: 5 }, 0)).toEqual({ channelHz: 923.3e6, dataRate: 13 });
    expect(rx1(au, { channelHz: 917.0e6, dataRate: 2 }, 2)).toEqual({ channelHz: 923.9e6, dataRate: 8 });
    expect(rx2(au)).toEqual({ channelHz: 923.3e6, dataRate: 8 });
  });

  it('AS923-1 (downlink dwell on): RX1 on the uplink channel, never below DR2, offsets 6 and 7 raise the rate; RX2 923.2 MHz DR2', () => {
    const as = receiveWindows.as923!;
    expect(rx1(as, { channelHz: 923.4e6, dataRate: 5 }, 0)).toEqual({ channelHz: 923.4e6, dataRate: 5 });
    expect(rx1(as, { channelHz: 923.4e6, dataRate: 3 }, 2)).toEqual({ channelHz: 923.4e6, dataRate: 2 });
    expect(rx1(as, { channelHz: 923.4e6, dataRate: 5 }, 6)).toEqual({ channelHz: 923.4e6, dataRate: 6 });
    expect(rx1(as, { channelHz: 923.4e6, dataRate: 6 }, 7)).toEqual({ channelHz: 923.4e6, dataRate: 7 });
    expect(rx2(as)).toEqual({ channelHz: 923.2e6, dataRate: 2 });
  });
});
