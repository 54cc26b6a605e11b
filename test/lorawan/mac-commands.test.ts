/** LoRaWAN FCtrl and MAC commands against byte strings from a reference implementation (ChirpStack's lrwn tests) and the specification. */
import { describe, expect, it } from 'vitest';
import { decodeFrameControl, decodeLinkAdrAns, decodeLinkAdrReq, encodeFrameControl, encodeLinkAdrAns, encodeLinkAdrReq, encodeLinkCheckAns } from '../../src/lorawan/mac-commands.ts';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const control = (bits: Partial<{ adr: boolean; adrAckReq: boolean; ack: boolean; bit4: boolean }>, fOptsLength: number) => ({ adr: false, adrAckReq: false, ack: false, bit4: false, ...bits, fOptsLength });

describe('FCtrl (TS001-1.0.4 Tables 7 and 8)', () => {
  // chirpstack lrwn/src/fhdr.rs tests @d77207cd362d: https://github.com/chirpstack/chirpstack
  it.each([
    [control({ adr: true }, 2), 0x82],
    [control({ adrAckReq: true }, 3), 0x43],
    [control({ ack: true }, 4), 0x24],
    [control({ bit4: true }, 5), 0x15],
    [control({ adr: true, adrAckReq: true, ack: true, bit4: true }, 6), 0xf6],
  ])('%o is 0x%s', (fields, octet) => {
    expect(encodeFrameControl(fields)).toBe(octet);
    expect(decodeFrameControl(octet)).toEqual(fields);
  });

  it('refuses FOpts longer than 15 octets', () => {
    expect(() => encodeFrameControl(control({}, 16))).toThrow('FOptsLen must be an integer 0..15, got 16');
  });
});

describe('LinkADRReq and LinkADRAns (TS001-1.0.4 §5.2)', () => {
  it('encodes DR1, TXPower 2, channel 2 only, ChMaskCntl 4, NbTrans 5 as 03 12 04 00 45 (chirpstack lrwn/src/maccommand.rs tests)', () => {
    const req = { dataRate: 1, txPowerIndex: 2, channelMask: 0x0004, channelMaskControl: 4, nbTrans: 5 };
    expect(hex(encodeLinkAdrReq(req))).toBe('03 12 04 00 45');
    expect(decodeLinkAdrReq(encodeLinkAdrReq(req))).toEqual(req);
  });

  it('decodes an AU915 request seen on air, 03 60 02 00 71: DR6, TXPower 0, channel 1 of its block, ChMaskCntl 7, NbTrans 1', () => {
    // https://thethingsnetwork.org/forum/t/lmic-library-always-does-unwanted-downlink/21293/8
    expect(decodeLinkAdrReq(Uint8Array.of(0x03, 0x60, 0x02, 0x00, 0x71))).toEqual({ dataRate: 6, txPowerIndex: 0, channelMask: 0x0002, channelMaskControl: 7, nbTrans: 1 });
  });

  it('puts the channel mask little-endian, and 15 for "keep the current data rate or power" (1.0.4)', () => {
    expect(hex(encodeLinkAdrReq({ dataRate: 15, txPowerIndex: 15, channelMask: 0xff00, channelMaskControl: 0, nbTrans: 0 }))).toBe('03 ff 00 ff 00');
  });

  it('answers all-accepted as 03 07 and channel mask only as 03 01', () => {
    expect(hex(encodeLinkAdrAns({ powerAck: true, dataRateAck: true, channelMaskAck: true }))).toBe('03 07');
    expect(hex(encodeLinkAdrAns({ powerAck: false, dataRateAck: false, channelMaskAck: true }))).toBe('03 01');
    expect(decodeLinkAdrAns(Uint8Array.of(0x03, 0x06))).toEqual({ powerAck: true, dataRateAck: true, channelMaskAck: false });
  });

  it('refuses fields out of their bits, and bytes that are not a LinkADRReq', () => {
    expect(() => encodeLinkAdrReq({ dataRate: 16, txPowerIndex: 0, channelMask: 1, channelMaskControl: 0, nbTrans: 1 })).toThrow('DataRate must be an integer 0..15, got 16');
    expect(() => encodeLinkAdrReq({ dataRate: 0, txPowerIndex: 0, channelMask: 0x10000, channelMaskControl: 0, nbTrans: 1 })).toThrow('ChMask must be 16 bits');
    expect(() => decodeLinkAdrReq(Uint8Array.of(0x02, 0, 0, 0, 0))).toThrow('a LinkADRReq is 5 octets starting with 0x03, got 02 00 00 00 00');
  });
});

describe('LinkCheckAns (TS001-1.0.4 §5.1)', () => {
  it('carries the margin in dB and the gateway count', () => {
    expect(hex(encodeLinkCheckAns(20, 3))).toBe('02 14 03');
    expect(() => encodeLinkCheckAns(255, 1)).toThrow('Margin must be an integer 0..254 dB, got 255');
  });
});
