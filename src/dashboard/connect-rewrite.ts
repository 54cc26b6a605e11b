/**
 * The viewer's credentials stay on the server: a live page connects through the dashboard
 * server's `/mqtt` relay without any, and the relay puts the viewer's user name and password
 * into the page's MQTT CONNECT packet (MQTT 3.1.1 §3.1) before it reaches the broker. The page
 * (which a user may save, share or leave open) then holds no secret, and a broker's ACL still
 * applies to the viewer role as before.
 *
 * The relay reads the browser's first bytes until its first packet is whole (MQTT over
 * WebSocket may split a packet over messages, §6), at most `maxConnectBytes`; a first packet
 * that is not a CONNECT, or is larger, closes the connection.
 *
 * @example
 * const rewrite = createConnectRewrite({ username: 'viewer', password: '…' });
 * const out = rewrite.take(bytesFromBrowser); // undefined while the CONNECT is incomplete
 */
import { generate, parser, type IConnectPacket, type Packet } from 'mqtt-packet';

/** A CONNECT from a page is a few dozen bytes: a client id and, at most, a will. */
export const maxConnectBytes = 4096;

export interface ConnectRewrite {
  /**
   * Takes the browser's next bytes: before the CONNECT is whole, undefined; then the rewritten
   * CONNECT followed by whatever came after it; from then on, the bytes as they are. Throws a
   * RangeError for a first packet that is not a CONNECT or passes `maxConnectBytes`.
   */
  take(bytes: Buffer): Buffer | undefined;
}

export function createConnectRewrite(credentials: { readonly username: string; readonly password: string }): ConnectRewrite {
  let buffered = Buffer.alloc(0);
  let done = false;
  return {
    take(bytes) {
      if (done) return bytes;
      buffered = Buffer.concat([buffered, bytes]);
      if (buffered.length > maxConnectBytes * 2) throw new RangeError(`the page sent ${buffered.length} bytes without a whole CONNECT packet`);
      const length = wholePacketLength(buffered);
      if (length === undefined) return undefined;
      if (length > maxConnectBytes) throw new RangeError(`the page's first packet has ${length} bytes, more than a CONNECT may (${maxConnectBytes})`);
      const packet = parseOne(buffered.subarray(0, length));
      if (packet?.cmd !== 'connect') throw new RangeError(`the page's first packet is ${packet?.cmd ?? 'not MQTT'}, expected CONNECT`);
      const connect = packet as IConnectPacket;
      const rewritten = generate({ ...connect, username: credentials.username, password: Buffer.from(credentials.password) } as IConnectPacket);
      done = true;
      const rest = buffered.subarray(length);
      buffered = Buffer.alloc(0);
      return Buffer.concat([rewritten, rest]);
    },
  };
}

/** The length of the first packet (fixed header included) if `bytes` holds all of it. */
function wholePacketLength(bytes: Buffer): number | undefined {
  // The remaining length: up to four bytes of 7 bits each (§2.2.3).
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    if (i >= bytes.length) return undefined;
    const byte = bytes[i]!;
    remaining += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) {
      const total = 1 + i + remaining;
      return bytes.length >= total ? total : total > maxConnectBytes ? total : undefined;
    }
  }
  throw new RangeError('the page sent a packet whose remaining length runs past four bytes');
}

function parseOne(bytes: Buffer): Packet | undefined {
  let found: Packet | undefined;
  const reader = parser({ protocolVersion: 4 });
  reader.on('packet', (packet: Packet) => (found ??= packet));
  reader.on('error', () => undefined);
  reader.parse(bytes);
  return found;
}
