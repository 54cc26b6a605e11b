/**
 * The signals a collision model weighs at one receiver (collision/): the wanted frame and every
 * frame on its channel that overlaps it there. The collision models read signals and keep none:
 * one reused object per place in the interferer list, and one for the wanted frame.
 */
import type { Signal } from './collision/index.ts';
import type { UndetectableInterference } from './ether-config.ts';
import type { EtherReach } from './ether-reach.ts';
import type { ChannelLogs } from './channel-log.ts';
import { milliwattsAt, powerAt, type OnAir } from './on-air.ts';
import { truncate } from '../sim/truncate.ts';

type MutableSignal = { -readonly [K in keyof Signal]: Signal[K] };
const blankSignal = (): MutableSignal => ({ startMs: 0, endMs: 0, sf: 0, rxPowerDbm: 0, symbolMs: 0, preambleSymbols: 0, order: 0, rxPowerMw: undefined });

export interface SignalPool {
  readonly pool: MutableSignal[];
  readonly interferers: Signal[];
  readonly wanted: MutableSignal;
}

export function createSignalPool(): SignalPool {
  return { pool: [], interferers: [], wanted: blankSignal() };
}

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

/** The wanted frame as a signal received at `rxDbm` (the pool's one object, refilled). */
export function wantedSignal(signals: SignalPool, onAir: OnAir, rxDbm: number): Signal {
  return fillSignal(signals.wanted, onAir, rxDbm);
}

/**
 * The frames on the wanted frame's channel that overlap it, as received at `receiver` (not its
 * own); frames it cannot detect count as `undetectable` says (ether-config.ts).
 */
export function interferersAt(signals: SignalPool, logs: ChannelLogs, reach: EtherReach, undetectable: UndetectableInterference, wanted: OnAir, receiver: number): Signal[] {
  const { pool, interferers } = signals;
  const tx = wanted.tx;
  const list = logs.byChannel.get(tx.channelHz)!.items;
  let k = 0;
  for (const other of list) {
    if (other === wanted || other.tx.sender === receiver) continue;
    if (other.tx.startMs < tx.endMs && tx.startMs < other.tx.endMs) {
      const otherRxDbm = powerAt(other, receiver, reach);
      if (undetectable !== 'always' && otherRxDbm < reach.sensitivityDbm(receiver, other.tx.sf, other.tx.bandwidthHz) && (undetectable === 'never' || other.order > wanted.order)) continue;
      if (k === pool.length) pool.push(blankSignal());
      interferers[k] = fillSignal(pool[k]!, other, otherRxDbm);
      pool[k]!.rxPowerMw = milliwattsAt(other, receiver, otherRxDbm);
      k++;
    }
  }
  // The first k are this receiver's; the rest, from an earlier test, go (popped: sim/truncate.ts).
  truncate(interferers, k);
  return interferers;
}
