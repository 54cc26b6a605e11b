/**
 * A client's random delay before it transmits (settings.uplinkJitter), from its own stream
 * (`fl/jitter/<node>`, made when the node first needs it).
 */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { RandomStreams, RandomStreamState, SavableStream } from '../sim/rng.ts';

export interface JitterStreams extends Checkpointable<Map<number, RandomStreamState>> {
  /** The next jitter of `node`, ms. */
  jitterOf(node: number): number;
}

export function createJitterStreams(streams: RandomStreams, uplinkJitterMs: number): JitterStreams {
  const byNode = new Map<number, SavableStream>();
  const name = (node: number): string => `fl/jitter/${node}`;
  return {
    jitterOf(node) {
      let stream = byNode.get(node);
      if (!stream) byNode.set(node, (stream = streams.stream(name(node))));
      return stream.next() * uplinkJitterMs;
    },
    checkpoint: () => new Map([...byNode].map(([node, stream]) => [node, stream.checkpoint()])),
    restore(saved) {
      byNode.clear();
      for (const [node, state] of saved) {
        const stream = streams.stream(name(node));
        stream.restore(state);
        byNode.set(node, stream);
      }
    },
  };
}
