/**
 * The seeded backoff before a retry (engine.ts): uniform up to half the timeout, from the
 * node's own stream (`inference/backoff/<node>`, made when the node first needs it): two nodes
 * paced by the same duty cycle otherwise collide again and again at the same phase.
 */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { RandomStreams, RandomStreamState, SavableStream } from '../sim/rng.ts';

export interface BackoffStreams extends Checkpointable<Map<number, RandomStreamState>> {
  /** The next backoff of `node`, ms. */
  backoffOf(node: number): number;
}

export function createBackoffStreams(rng: RandomStreams, timeoutMs: number): BackoffStreams {
  const streams = new Map<number, SavableStream>();
  const name = (node: number): string => `inference/backoff/${node}`;
  return {
    backoffOf(node) {
      let stream = streams.get(node);
      if (!stream) streams.set(node, (stream = rng.stream(name(node))));
      return stream.next() * (timeoutMs / 2);
    },
    checkpoint: () => new Map([...streams].map(([node, stream]) => [node, stream.checkpoint()])),
    restore(saved) {
      streams.clear();
      for (const [node, state] of saved) {
        const stream = rng.stream(name(node));
        stream.restore(state);
        streams.set(node, stream);
      }
    },
  };
}
