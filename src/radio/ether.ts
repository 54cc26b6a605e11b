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
 * left out could not have detected the frame with any draw; and a frame's draw at one of them is
 * made only when a fate, an interferer or a contested demodulator asks for it (frame-start.ts).
 * Interferers are every frame on the same channel that overlaps the wanted one, wherever it comes
 * from: energy-SIR sums them all, a far one's energy bounded rather than drawn unless the bound
 * leaves the fate open (far-interference.ts).
 *
 * Its parts: the state record (ether-air.ts), a frame on the air (on-air.ts), the channel logs
 * (channel-log.ts), frame starts (frame-start.ts), fates (reception-fate.ts) and the interferers
 * a collision model weighs (interferers.ts).
 */
import { replaceArray, replaceMap, restoreInto } from '../sim/checkpoint-state.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { channelBusy, lastOwnTxColumn, registerOnAir, restoreLastOwnTx, type ChannelLog } from './channel-log.ts';
import { createAir, type Air } from './ether-air.ts';
import { startFrame } from './frame-start.ts';
import { createOnAir, type OnAir } from './on-air.ts';
import { decideUntil } from './reception-fate.ts';
import { broadcastDestination, gatewaysDestination, type Transmission } from './transmission.ts';

export type { ClassAWindows, Ether, EtherConfig, EtherNode, EtherOutput, EtherState, ReceptionEvent, ShadowingMode } from './ether-config.ts';
import type { Ether, EtherConfig, EtherOutput, EtherState } from './ether-config.ts';

export function createEther(config: EtherConfig, scheduler: Scheduler, output: EtherOutput): Ether {
  const air = createAir(config, output);
  const { logs } = air;
  const endsTimedHere = config.endsTimedHere ?? (() => false);
  const endKind = scheduler.kind(() => {
    air.markerEvents++;
  });
  return {
    checkpoint: () => checkpointAir(air),
    restore: (state) => restoreAir(air, state),
    transmit(tx) {
      // Applied at the end of the window it started in (docs/explanation/design-notes.md, "Time,
      // windows and transports"): never before its start, never later than the longest window.
      const nowMs = scheduler.nowMs;
      if (!(tx.startMs <= nowMs && nowMs <= tx.startMs + logs.windowMs)) {
        throw new RangeError(`transmission starting at ${tx.startMs} ms applied at ${nowMs} ms, outside its window`);
      }
      transmit(air, tx, nowMs);
      // Keeps the windows going until the frame's end, when its fates are decided, unless the
      // sender's radio end, due then, does.
      if (!endsTimedHere(tx.sender)) scheduler.atKind(tx.endMs, endKind, 0);
    },
    decideUntil: (nowMs) => decideUntil(air, nowMs),
    nodeDied(node, atMs) {
      air.deadFromMs[node] = Math.min(air.deadFromMs[node]!, atMs);
    },
    channelBusy: (node, channelHz, sf, fromMs, toMs) => channelBusy(logs, air.reach, node, channelHz, sf, fromMs, toMs),
    get firstUndecidedEndMs() {
      return air.firstEndMs;
    },
    get undecided() {
      return air.undecided;
    },
    get trackedTransmissions() {
      return logs.tracked;
    },
    get markerEvents() {
      return air.markerEvents;
    },
  };
}

/** Puts a frame on the air: its record, the channel logs, its start, and its place among the pending. */
function transmit(air: Air, tx: Transmission, nowMs: number): void {
  // Demodulator claims and the interferers' search by start (frame-start.ts, interferers.ts) rely on it.
  if (tx.startMs < air.lastStartMs) throw new RangeError(`a transmission starting at ${tx.startMs} ms came after one starting at ${air.lastStartMs} ms: the ether takes them in start order`);
  air.lastStartMs = tx.startMs;
  const { reach } = air;
  const targets = tx.destination === broadcastDestination ? reach.broadcastTargets(tx) : tx.destination === gatewaysDestination ? reach.gatewayTargets(tx) : undefined;
  const onAir = createOnAir(tx, air.order++, targets, reach.pathCandidates(tx));
  registerOnAir(air.logs, onAir, nowMs);
  air.listening.sent(tx);
  startFrame(air, onAir);
  air.undecided++;
  air.pending.push(onAir);
  air.firstEndMs = Math.min(air.firstEndMs, tx.endMs);
}

function checkpointAir(air: Air): EtherState {
  const { logs } = air;
  return {
    byChannel: logs.byChannel,
    ownTx: logs.ownTx,
    lastOwnTx: lastOwnTxColumn(logs),
    pathLocks: air.pathLocks,
    pathClaims: air.pathClaims,
    deadFromMs: air.deadFromMs,
    receiveWindows: air.listening.state,
    pending: air.pending,
    numbers: [air.undecided, air.firstEndMs, air.order, logs.maxAirtimeMs, logs.tracked, air.markerEvents, air.lastStartMs],
  };
}

function restoreAir(air: Air, state: EtherState): void {
  const { logs } = air;
  replaceMap(logs.byChannel, state.byChannel as Map<number, ChannelLog>);
  replaceArray(logs.ownTx, state.ownTx);
  restoreLastOwnTx(logs, state.lastOwnTx);
  replaceArray(air.pathLocks, state.pathLocks);
  // A checkpoint from before unresolved claims had every claim resolved.
  replaceArray(air.pathClaims, (state.pathClaims ?? new Array<undefined>(air.nodes.length)) as (OnAir[] | undefined)[]);
  replaceArray(air.pathClaimEnds, air.pathClaims.map((claims) => claims?.map((claim) => claim.tx.endMs)));
  restoreInto(air.deadFromMs, state.deadFromMs, 'ether');
  restoreInto(air.listening.state, state.receiveWindows, 'ether');
  replaceArray(air.pending, state.pending as OnAir[]);
  [air.undecided, air.firstEndMs, air.order, logs.maxAirtimeMs, logs.tracked, air.markerEvents] = state.numbers as [number, number, number, number, number, number];
  // Absent from checkpoints written before it was kept.
  air.lastStartMs = state.numbers[6] ?? Number.NEGATIVE_INFINITY;
}
