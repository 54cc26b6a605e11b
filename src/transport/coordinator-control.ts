/**
 * How the coordinator publishes its control messages to the workers (worker-protocol.ts):
 * each value in chunks within the run's packet limit, an op kept in the replay outbox until
 * the worker's report acknowledges it; and the replays workers ask for, coalesced.
 */
import type { BrokerClient } from './broker-client.ts';
import { chunkControl, controlChunkBytes, encodeControlValue } from './control-codec.ts';
import type { ReplayOutbox } from './replay-outbox.ts';
import type { RunTopics } from './topics.ts';

export interface CoordinatorControl {
  /** Publishes `value` on `ctl/<path>`; `keep`: an op, published again after a broker blip until the worker's report acknowledges it. */
  send(path: string, value: unknown, keep?: boolean): void;
  /** Publishes the outbox again soon (a worker back from a broker blip asked for it). */
  replaySoon(): void;
  /** Cancels a replay still to come. */
  stop(): void;
}

export function createCoordinatorControl(client: BrokerClient, topics: RunTopics, maxPacketBytes: number, outbox: ReplayOutbox): CoordinatorControl {
  let stream = 0;
  const chunkBytes = controlChunkBytes(maxPacketBytes, topics.ctl(`run/${'x'.repeat(16)}/assign`));
  // Replays asked for by workers are coalesced: a worker credential cannot make the
  // coordinator publish its outbox more than four times a second.
  let replayTimer: NodeJS.Timeout | undefined;
  let lastReplayMs = 0;
  return {
    send(path, value, keep = false) {
      const topic = topics.ctl(path);
      for (const chunk of chunkControl(stream++, encodeControlValue(value), chunkBytes)) {
        if (keep) outbox.publish(client, topic, Buffer.from(chunk));
        else client.publish(topic, Buffer.from(chunk), { qos: 0 });
      }
    },
    replaySoon() {
      if (replayTimer !== undefined) return;
      replayTimer = setTimeout(() => {
        replayTimer = undefined;
        lastReplayMs = Date.now();
        outbox.replay();
      }, Math.max(0, lastReplayMs + 250 - Date.now()));
      replayTimer.unref();
    },
    stop() {
      clearTimeout(replayTimer);
    },
  };
}
