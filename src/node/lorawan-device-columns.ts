/**
 * The LoRaWAN class A devices' state (lorawan-devices.ts), one record for all nodes: a
 * float64 column per field indexed by node (the phase of each device's uplink, its windows, its
 * ADR settings, the LinkADRAns it owes), the uplink each is sending, the counts, and the
 * scheduler kinds the factory registers. The devices' parts (lorawan-device-adr.ts,
 * lorawan-device-windows.ts) are functions of this record.
 */
import { replaceArray, restoreInto } from '../sim/checkpoint-state.ts';
import { generatorState, setGeneratorState } from '../sim/rng.ts';
import type { EventKind } from '../sim/scheduler.ts';
import type { OutgoingFrame } from './mac-types.ts';
import type { DeviceCounts, LorawanDevicesConfig, LorawanDevicesState } from './lorawan-device-types.ts';

// Phases of a device's uplink.
export const IDLE = 0;
export const WINDOWS = 1;
export const RETRY_WAIT = 2;
/** No LinkADRAns owed. */
export const noAnswer = -1;

export interface DeviceColumns {
  readonly config: LorawanDevicesConfig;
  readonly phase: Float64Array;
  readonly uplinkEndMs: Float64Array;
  readonly uplinkChannelHz: Float64Array;
  readonly uplinkDataRate: Float64Array;
  readonly retryAtMs: Float64Array;
  readonly rx2CloseAtMs: Float64Array;
  readonly transmissions: Float64Array;
  /** 1 when a window caught a frame's preamble since the last uplink. */
  readonly caught: Float64Array;
  readonly gotDownlink: Float64Array;
  readonly acked: Float64Array;
  readonly adrAckCnt: Float64Array;
  readonly dataRate: Float64Array;
  readonly txPowerIndex: Float64Array;
  readonly nbTrans: Float64Array;
  /** The LinkADRAns status owed in the next uplink (−1: none). */
  readonly answer: Float64Array;
  /** The uplink each device is sending. */
  readonly current: (OutgoingFrame | undefined)[];
  readonly counts: { -readonly [K in keyof DeviceCounts]: DeviceCounts[K] };
}

/** The scheduler's hooks into the devices: RX1 and RX2 open, RX2 is over, a retransmission is due. */
export interface DeviceEvents {
  readonly rx1Kind: EventKind;
  readonly rx2Kind: EventKind;
  readonly rx2CloseKind: EventKind;
  readonly retryKind: EventKind;
}

export type Devices = DeviceColumns & DeviceEvents;

export function createDeviceColumns(config: LorawanDevicesConfig): DeviceColumns {
  const { settings, devices } = config;
  const column = (fill: number): Float64Array => new Float64Array(devices.length).fill(fill);
  return {
    config,
    phase: column(IDLE),
    uplinkEndMs: column(Number.NEGATIVE_INFINITY),
    uplinkChannelHz: column(0),
    uplinkDataRate: column(0),
    retryAtMs: column(Number.NaN),
    rx2CloseAtMs: column(Number.NaN),
    transmissions: column(0),
    caught: column(0),
    gotDownlink: column(0),
    acked: column(0),
    adrAckCnt: column(0),
    dataRate: Float64Array.from(devices, (d) => d?.dataRate ?? 0),
    txPowerIndex: Float64Array.from(devices, (d) => d?.txPowerIndex ?? 0),
    nbTrans: column(settings.nbTrans),
    answer: column(noAnswer),
    current: new Array<OutgoingFrame | undefined>(devices.length),
    counts: { uplinks: 0, retransmissions: 0, confirmedAcked: 0, confirmedFailed: 0, acksReceived: 0, downlinksReceived: 0, downlinksLost: 0, linkAdrReqApplied: 0, linkAdrReqRejected: 0 },
  };
}

/** The columns a checkpoint copies, in the order it keeps them. */
function checkpointed(s: DeviceColumns): Float64Array[] {
  return [s.phase, s.uplinkEndMs, s.uplinkChannelHz, s.uplinkDataRate, s.retryAtMs, s.rx2CloseAtMs, s.transmissions, s.caught, s.gotDownlink, s.acked, s.adrAckCnt, s.dataRate, s.txPowerIndex, s.nbTrans, s.answer];
}

export function checkpointDevices(s: DeviceColumns): LorawanDevicesState {
  return { columns: checkpointed(s).map((c) => c.slice()), current: [...s.current], rngs: s.config.devices.map((d) => d && generatorState(d.rng)), counts: { ...s.counts } };
}

export function restoreDevices(s: DeviceColumns, state: LorawanDevicesState): void {
  checkpointed(s).forEach((c, k) => restoreInto(c, state.columns[k]!, 'LoRaWAN devices'));
  replaceArray(s.current, state.current);
  s.config.devices.forEach((d, i) => d && setGeneratorState(d.rng, state.rngs[i]!));
  Object.assign(s.counts, state.counts);
}
