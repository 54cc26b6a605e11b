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
 *
 * What a frame costs scales with what can hear it (ether-reach.ts): demodulators are claimed
 * only at the finite-path receivers (gateways) within the sender's reach, the largest distance at
 * which the strongest shadowing any draw can give still reaches their sensitivity, so a receiver
 * left out could not have detected the frame with any draw. Interferers are every frame on the
 * same channel that overlaps the wanted one, wherever it comes from: energy-SIR sums them all.
 */
import { replaceArray, replaceMap, restoreInto } from '../sim/checkpoint-state.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { keyedUniform4 } from '../sim/keyed-random.ts';
import { collisionModels, type Signal } from './collision/index.ts';
import { createEtherReach } from './ether-reach.ts';
import { createListenWindows } from './listen-windows.ts';
import { broadcastDestination, gatewaysDestination, type Fate, type Transmission } from './transmission.ts';
import { catchTimeMs } from './wake-schedule.ts';

export type { ClassAWindows, Ether, EtherConfig, EtherNode, EtherOutput, EtherState, ReceptionEvent, ShadowingMode } from './ether-config.ts';
import type { Ether, EtherConfig, EtherOutput } from './ether-config.ts';


/**
 * A frame on the air: its transmission, start order, addressed receivers and what they caught.
 * Kept small (a unicast frame allocates this one object): the first two received powers it
 * needs are held in fields, any more in `morePowers`.
 */
interface OnAir {
  readonly tx: Transmission;
  readonly order: number;
  /** The broadcast's targets, by index; undefined for a unicast frame (its target is tx.destination). */
  readonly targets: readonly number[] | undefined;
  /** A unicast frame's target caught its preamble. */
  caught: boolean;
  /** Per broadcast target: 1 when its radio caught the preamble. */
  readonly caughtBy: Uint8Array | undefined;
  /** Finite-path receivers that had no demodulator free at the frame's start. */
  noPath: number[] | undefined;
  /** The finite-path receivers the frame could reach (ascending) and its received power at each (NaN: not computed). */
  candidates: readonly number[];
  candidatePowers: Float64Array | undefined;
  /** Other received powers computed so far: two receivers (−1: none) in fields, then pairs [receiver, dBm, …]. */
  receiver0: number;
  power0: number;
  receiver1: number;
  power1: number;
  morePowers: number[] | undefined;
}

interface ChannelLog {
  readonly items: OnAir[];
  pruneAtLength: number;
}


type MutableSignal = { -readonly [K in keyof Signal]: Signal[K] };
const blankSignal = (): MutableSignal => ({ startMs: 0, endMs: 0, sf: 0, rxPowerDbm: 0, symbolMs: 0, preambleSymbols: 0, order: 0 });

const byEndThenOrder = (a: OnAir, b: OnAir): number => a.tx.endMs - b.tx.endMs || a.order - b.order;

export function createEther(config: EtherConfig, scheduler: Scheduler, output: EtherOutput): Ether {
  const { nodes } = config;
  const windowMs = config.windowMs ?? config.processingDelayMs;
  const reach = createEtherReach(config);
  const collide = collisionModels[config.collision];
  const byChannel = new Map<number, ChannelLog>();
  /**
   * Each node's recent transmissions as [start, end, start, end, …] (for half-duplex checks):
   * plain numbers, so that a frame is not kept alive until its sender sends again.
   */
  const ownTx: (number[] | undefined)[] = new Array<number[] | undefined>(nodes.length);
  const pathLocks: (number[] | undefined)[] = new Array<number[] | undefined>(nodes.length);
  const deadFromMs = new Float64Array(nodes.length).fill(Number.POSITIVE_INFINITY);
  const listening = createListenWindows(nodes, config.classAWindows);
  const undetectable = config.undetectableInterfere ?? (config.collision === 'lorasim' ? 'never' : 'always');
  const endKind = scheduler.kind(() => undefined);
  let undecided = 0;
  /** Frames waiting for their fates, in the order they were applied; the earliest end among them. */
  const pending: OnAir[] = [];
  const due: OnAir[] = [];
  let firstEndMs = Number.POSITIVE_INFINITY;
  let order = 0;
  let maxAirtimeMs = 0;
  let tracked = 0;

  function powerAt(onAir: OnAir, receiver: number): number {
    const candidates = onAir.candidates;
    if (candidates.length > 0) {
      let low = 0;
      let high = candidates.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const value = candidates[middle]!;
        if (value < receiver) low = middle + 1;
        else if (value > receiver) high = middle - 1;
        else {
          const power = onAir.candidatePowers![middle]!;
          if (power === power) return power;
          break;
        }
      }
    }
    if (onAir.receiver0 === receiver) return onAir.power0;
    if (onAir.receiver1 === receiver) return onAir.power1;
    const more = onAir.morePowers;
    if (more) for (let i = 0; i < more.length; i += 2) if (more[i] === receiver) return more[i + 1]!;
    const rxDbm = reach.powerDbm(onAir.tx, receiver);
    if (onAir.receiver0 < 0) {
      onAir.receiver0 = receiver;
      onAir.power0 = rxDbm;
    } else if (onAir.receiver1 < 0) {
      onAir.receiver1 = receiver;
      onAir.power1 = rxDbm;
    } else (onAir.morePowers ??= []).push(receiver, rxDbm);
    return rxDbm;
  }

  function transmittingDuring(receiver: number, startMs: number, endMs: number): boolean {
    const own = ownTx[receiver];
    if (own) for (let i = 0; i < own.length; i += 2) if (own[i]! < endMs && startMs < own[i + 1]!) return true;
    return false;
  }

  /** Claims a demodulator at a finite-path receiver for a detectable frame; false if none free. */
  function claimPath(receiver: number, tx: Transmission, rxDbm: number): boolean | undefined {
    if (rxDbm < reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz) || transmittingDuring(receiver, tx.startMs, tx.startMs)) return undefined;
    const locks = (pathLocks[receiver] ??= []);
    for (let i = locks.length - 1; i >= 0; i--) if (locks[i]! <= tx.startMs) locks.splice(i, 1);
    if (locks.length >= nodes[receiver]!.receivePaths) return false;
    locks.push(tx.endMs);
    return true;
  }

  /**
   * Drops entries that can no longer overlap an undecided frame. Every frame decided from now on
   * ends at or after the start of the current window, which began at most `windowMs` ago, so it
   * started after now − windowMs − maxAirtime.
   */
  function prune(list: OnAir[]): number {
    const horizonMs = scheduler.nowMs - windowMs - maxAirtimeMs;
    let kept = 0;
    for (const entry of list) if (entry.tx.endMs > horizonMs) list[kept++] = entry;
    const removed = list.length - kept;
    list.length = kept;
    return removed;
  }

  /** The same for a node's own [start, end] pairs. */
  function pruneOwn(own: number[]): void {
    const horizonMs = scheduler.nowMs - windowMs - maxAirtimeMs;
    let kept = 0;
    for (let i = 0; i < own.length; i += 2) {
      if (own[i + 1]! > horizonMs) {
        own[kept++] = own[i]!;
        own[kept++] = own[i + 1]!;
      }
    }
    own.length = kept;
  }

  /** When the receiver's radio is on to catch this frame (its schedule, not dead), or undefined. */
  function catches(receiver: number, tx: Transmission): number | undefined {
    const windowed = listening.catches(receiver, tx);
    if (windowed === true && tx.startMs < deadFromMs[receiver]!) return tx.startMs;
    if (windowed !== undefined && listening.isClassA(receiver)) return undefined;
    const preambleMs = (tx.preambleSymbols + 4.25) * tx.symbolMs;
    const atMs = catchTimeMs(nodes[receiver]!.wake, tx.startMs, preambleMs);
    return atMs !== undefined && atMs < deadFromMs[receiver]! ? atMs : undefined;
  }

  function decide(onAir: OnAir, receiver: number, noPath: boolean, caught: boolean): void {
    const tx = onAir.tx;
    const rxDbm = powerAt(onAir, receiver);
    const snrDb = rxDbm - reach.noiseFloorDbm(receiver, tx.bandwidthHz);
    let fate: Fate;
    if (transmittingDuring(receiver, tx.startMs, tx.endMs)) fate = 'lostHalfDuplex';
    // Not caught, or the receiver died before the frame ended (a death mid-reception loses it).
    else if (!caught || deadFromMs[receiver]! < tx.endMs) fate = 'asleep';
    else if (rxDbm < reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz)) fate = 'underSensitivity';
    else if (noPath) fate = 'noReceivePath';
    else if (collide(signalOf(onAir, rxDbm), interferersAt(onAir, receiver))) fate = 'collided';
    else if (config.extraLossProbability > 0 && keyedUniform4(config.seed, 3, nodes[tx.sender]!.key, tx.seq, nodes[receiver]!.key) < config.extraLossProbability) fate = 'dropped';
    else fate = 'received';
    output.reception(tx, receiver, fate, rxDbm, snrDb);
    if (fate === 'received') {
      output.deliver({ kind: 'frame', atMs: tx.endMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb });
    } else if (nodes[receiver]!.reportsRxError === true && caught && rxDbm >= reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz) && deadFromMs[receiver]! > tx.endMs) {
      // The window locked on it (its rxStart went out): the radio reports the failure.
      output.deliver({ kind: 'rxError', atMs: tx.endMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb });
    }
  }

  // The collision models read signals and keep none: one reused object per place in the
  // interferer list, and one for the wanted frame.
  const pool: MutableSignal[] = [];
  const interferers: Signal[] = [];
  const wantedSignal = blankSignal();

  function fillSignal(signal: MutableSignal, onAir: OnAir, rxDbm: number): MutableSignal {
    const tx = onAir.tx;
    signal.startMs = tx.startMs;
    signal.endMs = tx.endMs;
    signal.sf = tx.sf;
    signal.rxPowerDbm = rxDbm;
    signal.symbolMs = tx.symbolMs;
    signal.preambleSymbols = tx.preambleSymbols;
    signal.order = onAir.order;
    return signal;
  }

  function signalOf(onAir: OnAir, rxDbm: number): Signal {
    return fillSignal(wantedSignal, onAir, rxDbm);
  }

  function interferersAt(wanted: OnAir, receiver: number): Signal[] {
    const tx = wanted.tx;
    const list = byChannel.get(tx.channelHz)!.items;
    let k = 0;
    for (const other of list) {
      if (other === wanted || other.tx.sender === receiver) continue;
      if (other.tx.startMs < tx.endMs && tx.startMs < other.tx.endMs) {
        const otherRxDbm = powerAt(other, receiver);
        if (undetectable !== 'always' && otherRxDbm < reach.sensitivityDbm(receiver, other.tx.sf, other.tx.bandwidthHz) && (undetectable === 'never' || other.order > wanted.order)) continue;
        if (k === pool.length) pool.push(blankSignal());
        interferers[k] = fillSignal(pool[k]!, other, otherRxDbm);
        k++;
      }
    }
    // Truncating an array costs a runtime call: only when the count changed.
    if (interferers.length !== k) interferers.length = k;
    return interferers;
  }

  /** Registers the frame on its channel and with its sender (for half-duplex checks). */
  function register(onAir: OnAir): void {
    const tx = onAir.tx;
    maxAirtimeMs = Math.max(maxAirtimeMs, tx.airtimeMs);
    let log = byChannel.get(tx.channelHz);
    if (!log) byChannel.set(tx.channelHz, (log = { items: [], pruneAtLength: 64 }));
    if (log.items.length >= log.pruneAtLength) {
      tracked -= prune(log.items);
      log.pruneAtLength = Math.max(64, 2 * log.items.length);
    }
    log.items.push(onAir);
    tracked++;
    const own = (ownTx[tx.sender] ??= []);
    if (own.length >= 8) pruneOwn(own);
    own.push(tx.startMs, tx.endMs);
    listening.sent(tx);
  }

  /** Whether the target catches the frame, telling it when it locks on it (`rxStart`). */
  function catchOne(onAir: OnAir, receiver: number): boolean {
    const tx = onAir.tx;
    const atMs = catches(receiver, tx);
    if (atMs === undefined) return false;
    // The radio locks on what it can demodulate, unless it is itself transmitting.
    if (!nodes[receiver]!.notifiesRxStart) return true;
    const rxDbm = powerAt(onAir, receiver);
    if (rxDbm >= reach.sensitivityDbm(receiver, tx.sf, tx.bandwidthHz) && !transmittingDuring(receiver, atMs, atMs)) {
      // The radio reports the caught preamble one processing delay later (its interrupt).
      output.deliver({ kind: 'rxStart', atMs: atMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb: rxDbm - reach.noiseFloorDbm(receiver, tx.bandwidthHz) });
    }
    return true;
  }

  /** The fates of a frame at each addressed receiver. */
  function decideFrame(frame: OnAir): void {
    const { targets, noPath } = frame;
    if (targets === undefined) {
      const receiver = frame.tx.destination;
      decide(frame, receiver, noPath !== undefined && noPath.includes(receiver), frame.caught);
      return;
    }
    for (let i = 0; i < targets.length; i++) decide(frame, targets[i]!, noPath !== undefined && noPath.includes(targets[i]!), frame.caughtBy![i] === 1);
  }

  return {
    checkpoint: () => ({ byChannel, ownTx, pathLocks, deadFromMs, receiveWindows: listening.state, pending, numbers: [undecided, firstEndMs, order, maxAirtimeMs, tracked] }),
    restore(state) {
      replaceMap(byChannel, state.byChannel as Map<number, ChannelLog>);
      replaceArray(ownTx, state.ownTx);
      replaceArray(pathLocks, state.pathLocks);
      restoreInto(deadFromMs, state.deadFromMs, 'ether');
      restoreInto(listening.state, state.receiveWindows, 'ether');
      replaceArray(pending, state.pending as OnAir[]);
      [undecided, firstEndMs, order, maxAirtimeMs, tracked] = state.numbers as [number, number, number, number, number];
    },
    transmit(tx) {
      // Applied at the end of the window it started in (docs/explanation/design-notes.md, "Time,
      // windows and transports"): never before its start, never later than the longest window.
      if (!(tx.startMs <= scheduler.nowMs && scheduler.nowMs <= tx.startMs + windowMs)) {
        throw new RangeError(`transmission starting at ${tx.startMs} ms applied at ${scheduler.nowMs} ms, outside its window`);
      }
      const targets = tx.destination === broadcastDestination ? reach.broadcastTargets(tx) : tx.destination === gatewaysDestination ? reach.gatewayTargets(tx) : undefined;
      const onAir: OnAir = {
        tx,
        order: order++,
        targets,
        caught: false,
        caughtBy: targets === undefined ? undefined : new Uint8Array(targets.length),
        noPath: undefined,
        candidates: reach.pathCandidates(tx),
        candidatePowers: undefined,
        receiver0: -1,
        power0: 0,
        receiver1: -1,
        power1: 0,
        morePowers: undefined,
      };
      register(onAir);
      const candidates = onAir.candidates;
      if (candidates.length > 0) {
        const powers = (onAir.candidatePowers = reach.pathPowers(tx, candidates));
        for (let i = 0; i < candidates.length; i++) {
          const receiver = candidates[i]!;
          if (receiver === tx.sender) continue;
          if (claimPath(receiver, tx, powers[i]!) === false) (onAir.noPath ??= []).push(receiver);
        }
      }
      if (targets === undefined) onAir.caught = catchOne(onAir, tx.destination);
      else for (let i = 0; i < targets.length; i++) onAir.caughtBy![i] = catchOne(onAir, targets[i]!) ? 1 : 0;
      undecided++;
      pending.push(onAir);
      firstEndMs = Math.min(firstEndMs, tx.endMs);
      // Keeps the windows going until the frame's end, when its fates are decided.
      scheduler.atKind(tx.endMs, endKind, 0);
    },
    decideUntil(nowMs) {
      if (firstEndMs > nowMs) return;
      // The frames due leave `pending` in place, kept in the order they were applied.
      firstEndMs = Number.POSITIVE_INFINITY;
      let kept = 0;
      for (let i = 0; i < pending.length; i++) {
        const frame = pending[i]!;
        if (frame.tx.endMs <= nowMs) due.push(frame);
        else {
          pending[kept++] = frame;
          firstEndMs = Math.min(firstEndMs, frame.tx.endMs);
        }
      }
      if (pending.length !== kept) pending.length = kept;
      if (due.length > 1) due.sort(byEndThenOrder);
      for (let i = 0; i < due.length; i++) {
        undecided--;
        decideFrame(due[i]!);
      }
      if (due.length > 0) due.length = 0;
    },
    nodeDied(node, atMs) {
      deadFromMs[node] = Math.min(deadFromMs[node]!, atMs);
    },
    channelBusy(node, channelHz, sf, fromMs, toMs) {
      const log = byChannel.get(channelHz);
      if (!log) return false;
      for (const other of log.items) {
        const tx = other.tx;
        if (tx.sender === node || tx.sf !== sf || tx.startMs > toMs || tx.startMs + (tx.preambleSymbols + 4.25) * tx.symbolMs < fromMs) continue;
        if (powerAt(other, node) >= reach.sensitivityDbm(node, tx.sf, tx.bandwidthHz)) return true;
      }
      return false;
    },
    get firstUndecidedEndMs() {
      return firstEndMs;
    },
    get undecided() {
      return undecided;
    },
    get trackedTransmissions() {
      return tracked;
    },
  };
}
