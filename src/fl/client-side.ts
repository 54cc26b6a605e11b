/**
 * A federated client's side of a round (swarm.ts): it keeps the model chunks it hears (even
 * before its announce), asks for missing ones after a quiet while (`missing`, up to
 * `retransmissions` times), trains what the deadline leaves time for once it has the model, and
 * uploads its compressed update after a random jitter. What comes next is a step (data).
 *
 * The parts are module functions over the dependencies: client-download.ts (chunks, asking
 * again, giving up) and client-training.ts (training, the update, its upload).
 */
import type { NodeSpec } from '../scenario/resolve.ts';
import type { Continuation } from '../sim/scheduler.ts';
import type { Compressor } from './compression.ts';
import type { ClientSide, FlHost, FlSetup, RoundView } from './round-types.ts';
import type { FlMessage } from './wire.ts';
import type { ClientSessions } from './sessions.ts';
import { clientTimer, onClient } from './client-download.ts';
import { trained, upload } from './client-training.ts';
import type { TrainingPool } from './training-pool.ts';
import type { RoundCount } from './round-books.ts';

export { concat } from './wire.ts';

/** What a client does next (a checkpoint holds it). */
export type ClientStep =
  | { readonly type: 'clientTimer'; readonly node: number; readonly side: ClientSide; readonly timer: number }
  | { readonly type: 'trained'; readonly node: number; readonly side: ClientSide; readonly view: RoundView; readonly start: Float64Array; readonly budget: number }
  | { readonly type: 'upload'; readonly node: number; readonly side: ClientSide; readonly update: Uint8Array[]; readonly view: RoundView };

export interface FlClientsDeps {
  readonly setup: FlSetup;
  readonly specs: readonly NodeSpec[];
  readonly host: FlHost;
  readonly clientSide: Map<number, ClientSide>;
  readonly compressors: Map<number, Compressor>;
  readonly clientIndex: ReadonlyMap<number, number>;
  /** Application bytes per message, and per chunk. */
  readonly payloadBytes: number;
  readonly chunkBytes: number;
  /** How long after its start a round closes. */
  readonly deadlineMs: number;
  /** Scheduled rounds: the clients' radio sessions. */
  readonly sessions: ClientSessions | undefined;
  /** Threads that train the clients ahead, if any. */
  readonly training: TrainingPool | undefined;
  jitterOf(node: number): number;
  later(step: ClientStep, atMs?: number): Continuation;
  post(node: number, destination: number, message: FlMessage, round: number): void;
  postParity(node: number, destination: number, round: number, chunks: readonly Uint8Array[]): void;
  rebuild(node: number, round: number, chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], lastLength: number): void;
  /** `node` counts `n` more of `what` towards `round` (round-books.ts). */
  count(round: number, node: number, what: RoundCount, n: number): void;
  /** `node`'s training loss in `round` (round-books.ts). */
  loss(round: number, node: number, loss: number): void;
  /** `node` cannot train in time and sends nothing: the coordinator learns it at the exchange (round-news.ts). */
  drop(node: number, round: number): void;
  /** The round under way as this side knows it (round-news.ts). */
  current(): RoundView | undefined;
  global(): Float64Array;
}

export interface FlClients {
  onClient(node: number, message: FlMessage): void;
  runStep(step: ClientStep): void;
}

export function createFlClients(deps: FlClientsDeps): FlClients {
  return {
    onClient: (node, message) => onClient(deps, node, message),
    runStep(step) {
      switch (step.type) {
        case 'clientTimer':
          return clientTimer(deps, step.node, step.side, step.timer);
        case 'trained':
          return trained(deps, step.node, step.side, step.view, step.start, step.budget);
        case 'upload':
          return upload(deps, step.node, step.side, step.update, step.view);
      }
    },
  };
}
