/**
 * Live snapshots across partitions: each sample's share from this process and from every
 * worker (keyed by the sample's time) is gathered, and the snapshot goes out once all are in.
 * A snapshot counts the tracker's books as of the last window's end.
 */
import type { RadioTotals } from '../metrics/radio-tracker.ts';
import type { SamplePartial } from '../transport/partition-report.ts';
import type { LiveSnapshot } from './simulation-types.ts';

export interface LiveSamples {
  /** Takes one partition's share of a sample (`local`: this process's). */
  share(partial: SamplePartial, local: boolean): void;
}

/** `remoteParts()` is read when a share arrives: the workers are known only once the transport is. */
export function createLiveSamples(onSample: ((snapshot: LiveSnapshot) => void) | undefined, remoteParts: () => number, totals: () => RadioTotals): LiveSamples {
  const pending = new Map<number, { local?: SamplePartial; remote: SamplePartial[] }>();
  const publish = (local: SamplePartial, remote: readonly SamplePartial[]): void => {
    const books = totals();
    onSample!({
      atMs: local.atMs,
      nodesAlive: remote.reduce((sum, share) => sum + share.nodesAlive, local.nodesAlive),
      framesSent: books.sent,
      dutyCycleBlocked: books.dutyCycleBlocked,
      received: books.fates.received,
      receptions: books.receptions,
      messagesDelivered: books.messageDeliveries,
      energyJ: remote.reduce((sum, share) => sum + share.energyUj, local.energyUj) / 1e6,
    });
  };
  return {
    share(partial, local) {
      if (!onSample) return;
      const shares = pending.get(partial.atMs) ?? { remote: [] };
      if (local) shares.local = partial;
      else shares.remote.push(partial);
      if (shares.local !== undefined && shares.remote.length === remoteParts()) {
        pending.delete(partial.atMs);
        publish(shares.local, shares.remote);
      } else pending.set(partial.atMs, shares);
    },
  };
}
