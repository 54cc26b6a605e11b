import { describe, expect, it } from 'vitest';
import { createSeenMessages, deliveryKey, transmissionKey } from '../../src/transport/seen-messages.ts';
import { createReplayOutbox } from '../../src/transport/replay-outbox.ts';
import type { MqttClient } from 'mqtt';

describe('the messages a receiver has seen (replays after a broker blip count once)', () => {
  it('takes a message once, refuses its copies, and forgets identities older than the floor', () => {
    const seen = createSeenMessages();
    expect(seen.fresh(transmissionKey(3, 7), 100)).toBe(true);
    expect(seen.fresh(transmissionKey(3, 7), 100)).toBe(false);
    expect(seen.fresh(transmissionKey(3, 8), 100)).toBe(true);
    expect(seen.fresh(deliveryKey(1, 3, 7, 'frame'), 250)).toBe(true);
    expect(seen.fresh(deliveryKey(2, 3, 7, 'frame'), 250)).toBe(true);
    expect(seen.size).toBe(4);
    // A barrier at 200: the frames that started at 100 are forgotten, and a copy of one is
    // still refused, by its time; the deliveries at 250 are still remembered.
    seen.floor(200);
    expect(seen.size).toBe(2);
    expect(seen.fresh(transmissionKey(3, 7), 100)).toBe(false);
    expect(seen.fresh(deliveryKey(1, 3, 7, 'frame'), 250)).toBe(false);
    // A message at the floor itself is new (the next window starts there).
    expect(seen.fresh(transmissionKey(4, 0), 200)).toBe(true);
    // The floor never goes down.
    seen.floor(150);
    expect(seen.fresh(transmissionKey(5, 0), 160)).toBe(false);
  });

  it('replays the current and, with two generations, the previous window, oldest first', () => {
    const sent: string[] = [];
    const client = { publish: (topic: string) => void sent.push(topic) } as unknown as MqttClient;
    const outbox = createReplayOutbox(2);
    outbox.publish(client, 'a', Buffer.alloc(0));
    outbox.advance();
    outbox.publish(client, 'b', Buffer.alloc(0));
    sent.length = 0;
    expect(outbox.replay()).toBe(2);
    expect(sent).toEqual(['a', 'b']);
    outbox.advance();
    outbox.advance();
    expect(outbox.size).toBe(0);
    const single = createReplayOutbox(1);
    single.publish(client, 'c', Buffer.alloc(0));
    single.advance();
    expect(single.size).toBe(0);
  });
});
