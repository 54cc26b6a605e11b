/**
 * The signals a collision model weighs at one receiver (collision/): the wanted frame and every
 * frame on its channel that overlaps it there. The collision models read signals and keep none:
 * one reused object per place in the interferer list, and one for the wanted frame.
 */
import type { Signal } from './collision/index.ts';
import type { Air } from './ether-air.ts';
import { sfIndex } from './collision/energy-sir.ts';
import { milliwatts, overlapMs } from './collision/signal.ts';
import { milliwattsAt, placeAmong, powerAt, type OnAir } from './on-air.ts';
import { truncate } from '../sim/truncate.ts';

type MutableSignal = { -readonly [K in keyof Signal]: Signal[K] };
const blankSignal = (): MutableSignal => ({ startMs: 0, endMs: 0, sf: 0, rxPowerDbm: 0, symbolMs: 0, preambleSymbols: 0, order: 0, rxPowerMw: undefined });

export interface SignalPool {
  readonly pool: MutableSignal[];
  readonly interferers: Signal[];
  readonly wanted: MutableSignal;
  /** Frames the last `interferersAt` with a far bound left out of its list, in all and by SF (7–12). */
  farCount: number;
  readonly farFrames: Float64Array;
  /** The far bound and the near energies per SF of the test under way (far-interference.ts). */
  readonly farBound: Float64Array;
  readonly nearEnergies: Float64Array;
  /** Sensitivities in milliwatts by SF (7–12, NaN: not yet) of one receiver at one bandwidth. */
  readonly sensitivityMw: Float64Array;
  sensitivityOf: number;
  sensitivityBandwidthHz: number;
}

export function createSignalPool(): SignalPool {
  return { pool: [], interferers: [], wanted: blankSignal(), farCount: 0, farFrames: new Float64Array(6), farBound: new Float64Array(6), nearEnergies: new Float64Array(6), sensitivityMw: new Float64Array(6), sensitivityOf: -1, sensitivityBandwidthHz: 0 };
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
 *
 * A finite-path receiver (a gateway) out of a frame's reach (not among its candidates:
 * ether-reach.ts) hears it below its sensitivity whatever the draw, so where undetectable
 * frames do not count such a frame is left out without its draw. Given `farBound` (energy-sir
 * with every frame counting: far-interference.ts), such frames are left out of the list and
 * each adds, at its SF, its largest possible energy there (its overlap at the sensitivity) to
 * `farBound`; `signals.farCount` says how many did.
 */
export function interferersAt(air: Air, wanted: OnAir, receiver: number, farBound?: Float64Array): Signal[] {
  const { signals, logs, reach, undetectable } = air;
  const { pool, interferers } = signals;
  const tx = wanted.tx;
  const list = logs.byChannel.get(tx.channelHz)!.items;
  const gateway = Number.isFinite(air.nodes[receiver]!.receivePaths);
  const skipsFar = undetectable !== 'always';
  let k = 0;
  signals.farCount = 0;
  if (farBound !== undefined) signals.farFrames.fill(0);
  // The log is in start order (the ether takes frames so: ether.ts): only the frames that started
  // within the longest span (and a millisecond) before the wanted one and before its end can overlap it.
  const end = firstStartingAt(list, tx.endMs);
  for (let i = firstStartingAt(list, tx.startMs - logs.maxAirtimeMs - 1); i < end; i++) {
    const other = list[i]!;
    if (other === wanted || other.tx.sender === receiver) continue;
    if (other.tx.startMs < tx.endMs && tx.startMs < other.tx.endMs) {
      if (gateway && (skipsFar || farBound !== undefined) && placeAmong(other.candidates, receiver) < 0) {
        if (farBound !== undefined) {
          const index = sfIndex(other.tx.sf);
          farBound[index]! += sensitivityMw(signals, reach, receiver, other.tx.sf, other.tx.bandwidthHz) * overlapMs(tx, other.tx);
          signals.farFrames[index]!++;
          signals.farCount++;
          continue;
        }
        if (undetectable === 'never' || other.order > wanted.order) continue;
      }
      const otherRxDbm = powerAt(other, receiver, reach);
      if (skipsFar && otherRxDbm < reach.sensitivityDbm(receiver, other.tx.sf, other.tx.bandwidthHz) && (undetectable === 'never' || other.order > wanted.order)) continue;
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

/** The receiver's sensitivity at SF `sf` (7–12) and `bandwidthHz` in milliwatts, kept for the last receiver and bandwidth asked. */
function sensitivityMw(signals: SignalPool, reach: Air['reach'], receiver: number, sf: number, bandwidthHz: number): number {
  const kept = signals.sensitivityMw;
  if (signals.sensitivityOf !== receiver || signals.sensitivityBandwidthHz !== bandwidthHz) {
    signals.sensitivityOf = receiver;
    signals.sensitivityBandwidthHz = bandwidthHz;
    kept.fill(Number.NaN);
  }
  const mw = kept[sf - 7]!;
  return mw === mw ? mw : (kept[sf - 7] = milliwatts(reach.sensitivityDbm(receiver, sf, bandwidthHz)));
}

/** The index of the first frame in `list` (in start order) that starts at or after `atMs`. */
function firstStartingAt(list: readonly OnAir[], atMs: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (list[middle]!.tx.startMs < atMs) low = middle + 1;
    else high = middle;
  }
  return low;
}
