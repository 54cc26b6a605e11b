/**
 * The LoRaWAN class A devices' contract (lorawan-devices.ts): their settings and radio plan,
 * what they know of each device, what they count, their checkpoint and their operations.
 */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { RandomGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { Delivery } from '../radio/transmission.ts';
import type { DataRate } from '../radio/regions.ts';
import type { ReceiveWindowPlan } from '../lorawan/receive-windows.ts';
import type { LinkHooks, Macs, OutgoingFrame } from './mac-types.ts';
import type { NodeRuntimes } from './node-runtimes-types.ts';

export interface LorawanSettings {
  readonly confirmed: boolean;
  /** Transmissions of a confirmed uplink at most (the first and its retransmissions). */
  readonly maxTransmissions: number;
  /** NbTrans at the start: transmissions of each unconfirmed uplink (the network's ADR may change it). */
  readonly nbTrans: number;
  readonly rx1DrOffset: number;
  readonly adr: boolean;
}

/** The region's data rates and powers a device may use (RP002-1.0.4 per region). */
export interface DeviceRadioPlan {
  readonly plan: ReceiveWindowPlan;
  readonly dataRates: readonly DataRate[];
  /** The 125 kHz data rates ADR moves between. */
  readonly minDataRate: number;
  readonly maxDataRate: number;
  /** TXPower index n means maxEirpDbm − 2n dB. */
  readonly maxEirpDbm: number;
  readonly maxTxPowerIndex: number;
}

export interface LorawanDevice {
  readonly index: number;
  readonly dataRate: number;
  readonly txPowerIndex: number;
  /** The device's stream (retransmission timeouts). */
  readonly rng: RandomGenerator;
  /** TX current (mA) at a power (dBm), for the device's chip. */
  readonly txCurrentMa: (txPowerDbm: number) => number;
}

/** One change of a device's data rate, power or NbTrans, and what made it. */
export interface AdrChange {
  readonly atMs: number;
  readonly node: number;
  readonly dataRate: number;
  readonly sf: number;
  readonly txPowerDbm: number;
  readonly nbTrans: number;
  readonly cause: 'network' | 'backoff';
}

export interface LorawanDevicesConfig {
  readonly scheduler: Scheduler;
  readonly settings: LorawanSettings;
  readonly radio: DeviceRadioPlan;
  /** Every node by index; class A devices that run here are defined. */
  readonly devices: readonly (LorawanDevice | undefined)[];
  readonly macs: () => Macs;
  readonly runtimes: NodeRuntimes;
  readonly processingDelayMs: number;
  readonly onAdrChange: (change: AdrChange) => void;
}

/** What the devices counted (summary.json's `lorawan.devices`). */
export interface DeviceCounts {
  /** Uplinks handed to the MAC that went out at least once. */
  readonly uplinks: number;
  readonly retransmissions: number;
  readonly confirmedAcked: number;
  /** Confirmed uplinks given up after `maxTransmissions` without an ACK. */
  readonly confirmedFailed: number;
  readonly acksReceived: number;
  readonly downlinksReceived: number;
  /** Downlinks a window caught but the radio could not receive (collided, too weak, …). */
  readonly downlinksLost: number;
  readonly linkAdrReqApplied: number;
  readonly linkAdrReqRejected: number;
}

export interface LorawanDevices extends Checkpointable<LorawanDevicesState> {
  readonly hooks: LinkHooks;
  /** Puts each device's starting data rate and power in the MAC (before any traffic). */
  start(): void;
  /** A delivery from the ether to device `node` (its windows' preambles, frames and errors). */
  deliver(node: number, delivery: Delivery): void;
  isDevice(node: number): boolean;
  counts(): DeviceCounts;
  /** A device's data rate, TXPower index and NbTrans now. */
  stateOf(node: number): { readonly dataRate: number; readonly txPowerIndex: number; readonly nbTrans: number };
}

export interface LorawanDevicesState {
  readonly columns: readonly Float64Array[];
  readonly current: (OutgoingFrame | undefined)[];
  readonly rngs: (number[] | undefined)[];
  readonly counts: DeviceCounts;
}
