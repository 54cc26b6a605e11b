/**
 * Framing: the bytes a radio actually sends around an application payload.
 *
 * - `lorawan`: MHDR (1) + FHDR without FOpts (DevAddr 4, FCtrl 1, FCnt 2) + FPort (1) + MIC (4)
 *   = 13 bytes of overhead (LoRaWAN L2 1.0.4 §4; `LORA_MAC_FRMPAYLOAD_OVERHEAD 13` in Semtech's
 *   LoRaWAN-lib). The maximum application payload per data rate comes from RP002-1.0.1 (the
 *   region's table); regions without a table (ism2400, none) allow 255 − 13 = 242 bytes.
 *   The simulated MIC is a CRC-32 (crc32.ts) of the preceding bytes (no keys exist in a simulation); its
 *   length, which is what airtime depends on, is the real one.
 * - `raw`: loraswarm's own 8-byte header (magic+flags, source, destination, sequence, port),
 *   at most 255 PHY bytes (SX127x/SX126x/SX128x FIFO limit).
 *
 * Both framings honour a regional dwell limit (US915 channels under 500 kHz) by shrinking the
 * payload until the frame fits.
 */
import { crc32Of } from './crc32.ts';
import { timeOnAir, type AirtimeParams } from './airtime.ts';
import { dataRateOf, dwellLimitMs, type Region } from './regions.ts';

export type FramingId = 'lorawan' | 'raw';

export const lorawanOverheadBytes = 13;
export const rawHeaderBytes = 8;
export const maxPhyBytes = 255;
export const broadcastAddress = 0xffff;

/** Port values: whole messages and fragments are told apart by port (LoRaWAN FPort). */
export const portMessage = 1;
export const portFragment = 2;
/** A link-layer acknowledgement of the peer MAC (node/peer-links.ts): its payload is the acknowledged frame's 16-bit seq. */
export const portAck = 3;

export function framingOverheadBytes(framing: FramingId): number {
  return framing === 'lorawan' ? lorawanOverheadBytes : rawHeaderBytes;
}

export interface FrameCapacityParams {
  readonly framing: FramingId;
  readonly region: Region;
  /** Airtime parameters of the link, without the payload length. */
  readonly airtime: Omit<AirtimeParams, 'payloadBytes'>;
  /** Use RP002's repeater-compatible table (smaller payloads at the fast data rates). */
  readonly repeaterCompatible?: boolean;
}

/**
 * The largest application payload one frame may carry, or an explanation when the link's
 * modulation is not allowed at all (a LoRaWAN data rate that the region lacks, or a header
 * that alone exceeds the dwell time).
 *
 * @example
 * maxAppBytesPerFrame({ framing: 'lorawan', region: regions.eu868,
 *   airtime: { sf: 12, bandwidthHz: 125e3, codingRate: 1 } }); // { ok: true, bytes: 51 }
 */
export function maxAppBytesPerFrame(params: FrameCapacityParams): { ok: true; bytes: number } | { ok: false; reason: string } {
  const { framing, region, airtime } = params;
  const overhead = framingOverheadBytes(framing);
  let bytes = maxPhyBytes - overhead;
  if (framing === 'lorawan' && region.dataRates.length > 0) {
    const rate = dataRateOf(region, airtime.sf, airtime.bandwidthHz);
    if (!rate) {
      const allowed = [...new Set(region.dataRates.map((r) => `SF${r.sf}/${r.bandwidthHz / 1e3} kHz`))].join(', ');
      return { ok: false, reason: `${region.id} has no LoRaWAN data rate for SF${airtime.sf}/${airtime.bandwidthHz / 1e3} kHz (allowed: ${allowed})` };
    }
    bytes = params.repeaterCompatible ? rate.maxAppBytesRepeater : rate.maxAppBytes;
  }
  const dwell = dwellLimitMs(region, airtime.bandwidthHz);
  if (dwell !== undefined) {
    while (bytes >= 0 && timeOnAir({ ...airtime, payloadBytes: bytes + overhead }).airtimeMs > dwell) bytes--;
    if (bytes < 1) {
      return { ok: false, reason: `a ${overhead + 1}-byte frame at SF${airtime.sf}/${airtime.bandwidthHz / 1e3} kHz exceeds the ${dwell} ms dwell time of ${region.id}` };
    }
  }
  return { ok: true, bytes };
}

export interface FrameHeader {
  readonly source: number;
  readonly destination: number;
  readonly seq: number;
  readonly port: number;
}

/**
 * Builds a frame's real bytes around `payload`.
 *
 * @example
 * encodeFrame('raw', { source: 3, destination: 0, seq: 1, port: portMessage }, new Uint8Array(10)).length; // 18
 */
export function encodeFrame(framing: FramingId, header: FrameHeader, payload: Uint8Array): Uint8Array {
  const overhead = framingOverheadBytes(framing);
  if (payload.length + overhead > maxPhyBytes) {
    throw new RangeError(`frame of ${payload.length + overhead} bytes exceeds ${maxPhyBytes}`);
  }
  // Byte by byte rather than through a DataView: a view would give the small array an
  // ArrayBuffer of its own, which costs more than the frame.
  const bytes = new Uint8Array(payload.length + overhead);
  if (framing === 'raw') {
    const source = header.source & 0xffff;
    const destination = header.destination & 0xffff;
    const seq = header.seq & 0xffff;
    bytes[0] = 0xa0;
    bytes[1] = source >>> 8; // big-endian, as DataView.setUint16 writes by default
    bytes[2] = source & 0xff;
    bytes[3] = destination >>> 8;
    bytes[4] = destination & 0xff;
    bytes[5] = seq >>> 8;
    bytes[6] = seq & 0xff;
    bytes[7] = header.port;
    bytes.set(payload, rawHeaderBytes);
    return bytes;
  }
  const address = header.source >>> 0;
  const seq = header.seq & 0xffff;
  bytes[0] = 0x40; // MHDR: unconfirmed data up, LoRaWAN R1
  bytes[1] = address & 0xff; // DevAddr, little-endian
  bytes[2] = (address >>> 8) & 0xff;
  bytes[3] = (address >>> 16) & 0xff;
  bytes[4] = address >>> 24;
  bytes[5] = 0; // FCtrl: no ADR, no ACK, no FOpts
  bytes[6] = seq & 0xff; // FCnt (16 LSB), little-endian
  bytes[7] = seq >>> 8;
  bytes[8] = header.port; // FPort
  bytes.set(payload, 9);
  return writeMic(bytes);
}

/** Writes a LoRaWAN frame's MIC, the simulation's CRC-32 of the bytes before it, into its last 4 octets (little-endian). */
export function writeMic(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 4;
  const mic = crc32Of(bytes, end);
  bytes[end] = mic & 0xff;
  bytes[end + 1] = (mic >>> 8) & 0xff;
  bytes[end + 2] = (mic >>> 16) & 0xff;
  bytes[end + 3] = mic >>> 24;
  return bytes;
}

/** The port of a frame (`decodeFrame(…).header.port`), read without decoding the header. */
export function framePort(framing: FramingId, bytes: Uint8Array): number {
  return framing === 'raw' ? bytes[7]! : bytes[8 + fOptsLength(bytes)]!;
}

/** The octets of MAC commands in a LoRaWAN frame's FOpts (FCtrl's low nibble, TS001-1.0.4 §4.3.1). */
function fOptsLength(bytes: Uint8Array): number {
  return bytes[5]! & 0x0f;
}

/** The length of a frame's application payload (`framePayload(…).length`), without a view. */
export function framePayloadBytes(framing: FramingId, bytes: Uint8Array): number {
  return Math.max(0, framing === 'raw' ? bytes.length - rawHeaderBytes : bytes.length - 13 - fOptsLength(bytes));
}

/** The application payload of a frame (`decodeFrame(…).payload`): a view of its bytes. */
export function framePayload(framing: FramingId, bytes: Uint8Array): Uint8Array {
  return framing === 'raw' ? bytes.subarray(rawHeaderBytes) : bytes.subarray(9 + fOptsLength(bytes), bytes.length - 4);
}

/** Reads back what {@link encodeFrame} wrote; LoRaWAN frames carry no destination. */
export function decodeFrame(framing: FramingId, bytes: Uint8Array): { header: FrameHeader; payload: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (framing === 'raw') {
    return {
      header: { source: view.getUint16(1), destination: view.getUint16(3), seq: view.getUint16(5), port: bytes[7]! },
      payload: bytes.subarray(rawHeaderBytes),
    };
  }
  return {
    header: { source: view.getUint32(1, true), destination: broadcastAddress, seq: view.getUint16(6, true), port: bytes[8 + fOptsLength(bytes)]! },
    payload: bytes.subarray(9 + fOptsLength(bytes), bytes.length - 4),
  };
}
