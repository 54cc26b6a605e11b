/**
 * The bytes of swarm inference on the radio: a network header for multi-hop forwarding, then
 * one of three model messages. Activations travel as raw int8 vectors: their scales are the
 * model's calibrated boundary scales, which every node holding a unit knows, so no scale
 * travels (issue 6: "frames carrying the real int8 activations").
 *
 *   network  dst u16 · origin u16 · hops u8                                   5 bytes
 *   model    kind u8 · request u16 · slot u8 · position u8 · layer u8 · attempt u8   7 bytes
 *   forward  x: d int8   (the residual stream into layer `layer`'s attention; layer = L: to the head)
 *   call     call u8 · n u8 · n expert ids · x: d int8   (the gate's normed input; shared expert s is 0x80 | s)
 *   reply    call u8 · n u8 · per expert: id u8 · status u8 (0 ok, 1 refused) · d int8 when ok
 *
 * `call` numbers a layer's calls (mod 256); a reply echoes it, so that a late reply to a call
 * given up is told from the answer to its retry.
 */

export const networkHeaderBytes = 5;
export const modelHeaderBytes = 7;
export const sharedFlag = 0x80;

export type MessageKind = 'forward' | 'call' | 'reply';
const kindCode: Readonly<Record<MessageKind, number>> = { forward: 1, call: 2, reply: 3 };
const kindOf = ['', 'forward', 'call', 'reply'] as const;

export interface NetworkHeader {
  readonly destination: number;
  readonly origin: number;
  readonly hops: number;
}

export interface TokenAddress {
  readonly request: number;
  readonly slot: number;
  readonly position: number;
  readonly layer: number;
  readonly attempt: number;
}

export interface ExpertOutput {
  readonly id: number;
  /** Undefined when the holder refused the call (over capacity). */
  readonly data: Int8Array | undefined;
}

export type ModelMessage =
  | ({ readonly kind: 'forward'; readonly x: Int8Array } & TokenAddress)
  | ({ readonly kind: 'call'; readonly call: number; readonly experts: readonly number[]; readonly x: Int8Array } & TokenAddress)
  | ({ readonly kind: 'reply'; readonly call: number; readonly outputs: readonly ExpertOutput[] } & TokenAddress);

export class WireError extends Error {
  constructor(detail: string) {
    super(`malformed model message: ${detail}`);
    this.name = 'WireError';
  }
}

export function encodeMessage(network: NetworkHeader, message: ModelMessage): Uint8Array {
  const body: number[] = [];
  let tail: Int8Array[] = [];
  if (message.kind === 'forward') tail = [message.x];
  else if (message.kind === 'call') {
    body.push(message.call, message.experts.length);
    for (const expert of message.experts) body.push(expert);
    tail = [message.x];
  } else {
    body.push(message.call, message.outputs.length);
  }
  const tailBytes = message.kind === 'reply' ? message.outputs.reduce((sum, o) => sum + 2 + (o.data?.length ?? 0), 0) : tail.reduce((sum, t) => sum + t.length, 0);
  const bytes = new Uint8Array(networkHeaderBytes + modelHeaderBytes + body.length + tailBytes);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, network.destination);
  view.setUint16(2, network.origin);
  bytes[4] = network.hops;
  bytes[5] = kindCode[message.kind];
  view.setUint16(6, message.request);
  bytes[8] = message.slot;
  bytes[9] = message.position;
  bytes[10] = message.layer;
  bytes[11] = message.attempt;
  let offset = networkHeaderBytes + modelHeaderBytes;
  bytes.set(body, offset);
  offset += body.length;
  if (message.kind === 'reply') {
    for (const output of message.outputs) {
      bytes[offset++] = output.id;
      bytes[offset++] = output.data ? 0 : 1;
      if (output.data) {
        bytes.set(new Uint8Array(output.data.buffer, output.data.byteOffset, output.data.length), offset);
        offset += output.data.length;
      }
    }
  } else {
    for (const t of tail) {
      bytes.set(new Uint8Array(t.buffer, t.byteOffset, t.length), offset);
      offset += t.length;
    }
  }
  return bytes;
}

export function decodeNetworkHeader(bytes: Uint8Array): NetworkHeader {
  if (bytes.length < networkHeaderBytes) throw new WireError(`expected at least ${networkHeaderBytes} bytes of network header, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { destination: view.getUint16(0), origin: view.getUint16(2), hops: bytes[4]! };
}

/** Decodes a model message whose activation vectors have `dim` entries. */
export function decodeMessage(bytes: Uint8Array, dim: number): { readonly network: NetworkHeader; readonly message: ModelMessage } {
  const network = decodeNetworkHeader(bytes);
  if (bytes.length < networkHeaderBytes + modelHeaderBytes) throw new WireError(`expected at least ${networkHeaderBytes + modelHeaderBytes} bytes, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const kind = kindOf[bytes[5]!];
  if (kind === undefined || kind === '') throw new WireError(`expected kind 1, 2 or 3, found ${bytes[5]}`);
  const address: TokenAddress = { request: view.getUint16(6), slot: bytes[8]!, position: bytes[9]!, layer: bytes[10]!, attempt: bytes[11]! };
  let offset = networkHeaderBytes + modelHeaderBytes;
  const take = (length: number, what: string): Int8Array => {
    if (offset + length > bytes.length) throw new WireError(`expected ${length} bytes of ${what} at offset ${offset}, found ${bytes.length - offset}`);
    const out = new Int8Array(length);
    out.set(new Int8Array(bytes.buffer, bytes.byteOffset + offset, length));
    offset += length;
    return out;
  };
  const byte = (what: string): number => {
    if (offset >= bytes.length) throw new WireError(`expected ${what} at offset ${offset}, found the end`);
    return bytes[offset++]!;
  };
  let message: ModelMessage;
  if (kind === 'forward') message = { kind, ...address, x: take(dim, 'activations') };
  else if (kind === 'call') {
    const call = byte('the call number');
    const n = byte('the expert count');
    const experts: number[] = [];
    for (let i = 0; i < n; i++) experts.push(byte('an expert id'));
    message = { kind, ...address, call, experts, x: take(dim, 'activations') };
  } else {
    const call = byte('the call number');
    const n = byte('the output count');
    const outputs: ExpertOutput[] = [];
    for (let i = 0; i < n; i++) {
      const id = byte('an expert id');
      const status = byte('a status');
      if (status > 1) throw new WireError(`expected status 0 or 1, found ${status}`);
      outputs.push({ id, data: status === 0 ? take(dim, 'an expert output') : undefined });
    }
    message = { kind, ...address, call, outputs };
  }
  if (offset !== bytes.length) throw new WireError(`expected ${offset} bytes, found ${bytes.length}`);
  return { network, message };
}
