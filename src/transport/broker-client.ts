/**
 * What the MQTT transport asks of a client of the broker: publish at QoS 0, subscribe, take
 * messages, end. An mqtt.js `MqttClient` is one (workers, an external broker, viewers); the
 * embedded broker's own in-process clients are another (direct-client.ts).
 */

/** A received PUBLISH as far as the transport reads it. */
export interface ReceivedPacket {
  readonly retain: boolean;
}

export type MessageListener = (topic: string, payload: Buffer, packet: ReceivedPacket) => void;

export interface BrokerClient {
  /** Whether the client is connected now. */
  readonly connected: boolean;
  publish(topic: string, payload: Buffer | string, options: { readonly qos: 0; readonly retain?: boolean }): unknown;
  subscribeAsync(topics: string | string[], options: { readonly qos: 0 }): Promise<unknown>;
  /** Ends the connection; `force` does not wait for what is queued. */
  endAsync(force?: boolean): Promise<unknown>;
  on(event: 'message', listener: MessageListener): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Runs `work` with the socket of each client corked, so that what it publishes leaves in one
 * write per connection, and uncorks them after, whatever happens. A client without a stream of
 * its own (a direct client) is left as it is.
 */
export function corked<T>(clients: readonly BrokerClient[], work: () => T): T {
  const streams = clients.map((client) => (client as { stream?: { cork?: () => void; uncork?: () => void } }).stream);
  for (const stream of streams) stream?.cork?.();
  try {
    return work();
  } finally {
    for (const stream of streams) stream?.uncork?.();
  }
}
