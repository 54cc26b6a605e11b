/**
 * What a frame of a model message carries for the simulation, beside its radio bytes
 * (Transmission.meta): the token it serves, the sender's flight number of the message, and the
 * message's latency parts up to the end of this frame. A receiver rebuilds the token's account
 * from the frame that completed the message, whichever process the sender ran in; nothing of it
 * is on the air.
 *
 * Layout (big-endian, 64 bytes): serial u32, flight u32, the seven parts as f64 in
 * `componentKeys` order. Float64 for float64, so that the account is the same to the bit as the
 * sender's. Metadata from another process is taken only with every part finite and ≥ 0.
 */
import { isTime } from '../sim/value-checks.ts';
import { componentKeys, type Components } from './components.ts';

export interface FrameMeta {
  /** The token's serial (records.ts). */
  readonly serial: number;
  /** The sender's count of messages it sent before this one: a copy of a message repeats it. */
  readonly flight: number;
  /** The message's latency parts through this frame (the token's account when it was sent, plus its frames so far). */
  readonly acc: Components;
}

export const frameMetaBytes = 4 + 4 + 8 * componentKeys.length;

export function encodeFrameMeta(meta: FrameMeta): Uint8Array {
  const bytes = new Uint8Array(frameMetaBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, meta.serial);
  view.setUint32(4, meta.flight);
  componentKeys.forEach((key, k) => view.setFloat64(8 + 8 * k, meta.acc[key]));
  return bytes;
}

/** The metadata of an inference frame; undefined for a frame without it, with another application's, or with a part that is not a finite time. */
export function decodeFrameMeta(bytes: Uint8Array | undefined): FrameMeta | undefined {
  if (bytes === undefined || bytes.length !== frameMetaBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const acc = {} as Components;
  componentKeys.forEach((key, k) => (acc[key] = view.getFloat64(8 + 8 * k)));
  if (!componentKeys.every((key) => isTime(acc[key]))) return undefined;
  return { serial: view.getUint32(0), flight: view.getUint32(4), acc };
}

/** The token a frame serves, read without decoding the rest (energy attribution, every frame's start). */
export function serialOf(bytes: Uint8Array | undefined): number | undefined {
  if (bytes === undefined || bytes.length !== frameMetaBytes) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
}
