/**
 * The ether's state as one explicit record, made once per run (ether.ts): what its parts —
 * frame starts (frame-start.ts), fates (reception-fate.ts), the channel logs (channel-log.ts)
 * and the interferers (interferers.ts) — share. Per-node state is in columns; per-frame state is
 * the frame's OnAir record (on-air.ts).
 */
import { collisionModels, type CollisionModel } from './collision/index.ts';
import { createChannelLogs, type ChannelLogs } from './channel-log.ts';
import type { EtherConfig, EtherNode, EtherOutput, UndetectableInterference } from './ether-config.ts';
import { createEtherReach, type EtherReach } from './ether-reach.ts';
import { createSenderRows } from './sender-row.ts';
import { createSignalPool, type SignalPool } from './interferers.ts';
import { createListenWindows, type ListenWindows } from './listen-windows.ts';
import type { OnAir } from './on-air.ts';

export interface Air {
  readonly config: EtherConfig;
  readonly nodes: readonly EtherNode[];
  readonly output: EtherOutput;
  readonly reach: EtherReach;
  readonly collide: CollisionModel;
  readonly undetectable: UndetectableInterference;
  readonly listening: ListenWindows;
  readonly logs: ChannelLogs;
  readonly signals: SignalPool;
  /**
   * Per finite-path receiver: the ends of the frames whose claims are resolved and hold one of
   * its demodulators (some may have ended: they leave when the list is next pruned, frame-start.ts).
   */
  readonly pathLocks: (number[] | undefined)[];
  /** Per finite-path receiver: the frames that hold one if they can detect it, not drawn yet (frame-start.ts). */
  readonly pathClaims: (OnAir[] | undefined)[];
  /** Their frames' ends, claim by claim (rebuilt from the claims on restore). */
  readonly pathClaimEnds: (number[] | undefined)[];
  /** Per node: when its receiver went off for good (Infinity while it lives). */
  readonly deadFromMs: Float64Array;
  /** Frames waiting for their fates, in the order they were applied; the earliest end among them. */
  readonly pending: OnAir[];
  firstEndMs: number;
  /** The frames being decided (reused). */
  readonly due: OnAir[];
  undecided: number;
  /** The next frame's start order, and the last frame's start (frames come in start order). */
  order: number;
  lastStartMs: number;
  /** End markers run (ether.ts). */
  markerEvents: number;
}

export function createAir(config: EtherConfig, output: EtherOutput): Air {
  const { nodes } = config;
  const senders = createSenderRows(nodes);
  return {
    config,
    nodes,
    output,
    reach: createEtherReach(config, senders),
    collide: collisionModels[config.collision],
    undetectable: config.undetectableInterfere ?? (config.collision === 'lorasim' ? 'never' : 'always'),
    listening: createListenWindows(nodes, config.classAWindows),
    logs: createChannelLogs(nodes.length, config.windowMs ?? config.processingDelayMs, senders),
    signals: createSignalPool(),
    pathLocks: new Array<number[] | undefined>(nodes.length),
    pathClaims: new Array<OnAir[] | undefined>(nodes.length),
    pathClaimEnds: new Array<number[] | undefined>(nodes.length),
    deadFromMs: new Float64Array(nodes.length).fill(Number.POSITIVE_INFINITY),
    pending: [],
    firstEndMs: Number.POSITIVE_INFINITY,
    due: [],
    undecided: 0,
    order: 0,
    lastStartMs: Number.NEGATIVE_INFINITY,
    markerEvents: 0,
  };
}
