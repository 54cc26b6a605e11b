/** Thrown when a client's connection to the broker is lost mid-run for good (reconnection.ts). */
export class BrokerConnectionError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BrokerConnectionError';
  }
}
