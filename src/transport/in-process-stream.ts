/**
 * Two connected in-memory duplex streams: what one side writes, the other reads. The embedded
 * broker serves the clients of its own process over such a pair instead of a loopback TCP
 * socket (issue 22): the same MQTT packets, the same broker hooks and packet-size guard, no
 * socket, no system call. (Node 22 has stream.duplexPair; Node 20 does not.)
 */
import { Duplex } from 'node:stream';

export function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
      destroy(error, callback) {
        const peer = other();
        if (!peer.destroyed) peer.destroy();
        callback(error);
      },
    });
  sides.push(make(() => sides[1]!), make(() => sides[0]!));
  return [sides[0]!, sides[1]!];
}
