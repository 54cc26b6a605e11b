/**
 * Federated learning on the radio: the messages, each one frame (the protocol cuts models and
 * updates into chunks itself, so that it can ask for the missing ones).
 *
 *   announce   kind 1 · round u16 · chunks u16 · n u16 · n client ids u16     (broadcast)
 *   model      kind 2 · round u16 · chunk u16 · chunks u16 · bytes            (broadcast, or unicast when resent)
 *   update     kind 3 · round u16 · chunk u16 · chunks u16 · bytes            (client → coordinator)
 *   missing    kind 4 · round u16 · n u16 · n chunk ids u16                   (either way; n = 0: all there)
 *   parity     kind 5 · round u16 · group u16 · groups u16 · last chunk's length u16 · bytes   (erasure coding, fl/fec.ts)
 */

export const flHeaderBytes = 7;

export type FlMessage =
  | { readonly kind: 'announce'; readonly round: number; readonly chunks: number; readonly clients: readonly number[] }
  | { readonly kind: 'model' | 'update'; readonly round: number; readonly chunk: number; readonly chunks: number; readonly bytes: Uint8Array }
  | { readonly kind: 'missing'; readonly round: number; readonly chunks: readonly number[] }
  | { readonly kind: 'parity'; readonly round: number; readonly group: number; readonly groups: number; readonly lastLength: number; readonly bytes: Uint8Array };

const codes = { announce: 1, model: 2, update: 3, missing: 4, parity: 5 } as const;

/** The parity message's header is two bytes longer than a chunk's. */
export const parityHeaderBytes = flHeaderBytes + 2;

export class FlWireError extends Error {
  constructor(detail: string) {
    super(`malformed federated-learning message: ${detail}`);
    this.name = 'FlWireError';
  }
}

export function encodeFl(message: FlMessage): Uint8Array {
  const words = (values: readonly number[]): number[] => values.flatMap((v) => [(v >>> 8) & 0xff, v & 0xff]);
  if (message.kind === 'announce') return Uint8Array.from([codes.announce, ...words([message.round, message.chunks, message.clients.length, ...message.clients])]);
  if (message.kind === 'missing') return Uint8Array.from([codes.missing, ...words([message.round, message.chunks.length, ...message.chunks])]);
  if (message.kind === 'parity') {
    const out = new Uint8Array(parityHeaderBytes + message.bytes.length);
    out.set([codes.parity, ...words([message.round, message.group, message.groups, message.lastLength])]);
    out.set(message.bytes, parityHeaderBytes);
    return out;
  }
  const out = new Uint8Array(flHeaderBytes + message.bytes.length);
  out.set([codes[message.kind], ...words([message.round, message.chunk, message.chunks])]);
  out.set(message.bytes, flHeaderBytes);
  return out;
}

export function decodeFl(bytes: Uint8Array): FlMessage {
  const word = (at: number): number => {
    if (at + 2 > bytes.length) throw new FlWireError(`expected 2 bytes at offset ${at}, found ${Math.max(0, bytes.length - at)}`);
    return (bytes[at]! << 8) | bytes[at + 1]!;
  };
  const list = (countAt: number): number[] => {
    const n = word(countAt);
    if (bytes.length !== countAt + 2 + 2 * n) throw new FlWireError(`expected ${countAt + 2 + 2 * n} bytes for ${n} entries, found ${bytes.length}`);
    return Array.from({ length: n }, (_, i) => word(countAt + 2 + 2 * i));
  };
  switch (bytes[0]) {
    case codes.announce:
      return { kind: 'announce', round: word(1), chunks: word(3), clients: list(5) };
    case codes.missing:
      return { kind: 'missing', round: word(1), chunks: list(3) };
    case codes.parity: {
      const groups = word(5);
      const group = word(3);
      if (group >= groups) throw new FlWireError(`expected a group below ${groups}, found ${group}`);
      return { kind: 'parity', round: word(1), group, groups, lastLength: word(7), bytes: bytes.slice(parityHeaderBytes) };
    }
    case codes.model:
    case codes.update: {
      const chunks = word(5);
      const chunk = word(3);
      if (chunk >= chunks) throw new FlWireError(`expected a chunk below ${chunks}, found ${chunk}`);
      return { kind: bytes[0] === codes.model ? 'model' : 'update', round: word(1), chunk, chunks, bytes: bytes.slice(flHeaderBytes) };
    }
    default:
      throw new FlWireError(`expected kind 1..5, found ${bytes[0] ?? 'nothing'}`);
  }
}

/** Cuts `bytes` into chunks of at most `size` bytes (at least one chunk). */
export function chunk(bytes: Uint8Array, size: number): Uint8Array[] {
  if (size < 1) throw new RangeError(`chunk size must be ≥ 1, got ${size}`);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || out.length === 0; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** Joins chunks back into one message's bytes (the inverse of `chunk`). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
