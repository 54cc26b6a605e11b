/**
 * The ether: the channel model. It knows every node's position and receiver, and every
 * transmission on the air; for each addressed receiver of a frame it decides exactly one fate.
 *
 * Transmissions must be applied in (startMs, sender, seq) order, at most one lookahead window
 * after they start (the transport and the window protocol guarantee it).
 * Receive paths are claimed when a frame starts; fates are decided at the end of the window in
 * which it ends (`decideUntil`), once every interferer is known; received frames are handed on
 * `processingDelayMs` after their end.
 *
 * A receiver hears a frame addressed to it only if its radio is on when the preamble comes: its
 * wake schedule catches the frame (radio/wake-schedule.ts) and it is not dead. When it catches
 * a detectable frame, the ether tells it (`rxStart`) so that its radio stays in receive until
 * the frame ends.
 *
 * Fate precedence at one receiver: lostHalfDuplex (it was transmitting) → asleep (its radio was
 * off: asleep by its schedule, or dead) → underSensitivity → noReceivePath (all demodulators busy at the frame's start) →
 * collided (the collision model) → dropped (extra loss) → received.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import { keyedNormal, keyedUniform } from '../sim/keyed-random.ts';
import { collisionModels, type CollisionModelId, type Signal } from './collision/index.ts';
import { meanPathLossDb, rxPowerDbm, type PathLossModel } from './path-loss.ts';
import { noiseFloorDbm, sensitivityDbm, type SensitivityTableId } from './sensitivity.ts';
import { broadcastDestination, type Delivery, type Fate, type Transmission } from './transmission.ts';
import { catchTimeMs, type WakeSchedule } from './wake-schedule.ts';

export interface EtherNode {
  /** Stable key of the node (from its id), for the keyed draws of shadowing and extra loss. */
  readonly key: number;
  readonly xM: number;
  readonly yM: number;
  readonly antennaGainDbi: number;
  readonly sensitivityTable: SensitivityTableId;
  readonly noiseFigureDb: number;
  /** Frames this receiver can demodulate at once; Infinity when unlimited. */
  readonly receivePaths: number;
  /** When its receiver is on. */
  readonly wake: WakeSchedule;
  /** Whether it wants an `rxStart` when it catches a frame (a concentrator does not). */
  readonly notifiesRxStart: boolean;
}

export type ShadowingMode = 'per-frame' | 'per-link';

export interface EtherConfig {
  readonly nodes: readonly EtherNode[];
  readonly pathLoss: PathLossModel;
  readonly shadowingMode: ShadowingMode;
  readonly collision: CollisionModelId;
  /** Probability that an otherwise received frame is lost anyway (extra loss model). */
  readonly extraLossProbability: number;
  /** Radio interrupt and FIFO read-out between a frame's end and its receiver acting on it. */
  readonly processingDelayMs: number;
  /** Seed of the keyed draws (shadowing, extra loss). */
  readonly seed: number;
  /**
   * A broadcast addresses every node whose mean received power is at least sensitivity minus
   * this margin (3σ of the shadowing is added).
   */
  readonly broadcastMarginDb: number;
}

export interface ReceptionEvent {
  readonly type: 'reception';
  readonly atMs: number;
  readonly tx: Transmission;
  readonly receiver: number;
  readonly fate: Fate;
  readonly rxPowerDbm: number;
  readonly snrDb: number;
}

export interface EtherOutput {
  reception(event: ReceptionEvent): void;
  deliver(delivery: Delivery): void;
}

export interface Ether {
  /**
   * Puts a frame on the air; call in (startMs, sender, seq) order, at a time between its start
   * and its start plus the processing delay (the end of the window it started in).
   */
  transmit(tx: Transmission): void;
  /**
   * Decides the fates of every frame that ended at or before `nowMs`, in (end, start order).
   * Called at each window's end, once the window's transmissions are in: every interferer of
   * such a frame started before it ended, so it is known.
   */
  decideUntil(nowMs: number): void;
  /** A node died: its receiver is off from `atMs` on. */
  nodeDied(node: number, atMs: number): void;
  /** Frames on the air whose fates are not decided yet. */
  readonly undecided: number;
  /** Frames on the air or recent enough to interfere with an undecided one. */
  readonly trackedTransmissions: number;
}

interface OnAir {
  readonly tx: Transmission;
  readonly order: number;
  /** Received power per receiver index, computed once. */
  readonly powerAt: Map<number, number>;
}

interface PendingFrame {
  readonly onAir: OnAir;
  readonly targets: readonly number[];
  readonly caught: readonly boolean[];
  readonly noPath: Set<number> | undefined;
}

const noop = (): void => undefined;

interface ChannelLog {
  readonly items: OnAir[];
  pruneAtLength: number;
}

const sentinelSpan = 2 ** 21;

export function createEther(config: EtherConfig, scheduler: Scheduler, output: EtherOutput): Ether {
  const { nodes, pathLoss } = config;
  const collide = collisionModels[config.collision];
  const sigma = pathLoss.shadowingSigmaDb;
  const byChannel = new Map<number, ChannelLog>();
  const ownTx: OnAir[][] = nodes.map(() => []);
  const pathLocks: number[][] = nodes.map(() => []);
  const finitePathReceivers = nodes.flatMap((node, index) => (Number.isFinite(node.receivePaths) ? [index] : []));
  const meanLoss = new Map<number, number>();
  const broadcastTargets = new Map<string, number[]>();
  const deadFromMs = nodes.map(() => Number.POSITIVE_INFINITY);
  let undecided = 0;
  /** Frames waiting for their fates, in the order they were applied. */
  let pending: PendingFrame[] = [];
  let order = 0;
  let maxAirtimeMs = 0;
  let tracked = 0;

  function meanLossDb(a: number, b: number): number {
    const key = a < b ? a * sentinelSpan + b : b * sentinelSpan + a;
    let loss = meanLoss.get(key);
    if (loss === undefined) {
      const na = nodes[a]!;
      const nb = nodes[b]!;
      loss = meanPathLossDb(pathLoss, Math.hypot(na.xM - nb.xM, na.yM - nb.yM));
      meanLoss.set(key, loss);
    }
    return loss;
  }

  function shadowingDb(tx: Transmission, receiver: number): number {
    if (sigma === 0) return 0;
    const senderKey = nodes[tx.sender]!.key;
    const receiverKey = nodes[receiver]!.key;
    if (config.shadowingMode === 'per-link') {
      // Reciprocal: the same draw in both directions.
      const [a, b] = senderKey < receiverKey ? [senderKey, receiverKey] : [receiverKey, senderKey];
      return sigma * keyedNormal(config.seed, 1, a, b);
    }
    return sigma * keyedNormal(config.seed, 2, senderKey, tx.seq, receiverKey);
  }

  function powerAt(onAir: OnAir, receiver: number): number {
    let rxDbm = onAir.powerAt.get(receiver);
    if (rxDbm === undefined) {
      const tx = onAir.tx;
      rxDbm = rxPowerDbm(tx.txPowerDbm, nodes[tx.sender]!.antennaGainDbi, nodes[receiver]!.antennaGainDbi, meanLossDb(tx.sender, receiver), shadowingDb(tx, receiver));
      onAir.powerAt.set(receiver, rxDbm);
    }
    return rxDbm;
  }

  function sensitivity(receiver: number, tx: Transmission): number {
    const node = nodes[receiver]!;
    const value = sensitivityDbm(node.sensitivityTable, tx.sf, tx.bandwidthHz, node.noiseFigureDb);
    if (value === undefined) {
      throw new RangeError(`sensitivity table ${node.sensitivityTable} has no entry for SF${tx.sf}/${tx.bandwidthHz / 1e3} kHz`);
    }
    return value;
  }

  function addressed(tx: Transmission): number[] {
    if (tx.destination !== broadcastDestination) return [tx.destination];
    const key = `${tx.sender}/${tx.sf}/${tx.bandwidthHz}/${tx.txPowerDbm}`;
    let targets = broadcastTargets.get(key);
    if (!targets) {
      const sender = nodes[tx.sender]!;
      targets = [];
      for (let r = 0; r < nodes.length; r++) {
        if (r === tx.sender) continue;
        const mean = rxPowerDbm(tx.txPowerDbm, sender.antennaGainDbi, nodes[r]!.antennaGainDbi, meanLossDb(tx.sender, r), 0);
        if (mean >= sensitivity(r, tx) - config.broadcastMarginDb - 3 * sigma) targets.push(r);
      }
      broadcastTargets.set(key, targets);
    }
    return targets;
  }

  function transmittingDuring(receiver: number, startMs: number, endMs: number): boolean {
    return ownTx[receiver]!.some(({ tx }) => tx.startMs < endMs && startMs < tx.endMs);
  }

  /** Claims a demodulator at a finite-path receiver for a detectable frame; false if none free. */
  function claimPath(receiver: number, tx: Transmission, rxDbm: number): boolean | undefined {
    if (rxDbm < sensitivity(receiver, tx) || transmittingDuring(receiver, tx.startMs, tx.startMs)) return undefined;
    const locks = pathLocks[receiver]!;
    for (let i = locks.length - 1; i >= 0; i--) if (locks[i]! <= tx.startMs) locks.splice(i, 1);
    if (locks.length >= nodes[receiver]!.receivePaths) return false;
    locks.push(tx.endMs);
    return true;
  }

  /**
   * Drops entries that can no longer overlap an undecided frame: an undecided frame ends at or
   * after now, so it started after now − maxAirtime.
   */
  function prune(list: OnAir[]): number {
    const horizonMs = scheduler.nowMs - maxAirtimeMs;
    let kept = 0;
    for (const entry of list) if (entry.tx.endMs > horizonMs) list[kept++] = entry;
    const removed = list.length - kept;
    list.length = kept;
    return removed;
  }

  /** Whether the receiver's radio is on to catch this frame (its schedule, not dead). */
  function catches(receiver: number, tx: Transmission): number | undefined {
    const preambleMs = (tx.preambleSymbols + 4.25) * tx.symbolMs;
    const atMs = catchTimeMs(nodes[receiver]!.wake, tx.startMs, preambleMs);
    return atMs !== undefined && atMs < deadFromMs[receiver]! ? atMs : undefined;
  }

  function decide(onAir: OnAir, receiver: number, noPath: boolean, caught: boolean): void {
    const tx = onAir.tx;
    const rxDbm = powerAt(onAir, receiver);
    const receiverNode = nodes[receiver]!;
    const snrDb = rxDbm - noiseFloorDbm(tx.bandwidthHz, receiverNode.noiseFigureDb);
    let fate: Fate;
    if (transmittingDuring(receiver, tx.startMs, tx.endMs)) fate = 'lostHalfDuplex';
    // Not caught, or the receiver died before the frame ended (a death mid-reception loses it).
    else if (!caught || deadFromMs[receiver]! < tx.endMs) fate = 'asleep';
    else if (rxDbm < sensitivity(receiver, tx)) fate = 'underSensitivity';
    else if (noPath) fate = 'noReceivePath';
    else if (collide(signalOf(onAir, rxDbm), interferersAt(onAir, receiver))) fate = 'collided';
    else if (config.extraLossProbability > 0 && keyedUniform(config.seed, 3, nodes[tx.sender]!.key, tx.seq, nodes[receiver]!.key) < config.extraLossProbability) fate = 'dropped';
    else fate = 'received';
    output.reception({ type: 'reception', atMs: tx.endMs, tx, receiver, fate, rxPowerDbm: rxDbm, snrDb });
    if (fate === 'received') {
      output.deliver({ kind: 'frame', atMs: tx.endMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb });
    }
  }

  function signalOf(onAir: OnAir, rxDbm: number): Signal {
    const tx = onAir.tx;
    return { startMs: tx.startMs, endMs: tx.endMs, sf: tx.sf, rxPowerDbm: rxDbm, symbolMs: tx.symbolMs, preambleSymbols: tx.preambleSymbols, order: onAir.order };
  }

  // LoRaSim only tracks packets above the sink's sensitivity (`packetsAtBS`), so in its
  // capture model weaker ones never interfere.
  const ignoreUndetectable = config.collision === 'lorasim';

  function interferersAt(wanted: OnAir, receiver: number): Signal[] {
    const tx = wanted.tx;
    const list = byChannel.get(tx.channelHz)!.items;
    const result: Signal[] = [];
    for (const other of list) {
      if (other === wanted || other.tx.sender === receiver) continue;
      if (other.tx.startMs < tx.endMs && tx.startMs < other.tx.endMs) {
        const otherRxDbm = powerAt(other, receiver);
        if (ignoreUndetectable && otherRxDbm < sensitivity(receiver, other.tx)) continue;
        result.push(signalOf(other, otherRxDbm));
      }
    }
    return result;
  }

  return {
    transmit(tx) {
      // Applied at the end of the window it started in (DESIGN.md, "Windows"): never before its
      // start, never so late that its earliest effect (start + processing delay) has passed.
      if (!(tx.startMs <= scheduler.nowMs && scheduler.nowMs <= tx.startMs + config.processingDelayMs)) {
        throw new RangeError(`transmission starting at ${tx.startMs} ms applied at ${scheduler.nowMs} ms, outside its window`);
      }
      const onAir: OnAir = { tx, order: order++, powerAt: new Map() };
      maxAirtimeMs = Math.max(maxAirtimeMs, tx.airtimeMs);
      let log = byChannel.get(tx.channelHz);
      if (!log) byChannel.set(tx.channelHz, (log = { items: [], pruneAtLength: 64 }));
      if (log.items.length >= log.pruneAtLength) {
        tracked -= prune(log.items);
        log.pruneAtLength = Math.max(64, 2 * log.items.length);
      }
      log.items.push(onAir);
      tracked++;
      const own = ownTx[tx.sender]!;
      if (own.length >= 4) prune(own);
      own.push(onAir);

      const targets = addressed(tx);
      let noPath: Set<number> | undefined;
      for (const receiver of finitePathReceivers) {
        if (receiver === tx.sender) continue;
        if (claimPath(receiver, tx, powerAt(onAir, receiver)) === false) (noPath ??= new Set()).add(receiver);
      }
      const caught = targets.map((receiver) => {
        const atMs = catches(receiver, tx);
        if (atMs === undefined) return false;
        // The radio locks on what it can demodulate, unless it is itself transmitting.
        const rxDbm = powerAt(onAir, receiver);
        if (nodes[receiver]!.notifiesRxStart && rxDbm >= sensitivity(receiver, tx) && !transmittingDuring(receiver, atMs, atMs)) {
          // The radio reports the caught preamble one processing delay later (its interrupt).
          output.deliver({ kind: 'rxStart', atMs: atMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb: rxDbm - noiseFloorDbm(tx.bandwidthHz, nodes[receiver]!.noiseFigureDb) });
        }
        return true;
      });
      undecided++;
      pending.push({ onAir, targets, caught, noPath });
      // Keeps the windows going until the frame's end, when its fates are decided.
      scheduler.at(tx.endMs, noop);
    },
    decideUntil(nowMs) {
      if (pending.length === 0) return;
      const due = pending.filter((frame) => frame.onAir.tx.endMs <= nowMs);
      if (due.length === 0) return;
      pending = pending.filter((frame) => frame.onAir.tx.endMs > nowMs);
      due.sort((a, b) => a.onAir.tx.endMs - b.onAir.tx.endMs || a.onAir.order - b.onAir.order);
      for (const frame of due) {
        undecided--;
        frame.targets.forEach((receiver, i) => decide(frame.onAir, receiver, frame.noPath?.has(receiver) ?? false, frame.caught[i]!));
      }
    },
    nodeDied(node, atMs) {
      deadFromMs[node] = Math.min(deadFromMs[node]!, atMs);
    },
    get undecided() {
      return undecided;
    },
    get trackedTransmissions() {
      return tracked;
    },
  };
}
