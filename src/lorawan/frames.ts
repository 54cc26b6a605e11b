/**
 * LoRaWAN data frames as bytes (TS001-1.0.4 §4, https://read.uberflip.com/i/1428395): the MHDR
 * message types, a frame header with FCtrl and FOpts, and the MAC commands carried in FOpts.
 * radio/framing.ts writes the plain uplink (FCtrl 0, no FOpts); an end device re-stamps it as
 * it goes out (`stampUplink`), and the network server writes its downlinks (`downlinkFrame`).
 * The MIC is the simulation's CRC-32 stand-in (radio/crc32.ts): no keys exist here. Pure.
 *
 * @example
 * downlinkFrame({ devAddr: 7, fCnt: 0, control: { adr: true, adrAckReq: false, ack: true, bit4: false, fOptsLength: 0 }, fOpts: new Uint8Array(0) }).length // 12
 */
import { writeMic } from '../radio/framing.ts';
import { encodeFrameControl, decodeFrameControl, type FrameControl } from './mac-commands.ts';

/** MHDR octets (§4.2, Table 4: MType in bits 7–5, Major 0 = LoRaWAN R1). */
export const mhdr = { unconfirmedUp: 0x40, unconfirmedDown: 0x60, confirmedUp: 0x80, confirmedDown: 0xa0 } as const;

/** MHDR, DevAddr, FCtrl, FCnt: the octets before FOpts. */
const headerBytes = 8;
const micBytes = 4;

/**
 * An uplink as it goes out: `plain` (from radio/framing.ts, FCtrl 0, no FOpts) with its MHDR
 * (confirmed or not), FCtrl and the MAC commands `fOpts` answered in this frame; the FCnt, FPort
 * and payload stay.
 */
export function stampUplink(plain: Uint8Array, confirmed: boolean, control: Omit<FrameControl, 'fOptsLength'>, fOpts: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(plain.length + fOpts.length);
  bytes.set(plain.subarray(0, headerBytes), 0);
  bytes[0] = confirmed ? mhdr.confirmedUp : mhdr.unconfirmedUp;
  bytes[5] = encodeFrameControl({ ...control, fOptsLength: fOpts.length });
  bytes.set(fOpts, headerBytes);
  bytes.set(plain.subarray(headerBytes + (plain[5]! & 0x0f), plain.length - micBytes), headerBytes + fOpts.length);
  return writeMic(bytes);
}

export interface DownlinkFields {
  readonly devAddr: number;
  readonly fCnt: number;
  readonly control: FrameControl;
  readonly fOpts: Uint8Array;
}

/** A downlink with no FPort and no payload: an ACK and MAC commands in FOpts (§4.3.1.6). */
export function downlinkFrame(fields: DownlinkFields): Uint8Array {
  const bytes = new Uint8Array(headerBytes + fields.fOpts.length + micBytes);
  const address = fields.devAddr >>> 0;
  bytes[0] = mhdr.unconfirmedDown;
  bytes[1] = address & 0xff;
  bytes[2] = (address >>> 8) & 0xff;
  bytes[3] = (address >>> 16) & 0xff;
  bytes[4] = address >>> 24;
  bytes[5] = encodeFrameControl({ ...fields.control, fOptsLength: fields.fOpts.length });
  bytes[6] = fields.fCnt & 0xff;
  bytes[7] = (fields.fCnt >>> 8) & 0xff;
  bytes.set(fields.fOpts, headerBytes);
  return writeMic(bytes);
}

export interface FrameHeaderFields {
  readonly mhdr: number;
  readonly devAddr: number;
  readonly control: FrameControl;
  readonly fCnt: number;
  readonly fOpts: Uint8Array;
}

/** The header of a LoRaWAN data frame (either direction). */
export function readHeader(bytes: Uint8Array): FrameHeaderFields {
  const control = decodeFrameControl(bytes[5]!);
  return {
    mhdr: bytes[0]!,
    devAddr: (bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)) >>> 0,
    control,
    fCnt: bytes[6]! | (bytes[7]! << 8),
    fOpts: bytes.subarray(headerBytes, headerBytes + control.fOptsLength),
  };
}

/** The MAC commands in FOpts as [CID, payload] pairs, given each CID's payload length; stops at an unknown CID (§5). */
export function macCommands(fOpts: Uint8Array, payloadLengths: Readonly<Record<number, number>>): { readonly cid: number; readonly payload: Uint8Array }[] {
  const commands: { cid: number; payload: Uint8Array }[] = [];
  let at = 0;
  while (at < fOpts.length) {
    const length = payloadLengths[fOpts[at]!];
    if (length === undefined || at + 1 + length > fOpts.length) break;
    commands.push({ cid: fOpts[at]!, payload: fOpts.subarray(at + 1, at + 1 + length) });
    at += 1 + length;
  }
  return commands;
}
