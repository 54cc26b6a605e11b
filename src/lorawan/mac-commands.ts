/**
 * LoRaWAN frame-control bytes and MAC commands as real bytes (LoRaWAN L2 1.0.4, TS001-1.0.4,
 * https://read.uberflip.com/i/1428395): the FCtrl octet of the frame header (§4.3.1, Tables 7
 * and 8), and the commands a basic network server sends in FOpts and devices answer:
 * LinkADRReq/Ans (CID 0x03, §5.2) and LinkCheckAns (CID 0x02, §5.1). Multi-octet fields are
 * little-endian (§4). FOpts hold at most 15 octets (§4.3.1.6).
 *
 * @example
 * encodeLinkAdrReq({ dataRate: 1, txPowerIndex: 2, channelMask: 0x0004, channelMaskControl: 4, nbTrans: 5 })
 * // Uint8Array [0x03, 0x12, 0x04, 0x00, 0x45]
 */

/** Most octets of MAC commands in a frame header's FOpts. */
export const maxFOptsBytes = 15;

export const cid = { linkCheck: 0x02, linkAdr: 0x03 } as const;

/** The FCtrl octet of an uplink (Table 8) or a downlink (Table 7): bit 6 is ADRACKReq up, RFU down; bit 4 ClassB up, FPending down. */
export interface FrameControl {
  readonly adr: boolean;
  /** Uplink: ADRACKReq. */
  readonly adrAckReq: boolean;
  readonly ack: boolean;
  /** Uplink: ClassB; downlink: FPending. */
  readonly bit4: boolean;
  /** Octets of MAC commands in FOpts, 0–15. */
  readonly fOptsLength: number;
}

export function encodeFrameControl(control: FrameControl): number {
  if (!Number.isInteger(control.fOptsLength) || control.fOptsLength < 0 || control.fOptsLength > maxFOptsBytes) {
    throw new RangeError(`FOptsLen must be an integer 0..${maxFOptsBytes}, got ${control.fOptsLength}`);
  }
  return (control.adr ? 0x80 : 0) | (control.adrAckReq ? 0x40 : 0) | (control.ack ? 0x20 : 0) | (control.bit4 ? 0x10 : 0) | control.fOptsLength;
}

export function decodeFrameControl(octet: number): FrameControl {
  return { adr: (octet & 0x80) !== 0, adrAckReq: (octet & 0x40) !== 0, ack: (octet & 0x20) !== 0, bit4: (octet & 0x10) !== 0, fOptsLength: octet & 0x0f };
}

/** LinkADRReq's fields (§5.2): a data rate and TX power index (15 = keep the current one), a channel mask and how to apply it, the repetitions. */
export interface LinkAdrReq {
  /** 0–15; 15 keeps the device's data rate (1.0.4). */
  readonly dataRate: number;
  /** 0–15; 15 keeps the device's power. Index n is MaxEIRP − 2n dB. */
  readonly txPowerIndex: number;
  /** 16 bits, bit 0 = channel 0 of the block ChMaskCntl names. */
  readonly channelMask: number;
  /** 0–7 (region-specific: EU868 0 = channels 0–15, 6 = all channels on). */
  readonly channelMaskControl: number;
  /** 1–15 transmissions of each uplink; 0 = the default (1). */
  readonly nbTrans: number;
}

const nibble = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 0 || value > 15) throw new RangeError(`${name} must be an integer 0..15, got ${value}`);
  return value;
};

export function encodeLinkAdrReq(req: LinkAdrReq): Uint8Array {
  if (!Number.isInteger(req.channelMask) || req.channelMask < 0 || req.channelMask > 0xffff) throw new RangeError(`ChMask must be 16 bits, got ${req.channelMask}`);
  if (!Number.isInteger(req.channelMaskControl) || req.channelMaskControl < 0 || req.channelMaskControl > 7) throw new RangeError(`ChMaskCntl must be 0..7, got ${req.channelMaskControl}`);
  return Uint8Array.of(
    cid.linkAdr,
    (nibble('DataRate', req.dataRate) << 4) | nibble('TXPower', req.txPowerIndex),
    req.channelMask & 0xff,
    req.channelMask >> 8,
    (req.channelMaskControl << 4) | nibble('NbTrans', req.nbTrans),
  );
}

export function decodeLinkAdrReq(bytes: Uint8Array): LinkAdrReq {
  if (bytes.length !== 5 || bytes[0] !== cid.linkAdr) throw new RangeError(`a LinkADRReq is 5 octets starting with 0x03, got ${hex(bytes)}`);
  return { dataRate: bytes[1]! >> 4, txPowerIndex: bytes[1]! & 0x0f, channelMask: bytes[2]! | (bytes[3]! << 8), channelMaskControl: (bytes[4]! >> 4) & 0x07, nbTrans: bytes[4]! & 0x0f };
}

/** LinkADRAns's status (§5.2: bit 2 power, bit 1 data rate, bit 0 channel mask): which of the three settings the device accepted. */
export interface LinkAdrAns {
  readonly powerAck: boolean;
  readonly dataRateAck: boolean;
  readonly channelMaskAck: boolean;
}

export function encodeLinkAdrAns(ans: LinkAdrAns): Uint8Array {
  return Uint8Array.of(cid.linkAdr, (ans.powerAck ? 0x04 : 0) | (ans.dataRateAck ? 0x02 : 0) | (ans.channelMaskAck ? 0x01 : 0));
}

export function decodeLinkAdrAns(bytes: Uint8Array): LinkAdrAns {
  if (bytes.length !== 2 || bytes[0] !== cid.linkAdr) throw new RangeError(`a LinkADRAns is 2 octets starting with 0x03, got ${hex(bytes)}`);
  return { powerAck: (bytes[1]! & 0x04) !== 0, dataRateAck: (bytes[1]! & 0x02) !== 0, channelMaskAck: (bytes[1]! & 0x01) !== 0 };
}

/** LinkCheckAns (§5.1): the demodulation margin of the last LinkCheckReq (dB above the floor, 0–254) and how many gateways heard it. */
export function encodeLinkCheckAns(marginDb: number, gatewayCount: number): Uint8Array {
  if (!Number.isInteger(marginDb) || marginDb < 0 || marginDb > 254) throw new RangeError(`Margin must be an integer 0..254 dB, got ${marginDb}`);
  if (!Number.isInteger(gatewayCount) || gatewayCount < 0 || gatewayCount > 255) throw new RangeError(`GwCnt must be an integer 0..255, got ${gatewayCount}`);
  return Uint8Array.of(cid.linkCheck, marginDb, gatewayCount);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
