/**
 * The node runtimes' energy meter (node-runtimes.ts): each change of a node's firmware state
 * books the interval since the last one on its energy ledger, in two simultaneous parts, the
 * MCU's and the radio's. While the radio follows a windowed wake schedule (rendezvous or
 * preamble sampling), its listening time within the interval is counted exactly
 * (`scheduledListenMs`) and booked as a `listen` sub-interval at the end of the interval, the
 * rest as radio sleep.
 */
import { scheduledListenMs } from '../radio/wake-schedule.ts';
import { dead, type LedgerOutcome } from '../hw/energy-ledgers.ts';
import { capacityUc, emptyStateOfCharge, peukertFactor, stateOfChargeAtVoltage } from '../hw/battery.ts';
import { LAST_BOOKED_MS, MCU_CAUSE, MCU_MA, MCU_STATE, RADIO_CAUSE, RADIO_MA, RADIO_SLEEP_MA, RADIO_STATE, RUNTIME_ROW, type RuntimeTables, RX_MA, STATE, WINDOWED } from './runtime-columns.ts';
import { COMPUTE_STATE, IDLE, LISTEN, RADIO_SCHEDULED, RECEIVE, TRANSMIT, mcuRegion, radioRegion } from './runtime-firmware.ts';

/** Books [lastBooked, now] with the state in force and opens `next`'s parts, attributing what a cause ran. */
export function book(s: RuntimeTables, i: number, next: number): LedgerOutcome {
  const mc = s.row[i * RUNTIME_ROW + MCU_CAUSE]!;
  const rc = s.row[i * RUNTIME_ROW + RADIO_CAUSE]!;
  const attribute = s.config.attribute;
  if (!attribute || (Number.isNaN(mc) && Number.isNaN(rc))) return bookParts(s, i, next);
  const ledgers = s.ledgers;
  const transmitBefore = ledgers.energyUj(i, TRANSMIT);
  const receiveBefore = ledgers.energyUj(i, RECEIVE);
  const computeBefore = ledgers.energyUj(i, COMPUTE_STATE);
  const idleBefore = ledgers.energyUj(i, IDLE);
  const outcome = bookParts(s, i, next);
  if (!Number.isNaN(rc)) {
    if (ledgers.energyUj(i, TRANSMIT) > transmitBefore) attribute(i, rc, 'transmit', ledgers.energyUj(i, TRANSMIT) - transmitBefore);
    if (ledgers.energyUj(i, RECEIVE) > receiveBefore) attribute(i, rc, 'receive', ledgers.energyUj(i, RECEIVE) - receiveBefore);
  }
  if (!Number.isNaN(mc)) {
    if (ledgers.energyUj(i, COMPUTE_STATE) > computeBefore) attribute(i, mc, 'compute', ledgers.energyUj(i, COMPUTE_STATE) - computeBefore);
    if (ledgers.energyUj(i, IDLE) > idleBefore) attribute(i, mc, 'idle', ledgers.energyUj(i, IDLE) - idleBefore);
  }
  return outcome;
}

/** Books [lastBooked, now] with the state in force, splitting off scheduled listening. */
function bookParts(s: RuntimeTables, i: number, next: number): LedgerOutcome {
  const nowMs = s.scheduler.nowMs;
  const row = s.row;
  const o = i * RUNTIME_ROW;
  const current = row[o + STATE]!;
  if (row[o + WINDOWED] && radioRegion[current] === RADIO_SCHEDULED && nowMs > row[o + LAST_BOOKED_MS]!) {
    const lastMs = row[o + LAST_BOOKED_MS]!;
    const listenMs = scheduledListenMs(s.nodes[i]!.wake, lastMs, nowMs);
    const m = mcuRegion[current]!;
    // The listening sub-interval starts no earlier than the interval: a session's sums can round the listening time a hair past the interval's length.
    if (listenMs > 0 && s.ledgers.transition2(i, Math.max(lastMs, nowMs - listenMs), row[o + MCU_STATE + m]!, row[o + MCU_MA + m]!, LISTEN, row[o + RX_MA]!) === dead) return dead;
  }
  row[o + LAST_BOOKED_MS] = nowMs;
  const nm = mcuRegion[next]!;
  const nr = radioRegion[next]!;
  return s.ledgers.transition2(i, nowMs, row[o + MCU_STATE + nm]!, row[o + MCU_MA + nm]!, row[o + RADIO_STATE + nr]!, row[o + RADIO_MA + nr]!);
}

/**
 * While the radio follows a windowed schedule, the ledger's open interval carries only the
 * sleep current (the listening is booked at the interval's end), so its prediction is late.
 * This one uses the schedule's average drawn current (each part with its Peukert factor) and
 * the brown-out threshold at the listening peak.
 */
export function windowedDeathAtMs(s: RuntimeTables, i: number): number {
  const { wake, power } = s.nodes[i]!;
  // Sessions are opened as the run goes: the prediction assumes none ahead (each session's listening is booked as it passes).
  const duty = wake.mode === 'rendezvous' ? wake.windowMs / wake.periodMs : wake.mode === 'preamble-sampling' ? wake.cadMs / wake.periodMs : 0;
  const o = i * RUNTIME_ROW;
  const mcuCurrentMa = s.row[o + MCU_MA + mcuRegion[s.row[o + STATE]!]!]!;
  const listenPeakMa = mcuCurrentMa + s.row[o + RX_MA]!;
  const sleepMa = mcuCurrentMa + s.row[o + RADIO_SLEEP_MA]!;
  const profile = power.battery;
  const drawnPerMs = listenPeakMa * peukertFactor(profile, listenPeakMa) * duty + sleepMa * peukertFactor(profile, sleepMa) * (1 - duty);
  const dropoutV = power.rail.type === 'ldo' ? power.rail.dropoutV : 0;
  const brownSoc = stateOfChargeAtVoltage(profile, power.brownOutV + dropoutV + (listenPeakMa * profile.internalResistanceOhm) / 1000);
  const thresholdSoc = Math.max(brownSoc, emptyStateOfCharge(profile));
  const marginUc = (s.ledgers.stateOfCharge(i) - thresholdSoc) * capacityUc(profile);
  return marginUc <= 0 ? s.scheduler.nowMs : s.scheduler.nowMs + marginUc / drawnPerMs;
}
