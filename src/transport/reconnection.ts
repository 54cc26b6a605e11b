/**
 * A run's process outliving a broker blip (README, "Reliability"): when the broker restarts or
 * drops a connection, every client of the process reconnects (same client id, same
 * credentials, same last will) and subscribes again; once all are back, `onResumed` lets the
 * process ask its peers to publish again what may have been lost and publish its own
 * (replay-outbox.ts). Barriers do not time out while the broker is away; the absence itself
 * is bounded:
 * - the broker must be back within `windowMs` (60 s by default);
 * - one connection may be closed at most `maxDrops` times within `windowMs`: a client id that
 *   another client keeps taking over (Mosquitto lets any user do so) stops the run instead of
 *   making it flap;
 * - with `brokerInRun` (a worker of a run whose broker is embedded in the run's process), a
 *   refused reconnection means the run itself is gone, and the process stops at once.
 */
import type { MqttClient } from 'mqtt';
import type { Barrier } from './barrier.ts';
import { BrokerConnectionError } from './broker-connection-error.ts';
import { subscribeInBatches } from './client-connection.ts';

export interface ReconnectionOptions {
  readonly barrier: Barrier;
  /** Called each time every client is connected and subscribed again, with how long the first was away. */
  readonly onResumed: (awayMs: number) => void;
  /** How long the broker may stay away (default 60 s). */
  readonly windowMs?: number;
  /** Closures of one connection tolerated within `windowMs` (default 5). */
  readonly maxDrops?: number;
  /** The broker lives in the run's process: a refused reconnection means the run is gone. */
  readonly brokerInRun?: boolean;
  /** Milliseconds between reconnection attempts (default 250). */
  readonly retryMs?: number;
}

export interface Reconnection {
  /** Keeps `client` connected, subscribed to `subscriptions` (SUBSCRIBE packets of at most `packetBytes`: client-connection.ts), from now on. */
  watch(client: MqttClient, subscriptions: readonly string[], packetBytes?: number): void;
  /** Stops reconnecting: the process is closing its clients. */
  stop(): void;
  /** How many times the process came back after losing the broker. */
  readonly resumptions: number;
}

export const defaultReconnectWindowMs = 60_000;
export const defaultMaxDrops = 5;

export function createReconnection(options: ReconnectionOptions): Reconnection {
  const { barrier } = options;
  const windowMs = options.windowMs ?? defaultReconnectWindowMs;
  const maxDrops = options.maxDrops ?? defaultMaxDrops;
  const down = new Set<MqttClient>();
  let stopped = false;
  let resumptions = 0;
  let deadline: NodeJS.Timeout | undefined;
  let downSinceMs = 0;
  let lastError = '';

  const fail = (error: Error): void => {
    if (stopped) return;
    barrier.fail(error);
  };
  const name = (client: MqttClient): string => client.options.clientId ?? 'a client';

  const back = (client: MqttClient): void => {
    if (stopped || !down.delete(client) || down.size > 0) return;
    clearTimeout(deadline);
    deadline = undefined;
    barrier.resume();
    resumptions++;
    options.onResumed(Date.now() - downSinceMs);
  };

  return {
    watch(client, subscriptions, packetBytes) {
      client.options.reconnectPeriod = options.retryMs ?? 250;
      client.options.resubscribe = false;
      const drops: number[] = [];
      client.on('error', (error) => {
        lastError = error.message;
        const code = (error as NodeJS.ErrnoException).code;
        if (options.brokerInRun && down.has(client) && code === 'ECONNREFUSED') {
          fail(new BrokerConnectionError(`the connection of ${name(client)} to the broker closed mid-run, and the run's broker (inside the run's process) is gone: the run stopped`));
        }
      });
      client.on('close', () => {
        if (stopped || down.has(client)) return;
        const now = Date.now();
        drops.push(now);
        while (drops[0]! < now - windowMs) drops.shift();
        if (drops.length > maxDrops) {
          return fail(new BrokerConnectionError(`the connection of ${name(client)} to the broker was closed ${drops.length} times within ${windowMs / 1000} s (another client keeps connecting with its client id, or the broker keeps dropping it)`));
        }
        down.add(client);
        if (down.size === 1) {
          downSinceMs = now;
          barrier.suspend();
          deadline = setTimeout(() => {
            fail(new BrokerConnectionError(`the connection of ${name(client)} to the broker closed mid-run and the broker was not back within ${windowMs / 1000} s${lastError ? ` (last error: ${lastError})` : ''}`));
          }, windowMs);
        }
      });
      client.on('connect', () => {
        if (stopped || !down.has(client)) return;
        subscribeInBatches(client, subscriptions, packetBytes).then(
          () => back(client),
          // Lost again while subscribing: the next connect tries again.
          () => undefined,
        );
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(deadline);
      if (down.size > 0) barrier.resume();
    },
    get resumptions() {
      return resumptions;
    },
  };
}
