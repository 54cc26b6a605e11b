/**
 * The MQTT payload envelope, version 2: a frame's real bytes plus the virtual timing and radio
 * metadata the ether and the receivers need, and the application's metadata of the frame.
 * aedes speaks MQTT 3.1.1 only, so this metadata travels in the payload, not in MQTT 5
 * properties.
 *
 * Layout (big-endian):
 *   0  'L' 'S'            magic
 *   2  u8 version = 2
 *   3  u8 kind            1 transmission, 2 rxStart delivery, 3 frame delivery, 4 node died
 *   then, by kind:
 *   transmission:  sender u32, seq u32, destination i32, startMs f64, airtimeMs f64,
 *                  channelHz f64, sf u8, bandwidthHz f64, codingRate u8, preambleSymbols u16,
 *                  symbolMs f64, txPowerDbm f64, messageId u16, fragmentIndex u16,
 *                  fragmentCount u16, messageCreatedAtMs f64, byte count u16, bytes,
 *                  meta byte count u8 (0: none), meta (Transmission.meta)
 *   deliveries:    receiver u32, atMs f64, rxPowerDbm f64, snrDb f64, then a transmission body
 *   node died:     node u32, atMs f64
 * Numbers travel as float64 where the simulation holds them as such, so that a round trip is
 * exact and results stay byte-identical across transports.
 */
import type { CodingRate } from '../radio/modulation.ts';
import { maxFrameMetaBytes, type Delivery, type Transmission } from '../radio/transmission.ts';

export const envelopeVersion = 2;

export type Envelope =
  | { readonly kind: 'transmission'; readonly tx: Transmission }
  | { readonly kind: 'delivery'; readonly delivery: Delivery }
  | { readonly kind: 'nodeDied'; readonly node: number; readonly atMs: number };

/** A payload that is not a valid envelope; carries the reason for the malformed-envelope count. */
export class MalformedEnvelopeError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`malformed envelope: ${reason}`);
    this.name = 'MalformedEnvelopeError';
    this.reason = reason;
  }
}

const kindCodes = { transmission: 1, rxStart: 2, frame: 3, nodeDied: 4, rxError: 5 } as const;
const txFixedBytes = 4 + 4 + 4 + 8 + 8 + 8 + 1 + 8 + 1 + 2 + 8 + 8 + 2 + 2 + 2 + 8 + 2 + 1;
const deliveryFixedBytes = 4 + 8 + 8 + 8;

/** The largest envelope: a delivery around a 255-byte frame with the most metadata. */
export const maxEnvelopeBytes = 4 + deliveryFixedBytes + txFixedBytes + 255 + maxFrameMetaBytes;

function txSize(tx: Transmission): number {
  return txFixedBytes + tx.bytes.length + (tx.meta?.length ?? 0);
}

function writeTx(view: DataView, bytes: Uint8Array, offset: number, tx: Transmission): number {
  let o = offset;
  view.setUint32(o, tx.sender); o += 4;
  view.setUint32(o, tx.seq); o += 4;
  view.setInt32(o, tx.destination); o += 4;
  view.setFloat64(o, tx.startMs); o += 8;
  view.setFloat64(o, tx.airtimeMs); o += 8;
  view.setFloat64(o, tx.channelHz); o += 8;
  view.setUint8(o, tx.sf); o += 1;
  view.setFloat64(o, tx.bandwidthHz); o += 8;
  view.setUint8(o, tx.codingRate); o += 1;
  view.setUint16(o, tx.preambleSymbols); o += 2;
  view.setFloat64(o, tx.symbolMs); o += 8;
  view.setFloat64(o, tx.txPowerDbm); o += 8;
  view.setUint16(o, tx.messageId); o += 2;
  view.setUint16(o, tx.fragmentIndex); o += 2;
  view.setUint16(o, tx.fragmentCount); o += 2;
  view.setFloat64(o, tx.messageCreatedAtMs); o += 8;
  view.setUint16(o, tx.bytes.length); o += 2;
  bytes.set(tx.bytes, o); o += tx.bytes.length;
  const meta = tx.meta;
  if (meta !== undefined && (meta.length === 0 || meta.length > maxFrameMetaBytes)) throw new RangeError(`frame metadata of ${meta.length} bytes, expected 1..${maxFrameMetaBytes}`);
  view.setUint8(o, meta?.length ?? 0); o += 1;
  if (meta !== undefined) bytes.set(meta, o);
  return o + (meta?.length ?? 0);
}

function checkTime(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new MalformedEnvelopeError(`${name} ${value}, expected a finite number ≥ 0`);
}

function readTx(view: DataView, bytes: Uint8Array, offset: number): { tx: Transmission; end: number } {
  if (bytes.length - offset < txFixedBytes) throw new MalformedEnvelopeError(`transmission body of ${bytes.length - offset} bytes, expected at least ${txFixedBytes}`);
  let o = offset;
  const sender = view.getUint32(o); o += 4;
  const seq = view.getUint32(o); o += 4;
  const destination = view.getInt32(o); o += 4;
  const startMs = view.getFloat64(o); o += 8;
  const airtimeMs = view.getFloat64(o); o += 8;
  const channelHz = view.getFloat64(o); o += 8;
  const sf = view.getUint8(o); o += 1;
  const bandwidthHz = view.getFloat64(o); o += 8;
  const codingRate = view.getUint8(o); o += 1;
  const preambleSymbols = view.getUint16(o); o += 2;
  const symbolMs = view.getFloat64(o); o += 8;
  const txPowerDbm = view.getFloat64(o); o += 8;
  const messageId = view.getUint16(o); o += 2;
  const fragmentIndex = view.getUint16(o); o += 2;
  const fragmentCount = view.getUint16(o); o += 2;
  const messageCreatedAtMs = view.getFloat64(o); o += 8;
  const length = view.getUint16(o); o += 2;
  if (bytes.length - o < length) throw new MalformedEnvelopeError(`frame of ${length} bytes announced, ${bytes.length - o} present`);
  if (codingRate < 1 || codingRate > 4) throw new MalformedEnvelopeError(`coding rate ${codingRate}, expected 1..4`);
  if (sf < 5 || sf > 12) throw new MalformedEnvelopeError(`SF ${sf}, expected 5..12`);
  checkTime('startMs', startMs);
  checkTime('airtimeMs', airtimeMs);
  checkTime('symbolMs', symbolMs);
  checkTime('bandwidthHz', bandwidthHz);
  // Copies (a Buffer's slice is a view into the MQTT packet): a receiver may keep and change what it was given.
  const frame = new Uint8Array(bytes.subarray(o, o + length));
  o += length;
  if (bytes.length - o < 1) throw new MalformedEnvelopeError('no metadata byte count after the frame');
  const metaLength = view.getUint8(o); o += 1;
  if (bytes.length - o < metaLength) throw new MalformedEnvelopeError(`frame metadata of ${metaLength} bytes announced, ${bytes.length - o} present`);
  const meta = metaLength === 0 ? undefined : new Uint8Array(bytes.subarray(o, o + metaLength));
  return {
    tx: {
      sender, seq, destination, startMs, airtimeMs, endMs: startMs + airtimeMs, channelHz, sf, bandwidthHz,
      codingRate: codingRate as CodingRate, preambleSymbols, symbolMs, txPowerDbm, bytes: frame, messageId,
      fragmentIndex, fragmentCount, messageCreatedAtMs, meta,
    },
    end: o + metaLength,
  };
}

/**
 * @example
 * decodeEnvelope(encodeEnvelope({ kind: 'nodeDied', node: 3, atMs: 12.5 })); // { kind: 'nodeDied', node: 3, atMs: 12.5 }
 */
export function encodeEnvelope(envelope: Envelope): Buffer {
  const size =
    4 + (envelope.kind === 'transmission' ? txSize(envelope.tx) : envelope.kind === 'delivery' ? deliveryFixedBytes + txSize(envelope.delivery.tx) : 12);
  // A slice of Node's buffer pool, not an ArrayBuffer of its own per message: every byte of it
  // is written below, field after field, so nothing of the pool's earlier contents leaves.
  const bytes = Buffer.allocUnsafe(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  bytes[0] = 0x4c;
  bytes[1] = 0x53;
  bytes[2] = envelopeVersion;
  if (envelope.kind === 'transmission') {
    bytes[3] = kindCodes.transmission;
    writeTx(view, bytes, 4, envelope.tx);
  } else if (envelope.kind === 'delivery') {
    const d = envelope.delivery;
    bytes[3] = kindCodes[d.kind];
    view.setUint32(4, d.receiver);
    view.setFloat64(8, d.atMs);
    view.setFloat64(16, d.rxPowerDbm);
    view.setFloat64(24, d.snrDb);
    writeTx(view, bytes, 4 + deliveryFixedBytes, d.tx);
  } else {
    bytes[3] = kindCodes.nodeDied;
    view.setUint32(4, envelope.node);
    view.setFloat64(8, envelope.atMs);
  }
  return bytes;
}

/** Decodes an envelope, or throws {@link MalformedEnvelopeError} saying what is wrong. */
export function decodeEnvelope(payload: Uint8Array): Envelope {
  if (payload.length < 4) throw new MalformedEnvelopeError(`${payload.length} bytes, shorter than the 4-byte header`);
  if (payload[0] !== 0x4c || payload[1] !== 0x53) throw new MalformedEnvelopeError('bad magic');
  if (payload[2] !== envelopeVersion) throw new MalformedEnvelopeError(`version ${payload[2]}, expected ${envelopeVersion}`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let envelope: Envelope;
  let end: number;
  switch (payload[3]) {
    case kindCodes.transmission: {
      const read = readTx(view, payload, 4);
      envelope = { kind: 'transmission', tx: read.tx };
      end = read.end;
      break;
    }
    case kindCodes.rxStart:
    case kindCodes.frame:
    case kindCodes.rxError: {
      if (payload.length < 4 + deliveryFixedBytes) throw new MalformedEnvelopeError(`delivery of ${payload.length} bytes is too short`);
      const read = readTx(view, payload, 4 + deliveryFixedBytes);
      envelope = {
        kind: 'delivery',
        delivery: {
          kind: payload[3] === kindCodes.rxStart ? 'rxStart' : payload[3] === kindCodes.rxError ? 'rxError' : 'frame',
          receiver: view.getUint32(4),
          atMs: view.getFloat64(8),
          rxPowerDbm: view.getFloat64(16),
          snrDb: view.getFloat64(24),
          tx: read.tx,
        },
      };
      end = read.end;
      break;
    }
    case kindCodes.nodeDied:
      if (payload.length < 16) throw new MalformedEnvelopeError(`node-died envelope of ${payload.length} bytes, expected 16`);
      envelope = { kind: 'nodeDied', node: view.getUint32(4), atMs: view.getFloat64(8) };
      end = 16;
      break;
    default:
      throw new MalformedEnvelopeError(`unknown kind ${payload[3]}`);
  }
  if (end !== payload.length) throw new MalformedEnvelopeError(`${payload.length - end} trailing bytes`);
  return envelope;
}
