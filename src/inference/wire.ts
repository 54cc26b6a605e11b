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
 *
 * A pass of speculative decoding (issue 21) carries P ≥ 2 consecutive positions from
 * `position` on, in kinds 4, 5 and 6, whose body starts with P:
 *
 *   forward  P u8 · x: P·d int8   (the positions in order)
 *   call     P u8 · call u8 · e u8 · per entry: offset u8 · n u8 · n expert ids · x: d int8
 *   reply    P u8 · call u8 · e u8 · per entry: offset u8 · n u8 · per expert as above
 *
 * An entry is one position (`position + offset`) and the experts it asks of this node; a
 * position that needs nothing of the node has no entry. One position keeps the kinds 1 to 3 and
 * their bytes.
 */

export const networkHeaderBytes = 5;
export const modelHeaderBytes = 7;
export const sharedFlag = 0x80;
/** Positions one pass may carry (the position byte's range bounds it long before). */
export const maxPassPositions = 16;

export type MessageKind = 'forward' | 'call' | 'reply';
const kindCode: Readonly<Record<MessageKind, number>> = { forward: 1, call: 2, reply: 3 };
const manyCode = 3;
const kindOf = ['', 'forward', 'call', 'reply', 'forward', 'call', 'reply'] as const;

export interface NetworkHeader {
  readonly destination: number;
  readonly origin: number;
  readonly hops: number;
}

export interface TokenAddress {
  readonly request: number;
  readonly slot: number;
  /** The pass's first position. */
  readonly position: number;
  readonly layer: number;
  readonly attempt: number;
  /** Positions the pass carries (1 but in speculative decoding). */
  readonly positions: number;
}

export interface ExpertOutput {
  readonly id: number;
  /** Undefined when the holder refused the call (over capacity). */
  readonly data: Int8Array | undefined;
}

/** What a call asks for one position: experts to run on its normed input. */
export interface CallEntry {
  readonly offset: number;
  readonly experts: readonly number[];
  readonly x: Int8Array;
}

export interface ReplyEntry {
  readonly offset: number;
  readonly outputs: readonly ExpertOutput[];
}

export type ModelMessage =
  | ({ readonly kind: 'forward'; readonly x: Int8Array } & TokenAddress)
  | ({ readonly kind: 'call'; readonly call: number; readonly entries: readonly CallEntry[] } & TokenAddress)
  | ({ readonly kind: 'reply'; readonly call: number; readonly entries: readonly ReplyEntry[] } & TokenAddress);

export class WireError extends Error {
  constructor(detail: string) {
    super(`malformed model message: ${detail}`);
    this.name = 'WireError';
  }
}

/** Grows a byte list: header fields, then raw int8 vectors. */
class ByteWriter {
  private readonly parts: Uint8Array[] = [];
  private small: number[] = [];
  length = 0;
  byte(value: number): void {
    this.small.push(value);
    this.length++;
  }
  vector(data: Int8Array): void {
    this.flush();
    this.parts.push(new Uint8Array(data.buffer, data.byteOffset, data.length));
    this.length += data.length;
  }
  private flush(): void {
    if (this.small.length > 0) this.parts.push(Uint8Array.from(this.small));
    this.small = [];
  }
  into(bytes: Uint8Array, offset: number): void {
    this.flush();
    for (const part of this.parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
  }
}

function checkEntries(message: ModelMessage): void {
  if (message.positions < 1 || message.positions > maxPassPositions) throw new WireError(`expected 1 to ${maxPassPositions} positions, found ${message.positions}`);
  if (message.kind === 'forward' || message.positions > 1) return;
  if (message.entries.length !== 1 || message.entries[0]!.offset !== 0) throw new WireError('expected one entry at offset 0 in a one-position message');
}

export function encodeMessage(network: NetworkHeader, message: ModelMessage): Uint8Array {
  checkEntries(message);
  const many = message.positions > 1;
  const body = new ByteWriter();
  if (many) body.byte(message.positions);
  if (message.kind === 'forward') body.vector(message.x);
  else if (message.kind === 'call') {
    body.byte(message.call);
    if (many) body.byte(message.entries.length);
    for (const entry of message.entries) {
      if (many) body.byte(entry.offset);
      body.byte(entry.experts.length);
      for (const expert of entry.experts) body.byte(expert);
      body.vector(entry.x);
    }
  } else {
    body.byte(message.call);
    if (many) body.byte(message.entries.length);
    for (const entry of message.entries) {
      if (many) body.byte(entry.offset);
      body.byte(entry.outputs.length);
      for (const output of entry.outputs) {
        body.byte(output.id);
        body.byte(output.data ? 0 : 1);
        if (output.data) body.vector(output.data);
      }
    }
  }
  const bytes = new Uint8Array(networkHeaderBytes + modelHeaderBytes + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, network.destination);
  view.setUint16(2, network.origin);
  bytes[4] = network.hops;
  bytes[5] = kindCode[message.kind] + (many ? manyCode : 0);
  view.setUint16(6, message.request);
  bytes[8] = message.slot;
  bytes[9] = message.position;
  bytes[10] = message.layer;
  bytes[11] = message.attempt;
  body.into(bytes, networkHeaderBytes + modelHeaderBytes);
  return bytes;
}

export function decodeNetworkHeader(bytes: Uint8Array): NetworkHeader {
  if (bytes.length < networkHeaderBytes) throw new WireError(`expected at least ${networkHeaderBytes} bytes of network header, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { destination: view.getUint16(0), origin: view.getUint16(2), hops: bytes[4]! };
}

/** Reads fields and int8 vectors from a message's body, refusing anything past its end. */
function byteReader(bytes: Uint8Array, start: number) {
  let offset = start;
  return {
    get offset() {
      return offset;
    },
    vector(length: number, what: string): Int8Array {
      if (offset + length > bytes.length) throw new WireError(`expected ${length} bytes of ${what} at offset ${offset}, found ${bytes.length - offset}`);
      const out = new Int8Array(length);
      out.set(new Int8Array(bytes.buffer, bytes.byteOffset + offset, length));
      offset += length;
      return out;
    },
    byte(what: string): number {
      if (offset >= bytes.length) throw new WireError(`expected ${what} at offset ${offset}, found the end`);
      return bytes[offset++]!;
    },
  };
}

/** Decodes a model message whose activation vectors have `dim` entries. */
export function decodeMessage(bytes: Uint8Array, dim: number): { readonly network: NetworkHeader; readonly message: ModelMessage } {
  const network = decodeNetworkHeader(bytes);
  if (bytes.length < networkHeaderBytes + modelHeaderBytes) throw new WireError(`expected at least ${networkHeaderBytes + modelHeaderBytes} bytes, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const code = bytes[5]!;
  const kind = kindOf[code];
  if (kind === undefined || kind === '') throw new WireError(`expected kind 1 to 6, found ${code}`);
  const many = code > manyCode;
  const read = byteReader(bytes, networkHeaderBytes + modelHeaderBytes);
  const positions = many ? read.byte('the position count') : 1;
  if (many && (positions < 2 || positions > maxPassPositions)) throw new WireError(`expected 2 to ${maxPassPositions} positions, found ${positions}`);
  const address: TokenAddress = { request: view.getUint16(6), slot: bytes[8]!, position: bytes[9]!, layer: bytes[10]!, attempt: bytes[11]!, positions };
  let message: ModelMessage;
  if (kind === 'forward') message = { kind, ...address, x: read.vector(positions * dim, 'activations') };
  else {
    const call = read.byte('the call number');
    const count = many ? read.byte('the entry count') : 1;
    let last = -1;
    const offsetOf = (): number => {
      if (!many) return 0;
      const offset = read.byte('a position offset');
      if (offset <= last || offset >= positions) throw new WireError(`expected position offsets ascending below ${positions}, found ${offset} after ${last}`);
      return (last = offset);
    };
    if (kind === 'call') {
      const entries: CallEntry[] = [];
      for (let e = 0; e < count; e++) {
        const offset = offsetOf();
        const n = read.byte('the expert count');
        const experts: number[] = [];
        for (let i = 0; i < n; i++) experts.push(read.byte('an expert id'));
        entries.push({ offset, experts, x: read.vector(dim, 'activations') });
      }
      message = { kind, ...address, call, entries };
    } else {
      const entries: ReplyEntry[] = [];
      for (let e = 0; e < count; e++) {
        const offset = offsetOf();
        const n = read.byte('the output count');
        const outputs: ExpertOutput[] = [];
        for (let i = 0; i < n; i++) {
          const id = read.byte('an expert id');
          const status = read.byte('a status');
          if (status > 1) throw new WireError(`expected status 0 or 1, found ${status}`);
          outputs.push({ id, data: status === 0 ? read.vector(dim, 'an expert output') : undefined });
        }
        entries.push({ offset, outputs });
      }
      message = { kind, ...address, call, entries };
    }
  }
  if (read.offset !== bytes.length) throw new WireError(`expected ${read.offset} bytes, found ${bytes.length}`);
  return { network, message };
}
