import { generate, parser, type IConnectPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createConnectRewrite, maxConnectBytes } from '../../src/dashboard/connect-rewrite.ts';

const viewer = { username: 'viewer', password: 'secret-of-the-run' };
const connect = generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'page-1', keepalive: 60 } as IConnectPacket);
const subscribe = generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'swarm/r/metrics/#', qos: 0 }] } as Packet);

function packets(bytes: Buffer): Packet[] {
  const found: Packet[] = [];
  const reader = parser({ protocolVersion: 4 });
  reader.on('packet', (packet: Packet) => found.push(packet));
  reader.parse(bytes);
  return found;
}

describe('the relay puts the viewer\'s credentials into a page\'s CONNECT (issue 15, finding 14)', () => {
  it('rewrites a CONNECT split over messages, then passes what follows byte for byte', () => {
    const rewrite = createConnectRewrite(viewer);
    expect(rewrite.take(connect.subarray(0, 5))).toBeUndefined();
    const out = rewrite.take(Buffer.concat([connect.subarray(5), subscribe.subarray(0, 4)]))!;
    const rest = rewrite.take(subscribe.subarray(4))!;
    const [first, second] = packets(Buffer.concat([out, rest]));
    expect(first).toMatchObject({ cmd: 'connect', clientId: 'page-1', username: 'viewer', keepalive: 60 });
    expect((first as IConnectPacket).password!.toString()).toBe('secret-of-the-run');
    expect(second).toMatchObject({ cmd: 'subscribe', messageId: 1 });
    expect(rest).toEqual(subscribe.subarray(4));
  });

  it('replaces credentials a page might send, and refuses a first packet that is not a CONNECT or is too large', () => {
    const forged = generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'p', keepalive: 10, username: 'coordinator', password: Buffer.from('guess') } as IConnectPacket);
    const [packet] = packets(createConnectRewrite(viewer).take(forged)!);
    expect(packet).toMatchObject({ username: 'viewer' });
    expect(() => createConnectRewrite(viewer).take(subscribe)).toThrow("the page's first packet is subscribe, expected CONNECT");
    const huge = Buffer.from([0x10, 0xff, 0xff, 0x03]);
    expect(() => createConnectRewrite(viewer).take(huge)).toThrow(`the page's first packet has 65539 bytes, more than a CONNECT may (${maxConnectBytes})`);
  });
});
