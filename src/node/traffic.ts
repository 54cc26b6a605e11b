/**
 * Application traffic of sensor-like nodes: periodic or Poisson messages of a fixed size to
 * the sink, to a random neighbour, or to everyone in range.
 *
 * Every draw comes from the node's own traffic stream, one fixed number of draws per message,
 * so that adding a node never shifts another node's times.
 */
import type { RandomStream } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { LoraNode } from './lora-node.ts';

export type TrafficKind = 'periodic' | 'poisson';

export interface TrafficConfig {
  readonly kind: TrafficKind;
  /** Period (periodic) or mean interval (Poisson) between messages. */
  readonly intervalMs: number;
  /** Periodic only: each interval varies uniformly by ±jitter. */
  readonly jitterMs: number;
  readonly payloadBytes: number;
  readonly deadlineMs: number;
  /** Picks the destination of one message from a uniform draw in [0, 1). */
  readonly destination: (draw: number) => number;
  /** No message is created at or after this time. */
  readonly endMs: number;
  /** False once the node is dead: it creates nothing more. */
  readonly alive: () => boolean;
  /** Work before each message (the MCU computes, then the message goes); none when absent. */
  readonly prepare?: (send: () => void) => void;
}

/**
 * Schedules a node's messages. The first message comes at a uniform time within the first
 * interval (periodic) or after an exponential gap (Poisson), so that nodes do not start in
 * lockstep.
 */
export function startTraffic(node: LoraNode, config: TrafficConfig, scheduler: Scheduler, rng: RandomStream): void {
  const nextGapMs = (): number => {
    if (config.kind === 'poisson') return rng.exponential(config.intervalMs);
    return config.intervalMs + (2 * rng.next() - 1) * config.jitterMs;
  };
  const emitOne = (): void => {
    if (!config.alive()) return;
    const destination = config.destination(rng.next());
    const createdAtMs = scheduler.nowMs;
    const send = (): void => {
      if (!config.alive()) return;
      const payload = new Uint8Array(config.payloadBytes);
      node.send({ destination, payload: fill(payload, createdAtMs), deadlineMs: config.deadlineMs });
    };
    if (config.prepare) config.prepare(send);
    else send();
    schedule(scheduler.nowMs + nextGapMs());
  };
  const schedule = (atMs: number): void => {
    if (atMs < config.endMs) scheduler.at(atMs, emitOne);
  };
  schedule(config.kind === 'poisson' ? rng.exponential(config.intervalMs) : rng.next() * config.intervalMs);
}

/** Sensor-like content: a deterministic byte pattern derived from the creation time. */
function fill(payload: Uint8Array, atMs: number): Uint8Array {
  let value = Math.floor(atMs) >>> 0;
  for (let i = 0; i < payload.length; i++) {
    value = (Math.imul(value, 1103515245) + 12345) >>> 0;
    payload[i] = value >>> 24;
  }
  return payload;
}
