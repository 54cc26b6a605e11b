/**
 * The Transport carries frames node → ether → receivers. Implementations must apply
 * transmissions to the ether in (startMs, sender, seq) order and deliveries to nodes in
 * (atMs, sender, seq, receiver) order, whatever order they arrived in, so that results are
 * byte-identical across transports (docs/explanation/design-notes.md, "Time, windows and
 * transports").
 */
import type { Delivery, Transmission } from '../radio/transmission.ts';
import type { RemotePartitions, ReportSink } from './partition-report.ts';
import type { ExchangeState } from './exchange.ts';

export interface TransportEndpoints {
  /** The ether's entry point, called at each transmission's start time. */
  readonly ether: (tx: Transmission) => void;
  /** Tells the ether a node died. */
  readonly nodeDied: (node: number, atMs: number) => void;
  /** Lets the ether decide the fates of frames that have ended by now. */
  readonly decide: (nowMs: number) => void;
  /** Each node's receive handler, by node index (nodes that run in another process have none). */
  readonly nodes: readonly (((delivery: Delivery) => void) | undefined)[];
  /** Takes a remote partition's report of the window (its node events, series rows, samples, application's part). */
  readonly report?: ReportSink;
}

export interface Transport {
  readonly kind: 'memory' | 'mqtt';
  /** True when `exchangeAsync` must be used (the run loop is then asynchronous). */
  readonly asynchronous: boolean;
  /** Node side: publish a transmission (called at tx.startMs). */
  transmit(tx: Transmission): void;
  /** Ether side: publish a delivery for one receiver (applied at delivery.atMs). */
  deliver(delivery: Delivery): void;
  /** Node side: a node died at `atMs` (its radio is off from then on); applied at the window's end. */
  nodeDied(node: number, atMs: number): void;
  /**
   * The window barrier: applies everything published so far, in canonical order (deaths,
   * transmissions, then deliveries scheduled at their own times). Called at each window's end.
   */
  exchange(): void;
  /**
   * The same barrier for transports whose messages travel asynchronously (MQTT); undefined
   * when every message had already arrived and the window was exchanged at once.
   */
  exchangeAsync?(): Promise<void> | undefined;
  /** Messages published but not yet applied. */
  readonly pending: number;
  /** Scheduler events the transport spent on its own hand-over (not counted as simulation events). */
  readonly plumbingEvents: number;
  /** The nodes that run in other processes (`loraswarm worker`), when there are any. */
  readonly remote?: RemotePartitions;
  /** Releases sockets, brokers and timers. */
  close(): Promise<void>;
  /** The window's exchange between windows, for a simulation checkpoint (absent: this transport cannot be checkpointed). */
  checkpoint?(): ExchangeState;
  restore?(state: ExchangeState): void;
}

/** Orders transmissions as every transport must apply them. */
export function compareTransmissions(a: Transmission, b: Transmission): number {
  return a.startMs - b.startMs || a.sender - b.sender || a.seq - b.seq;
}

/** Orders deliveries as every transport must apply them. */
export function compareDeliveries(a: Delivery, b: Delivery): number {
  return a.atMs - b.atMs || a.tx.sender - b.tx.sender || a.tx.seq - b.tx.seq || a.receiver - b.receiver || (a.kind === b.kind ? 0 : a.kind === 'rxStart' ? -1 : 1);
}
