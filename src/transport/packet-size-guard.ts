/**
 * MQTT packet sizes on the wire, and a stream guard that refuses oversize packets before aedes
 * buffers them (aedes 1.2.0 has no size option of its own).
 */
import { Duplex } from 'node:stream';
import { maxEnvelopeBytes } from './envelope.ts';
import { runTopics } from './topics.ts';

/**
 * The broker's packet limit for a run: a PUBLISH of the largest envelope on the run's longest
 * topic, with a little slack for a packet identifier.
 */
export function maxRunPacketBytes(runId: string, nodes: number): number {
  return publishPacketBytes(runTopics(runId, nodes).rx(Math.max(0, nodes - 1)), maxEnvelopeBytes, 0) + 16;
}

/** Largest non-PUBLISH packet accepted (CONNECT with a will, SUBSCRIBE with many filters). */
export const controlPacketLimitBytes = 65_536;

/**
 * Size of a PUBLISH packet on the wire: fixed header (1 byte + 1..4 bytes of remaining
 * length), topic (2-byte length + UTF-8), packet identifier when QoS > 0, payload
 * (MQTT 3.1.1, sections 2.2, 3.3.2, 3.3.3).
 * @example
 * publishPacketBytes('swarm/r1/tx/0', 100, 0); // 117
 */
export function publishPacketBytes(topic: string, payloadBytes: number, qos: number): number {
  const remaining = 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + payloadBytes;
  return 1 + remainingLengthBytes(remaining) + remaining;
}

/** Bytes that encode a packet's remaining length (MQTT 3.1.1, 2.2.3): one per 7 bits. */
export function remainingLengthBytes(remaining: number): number {
  return remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
}

/**
 * Sits between a connection and aedes, reading each packet's fixed header (MQTT 3.1.1, 2.2)
 * as bytes pass. A packet over its limit is refused before its body is buffered: the bytes of
 * the packets before it still reach aedes, then the stream ends and aedes closes the
 * connection. aedes' parser (mqtt-packet) has no size limit of its own.
 */
export class PacketSizeGuard extends Duplex {
  readonly #inner: Duplex;
  readonly #limits: { readonly publishBytes: number; readonly controlBytes: number };
  readonly #onOversize: (detail: string) => void;
  #skipBytes = 0;
  #typeByte = -1;
  #remaining = 0;
  #lengthBytes = 0;
  #stopped = false;
  #ended = false;
  #corked = false;
  #onDrain: (() => void) | undefined;

  constructor(inner: Duplex, limits: { readonly publishBytes: number; readonly controlBytes: number }, onOversize: (detail: string) => void) {
    super();
    this.#inner = inner;
    this.#limits = limits;
    this.#onOversize = onOversize;
    inner.on('data', (chunk: Buffer) => this.#receive(chunk));
    inner.on('end', () => {
      this.#ended = true;
      if (!this.#stopped) this.push(null);
    });
    inner.on('drain', () => {
      const callback = this.#onDrain;
      this.#onDrain = undefined;
      callback?.();
    });
    inner.on('error', (error) => this.destroy(error));
    // After a clean end, aedes still reads what the guard holds, then closes the guard itself.
    inner.on('close', () => {
      if (!this.#ended) this.destroy();
    });
  }

  #receive(chunk: Buffer): void {
    if (this.#stopped) return;
    let i = 0;
    let packetStart = 0;
    while (i < chunk.length) {
      if (this.#skipBytes > 0) {
        const n = Math.min(this.#skipBytes, chunk.length - i);
        this.#skipBytes -= n;
        i += n;
        continue;
      }
      const byte = chunk.readUInt8(i);
      i += 1;
      if (this.#typeByte < 0) {
        packetStart = i - 1;
        this.#typeByte = byte;
        this.#remaining = 0;
        this.#lengthBytes = 0;
        continue;
      }
      this.#remaining += (byte & 0x7f) * 128 ** this.#lengthBytes;
      this.#lengthBytes += 1;
      if (byte & 0x80) {
        // A fifth length byte is malformed [MQTT-2.2.3]: stop scanning and let aedes' parser say so.
        if (this.#lengthBytes === 4) this.#skipBytes = Infinity;
        continue;
      }
      const totalBytes = 1 + this.#lengthBytes + this.#remaining;
      const isPublish = this.#typeByte >> 4 === 3;
      const limit = isPublish ? this.#limits.publishBytes : this.#limits.controlBytes;
      if (totalBytes > limit) {
        return this.#stop(chunk.subarray(0, packetStart), `${isPublish ? 'publish' : `packet type ${this.#typeByte >> 4}`} of ${totalBytes} bytes, limit ${limit}`);
      }
      this.#skipBytes = this.#remaining;
      this.#typeByte = -1;
    }
    if (!this.push(chunk)) this.#inner.pause();
  }

  /** Passes on the packets before the refused one, then ends the stream. */
  #stop(before: Buffer, detail: string): void {
    this.#stopped = true;
    this.#inner.pause();
    this.#onOversize(detail);
    if (before.length > 0) this.push(before);
    this.push(null);
  }

  override _read(): void {
    if (!this.#stopped) this.#inner.resume();
  }

  /**
   * aedes writes each packet it forwards on its own, from a `setImmediate` of its own: the
   * packets written in one turn of the event loop (a window's op and deliveries to a worker)
   * leave in one write to the connection, at the next turn's immediates, not one system call each.
   */
  #coalesce(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.#inner.cork();
    setImmediate(() => this.#flush());
  }

  /** Lets what was written go (before an end or a close too: a refusal's CONNACK must leave before the connection closes). */
  #flush(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#inner.uncork();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#coalesce();
    if (this.#inner.write(chunk, encoding)) callback();
    else this.#onDrain = callback;
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    this.#coalesce();
    let flowing = true;
    for (const { chunk, encoding } of chunks) flowing = this.#inner.write(chunk, encoding);
    if (flowing) callback();
    else this.#onDrain = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#flush();
    this.#inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#flush();
    this.#inner.destroy();
    callback(error);
  }
}

