/**
 * The broker's per-connection guard (packet-size-guard.ts) on its write side: what aedes
 * writes in one turn of the event loop leaves in one write to the connection, in order, under
 * backpressure too, and nothing written before an end or a close is lost.
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PacketSizeGuard } from '../../src/transport/packet-size-guard.ts';

/** A connection that records each write it is given (one entry per `_write` or `_writev` call) and drains slowly when told to, at once otherwise. */
function connection(highWaterMark = 16 * 1024, slowMs = 0): { inner: Duplex; writes: Buffer[][]; ended: () => boolean } {
  const writes: Buffer[][] = [];
  let ended = false;
  // A fast connection finishes each write at once, so no write of the guard's waits on a timer (a loaded machine may not run a 1 ms timer within two turns).
  const done = (callback: () => void): void => {
    if (slowMs === 0) callback();
    else setTimeout(callback, slowMs);
  };
  const inner = new Duplex({
    highWaterMark,
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      writes.push([chunk]);
      done(callback);
    },
    writev(chunks, callback) {
      writes.push(chunks.map(({ chunk }) => chunk as Buffer));
      done(callback);
    },
    final(callback) {
      ended = true;
      callback();
    },
  });
  return { inner, writes, ended: () => ended };
}

const guardOn = (inner: Duplex): PacketSizeGuard => new PacketSizeGuard(inner, { publishBytes: 1024, controlBytes: 1024 }, () => undefined);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const bytesOf = (writes: Buffer[][]): number[] => [...Buffer.concat(writes.flat())];

describe('the packet-size guard\u2019s writes', () => {
  it('sends what is written in one turn of the event loop in one write, in order', async () => {
    const { inner, writes } = connection();
    const guard = guardOn(inner);
    for (let i = 0; i < 10; i++) guard.write(Buffer.from([i]));
    expect(writes).toEqual([]);
    await turn();
    await turn();
    expect(writes).toHaveLength(1);
    expect(bytesOf(writes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    guard.write(Buffer.from([10]));
    await turn();
    await turn();
    expect(writes).toHaveLength(2);
    guard.destroy();
  });

  it('keeps every byte in order through backpressure, and calls back every write', async () => {
    const { inner, writes } = connection(64, 1);
    const guard = guardOn(inner);
    const sent: number[] = [];
    let calledBack = 0;
    let i = 0;
    // Ten turns of 100 writes of 10 bytes against a 64-byte connection that takes a millisecond per write.
    for (let t = 0; t < 10; t++) {
      for (let k = 0; k < 100; k++, i++) {
        const chunk = Buffer.alloc(10, i & 255);
        sent.push(...chunk);
        guard.write(chunk, () => calledBack++);
      }
      await turn();
    }
    await new Promise<void>((resolve) => guard.end(resolve));
    expect(calledBack).toBe(1000);
    expect(bytesOf(writes)).toEqual(sent);
    expect(writes.length).toBeLessThan(1000);
  });

  it('lets what was written go before an end or a close', async () => {
    const a = connection();
    const ending = guardOn(a.inner);
    ending.write(Buffer.from([1, 2]));
    await new Promise<void>((resolve) => ending.end(resolve));
    expect(bytesOf(a.writes)).toEqual([1, 2]);
    expect(a.ended()).toBe(true);
    // A refusal's last packet (a CONNACK) is written and the connection closed in the same turn.
    const b = connection();
    const closing = guardOn(b.inner);
    closing.write(Buffer.from([32, 2, 0, 5]));
    closing.destroy();
    expect(bytesOf(b.writes)).toEqual([32, 2, 0, 5]);
  });
});
