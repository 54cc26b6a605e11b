/**
 * LoRaWAN data frames as bytes (TS001-1.0.4 §4): the downlink a network server sends (ACK and
 * LinkADRReq in FOpts), an uplink re-stamped with its FCtrl and a LinkADRAns, and the
 * preamble-detection time of a receive window (LoRaMac-node's RegionCommon.c).
 */
import { describe, expect, it } from 'vitest';
import { downlinkFrame, macCommands, mhdr, readHeader, stampUplink } from '../../src/lorawan/frames.ts';
import { encodeLinkAdrAns, encodeLinkAdrReq } from '../../src/lorawan/mac-commands.ts';
import { receiveWindowMs } from '../../src/lorawan/receive-windows.ts';
import { encodeFrame, framePayload, framePort, portMessage } from '../../src/radio/framing.ts';
import { crc32Of } from '../../src/radio/crc32.ts';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('LoRaWAN frames', () => {
  it('writes a downlink: MHDR 0x60, DevAddr little-endian, FCtrl with ADR, ACK and FOptsLen, FCnt, FOpts, MIC', () => {
    const fOpts = encodeLinkAdrReq({ dataRate: 5, txPowerIndex: 2, channelMask: 0x0007, channelMaskControl: 0, nbTrans: 1 });
    const bytes = downlinkFrame({ devAddr: 0x01020304, fCnt: 0x0105, control: { adr: true, adrAckReq: false, ack: true, bit4: false, fOptsLength: 0 }, fOpts });
    expect(hex(bytes.subarray(0, 13))).toBe('60 04 03 02 01 a5 05 01 03 52 07 00 01');
    expect(bytes.length).toBe(8 + 5 + 4);
    const mic = crc32Of(bytes, 13);
    expect(Array.from(bytes.subarray(13))).toEqual([mic & 0xff, (mic >>> 8) & 0xff, (mic >>> 16) & 0xff, mic >>> 24]);
    const header = readHeader(bytes);
    expect(header).toMatchObject({ mhdr: mhdr.unconfirmedDown, devAddr: 0x01020304, fCnt: 0x0105, control: { adr: true, ack: true, fOptsLength: 5 } });
    expect(macCommands(header.fOpts, { 3: 4 }).map((c) => [c.cid, hex(c.payload)])).toEqual([[3, '52 07 00 01']]);
  });

  it('re-stamps an uplink as confirmed with ADR, ADRACKReq and a LinkADRAns, keeping its FCnt, FPort and payload', () => {
    const plain = encodeFrame('lorawan', { source: 9, destination: 0xfffe, seq: 42, port: portMessage }, Uint8Array.of(1, 2, 3));
    const stamped = stampUplink(plain, true, { adr: true, adrAckReq: true, ack: false, bit4: false }, encodeLinkAdrAns({ powerAck: true, dataRateAck: true, channelMaskAck: true }));
    expect(hex(stamped.subarray(0, 14))).toBe('80 09 00 00 00 c2 2a 00 03 07 01 01 02 03');
    expect(stamped.length).toBe(plain.length + 2);
    expect(framePort('lorawan', stamped)).toBe(portMessage);
    expect(Array.from(framePayload('lorawan', stamped))).toEqual([1, 2, 3]);
    expect(readHeader(stamped).fCnt).toBe(42);
  });

  it('stops reading MAC commands at an unknown CID or a truncated one', () => {
    expect(macCommands(Uint8Array.of(3, 7, 0x99, 1), { 3: 1 }).map((c) => c.cid)).toEqual([3]);
    expect(macCommands(Uint8Array.of(3, 1, 2), { 3: 4 })).toEqual([]);
  });

  it('keeps a receive window open for LoRaMac-node\u2019s preamble-detection time: 24 symbols at SF7, 6 at SF12', () => {
    expect(receiveWindowMs(1.024)).toBe(24.576);
    expect(receiveWindowMs(2.048)).toBe(28.672);
    expect(receiveWindowMs(32.768)).toBe(196.608);
  });
});
