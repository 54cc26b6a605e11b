/**
 * Control messages between a run's coordinator and its workers travel on `swarm/<run>/ctl/…`
 * (docs/explanation/design-notes.md, "Time, windows and transports"). A message is a JSON value,
 * with two exact extensions — byte arrays as `{"$b": base64}` and non-finite numbers as
 * `{"$n": "Infinity"}` — so that every number a worker reports (float64, shortest round-trip
 * decimal) arrives bit for bit. A message larger than the run's packet limit (which the radio's
 * frame size sets, also on Mosquitto, whose `max_packet_size` knows no topics) is cut into
 * chunks:
 *
 *   0  'L' 'C'     magic
 *   2  u8          version = 1
 *   3  u32         stream (the sender's message number)
 *   7  u32         index of this chunk
 *  11  u32         chunk count (≥ 1)
 *  15  …           bytes of the UTF-8 JSON text
 */
export const controlVersion = 1;
const headerBytes = 15;

/** A control payload that cannot be decoded. */
export class MalformedControlError extends Error {
  constructor(reason: string) {
    super(`malformed control message: ${reason}`);
    this.name = 'MalformedControlError';
  }
}

export function encodeControlValue(value: unknown): Uint8Array {
  return Buffer.from(
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'number' && !Number.isFinite(item)) return { $n: String(item) };
      if (item instanceof Uint8Array) return { $b: Buffer.from(item).toString('base64') };
      return item;
    }),
    'utf8',
  );
}

/** Opening brackets a text decoded without a reviver may hold: at least its nesting depth. */
const maxPlainOpenings = 4096;

function openings(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) count++;
  }
  return count;
}

// One decoder for every message: making one costs more than decoding a window's report.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeControlValue(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
    // Without either extension's key in the text (nor an escape that could spell one), JSON.parse
    // needs no reviver: a reviver is called for every value, the bulk of a report's decoding.
    // A text that could nest deeper than the reviver can recurse (more opening brackets than
    // `maxPlainOpenings`) still takes the reviver, which refuses it as before.
    if (!text.includes('"$n"') && !text.includes('"$b"') && !text.includes('\\u') && openings(text) <= maxPlainOpenings) return JSON.parse(text) as unknown;
    return JSON.parse(text, (_key, item: unknown) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const keys = Object.keys(item);
        if (keys.length === 1 && keys[0] === '$n') {
          const n = (item as { $n: unknown }).$n;
          if (n === 'Infinity' || n === '-Infinity' || n === 'NaN') return Number(n);
        }
        if (keys.length === 1 && keys[0] === '$b' && typeof (item as { $b: unknown }).$b === 'string') {
          return new Uint8Array(Buffer.from((item as { $b: string }).$b, 'base64'));
        }
      }
      return item;
    }) as unknown;
  } catch (error) {
    throw new MalformedControlError(`not UTF-8 JSON (${(error as Error).message})`);
  }
}

/** Payload bytes per chunk so that a PUBLISH on `topic` stays within `maxPacketBytes`. */
export function controlChunkBytes(maxPacketBytes: number, topic: string): number {
  // MQTT 3.1.1 §2.2, §3.3: a type byte, a remaining length of up to 4 bytes (counted at its
  // longest, whatever the chunk's size), the topic with its 2-byte length, then the payload.
  const room = maxPacketBytes - (1 + 4) - (2 + Buffer.byteLength(topic)) - headerBytes;
  if (room < 16) throw new RangeError(`a packet limit of ${maxPacketBytes} bytes leaves no room for control messages on ${topic}`);
  return room;
}

/** Cuts one message into chunk payloads of at most `chunkBytes` data bytes each. */
export function chunkControl(stream: number, bytes: Uint8Array, chunkBytes: number): Uint8Array[] {
  const count = Math.max(1, Math.ceil(bytes.length / chunkBytes));
  const chunks: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const part = bytes.subarray(index * chunkBytes, Math.min(bytes.length, (index + 1) * chunkBytes));
    const chunk = new Uint8Array(headerBytes + part.length);
    const view = new DataView(chunk.buffer);
    chunk[0] = 0x4c;
    chunk[1] = 0x43;
    chunk[2] = controlVersion;
    view.setUint32(3, stream >>> 0);
    view.setUint32(7, index);
    view.setUint32(11, count);
    chunk.set(part, headerBytes);
    chunks.push(chunk);
  }
  return chunks;
}

export interface ControlAssembler {
  /** Takes one chunk; returns the whole message when its last chunk arrives. */
  add(chunk: Uint8Array): Uint8Array | undefined;
}

/**
 * Reassembles the chunked messages of one sender (one topic). A faulty or hostile sender costs
 * memory in proportion to the bytes it really sends, within bounds: at most `maxOpen` messages
 * may be incomplete at once (the oldest is dropped beyond that), no message may claim more than
 * `maxChunks` chunks, and the incomplete messages together hold at most `maxOpenBytes` (a chunk
 * beyond is refused and its message dropped). Parts are kept as they come, never preallocated
 * for the count a header claims (a few bytes claiming 2^20 chunks cost nothing).
 */
export function createControlAssembler(maxOpen = 16, maxChunks = 1 << 20, maxOpenBytes = 1 << 26): ControlAssembler {
  const open = new Map<number, { parts: Map<number, Uint8Array>; count: number; bytes: number }>();
  let openBytes = 0;
  const drop = (stream: number): void => {
    const message = open.get(stream);
    if (message === undefined) return;
    openBytes -= message.bytes;
    open.delete(stream);
  };
  return {
    add(chunk) {
      if (chunk.length < headerBytes) throw new MalformedControlError(`${chunk.length} bytes, shorter than the ${headerBytes}-byte header`);
      if (chunk[0] !== 0x4c || chunk[1] !== 0x43) throw new MalformedControlError('bad magic');
      if (chunk[2] !== controlVersion) throw new MalformedControlError(`version ${chunk[2]}, expected ${controlVersion}`);
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const stream = view.getUint32(3);
      const index = view.getUint32(7);
      const count = view.getUint32(11);
      if (count < 1 || count > maxChunks || index >= count) throw new MalformedControlError(`chunk ${index} of ${count}`);
      const data = chunk.slice(headerBytes);
      if (count === 1) return data;
      let message = open.get(stream);
      if (message === undefined) {
        if (open.size >= maxOpen) drop(open.keys().next().value!);
        message = { parts: new Map(), count, bytes: 0 };
        open.set(stream, message);
      }
      if (message.count !== count) throw new MalformedControlError(`chunk count ${count}, earlier chunks said ${message.count}`);
      const before = message.parts.get(index)?.length ?? 0;
      if (openBytes - before + data.length > maxOpenBytes) {
        drop(stream);
        throw new MalformedControlError(`more than ${maxOpenBytes} bytes of unfinished messages`);
      }
      message.parts.set(index, data);
      message.bytes += data.length - before;
      openBytes += data.length - before;
      if (message.parts.size < count) return undefined;
      drop(stream);
      // Plain Uint8Array work, no Buffer: the live dashboard assembles in the browser too.
      const whole = new Uint8Array(message.bytes);
      let at = 0;
      for (let i = 0; i < count; i++) {
        const part = message.parts.get(i)!;
        whole.set(part, at);
        at += part.length;
      }
      return whole;
    },
  };
}
