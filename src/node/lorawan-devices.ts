/**
 * LoRaWAN class A end devices (TS001-1.0.4, https://read.uberflip.com/i/1428395), in columns
 * (lorawan-device-columns.ts), around the MAC (macs.ts holds a device's transmitter after each
 * frame until this layer resumes it):
 *
 * - after every uplink, RX1 opens RECEIVE_DELAY1 after its end on the region's RX1 channel and
 *   data rate, RX2 RECEIVE_DELAY2 after it on the RX2 channel and data rate (§3.3); each window
 *   is open for a preamble-detection time (lorawan/receive-windows.ts) and booked as `receive`
 *   on the energy ledger; a frame caught in RX1 means no RX2; a caught frame keeps the radio
 *   on to its end, then arrives as a frame or as the radio's error (lorawan-device-windows.ts);
 * - a confirmed uplink without an ACK is sent again after RETRANSMIT_TIMEOUT (1–3 s, uniform,
 *   from the device's own stream), up to `maxTransmissions` transmissions (§4.3.1.2, §18);
 *   an unconfirmed uplink is sent NbTrans times unless a downlink answers one (§4.3.1.1), each
 *   repetition after the windows of the one before; every transmission is a new frame on the
 *   air with the same FCnt, under the duty cycle like any other;
 * - with ADR, the FCtrl ADR bit is set, LinkADRReq from the network is applied (all or nothing)
 *   and answered with LinkADRAns in the next uplink's FOpts (§5.2), and the device backs off by
 *   itself without downlinks (§4.3.1.1 Table 9, lorawan/adr.ts; lorawan-device-adr.ts).
 *
 * Class B is not modelled; class C neither (yet): the network answers in RX1 or RX2 only.
 */
import { startRadios, uplinkBytes } from './lorawan-device-adr.ts';
import { checkpointDevices, createDeviceColumns, restoreDevices, type Devices } from './lorawan-device-columns.ts';
import { closeRx2, deliver, openRx1, openRx2, retry, uplinkSent } from './lorawan-device-windows.ts';

export type { AdrChange, DeviceCounts, DeviceRadioPlan, LorawanDevice, LorawanDevices, LorawanDevicesConfig, LorawanDevicesState, LorawanSettings } from './lorawan-device-types.ts';
import type { LorawanDevices, LorawanDevicesConfig } from './lorawan-device-types.ts';

export function createLorawanDevices(config: LorawanDevicesConfig): LorawanDevices {
  const { scheduler, devices } = config;
  const s: Devices = {
    ...createDeviceColumns(config),
    rx1Kind: scheduler.kind((i) => openRx1(s, i)),
    rx2Kind: scheduler.kind((i) => openRx2(s, i)),
    rx2CloseKind: scheduler.kind((i) => closeRx2(s, i)),
    retryKind: scheduler.kind((i) => retry(s, i)),
  };
  return {
    hooks: {
      frameBytes: (i, frame) => uplinkBytes(s, i, frame),
      sent: (i, tx, frame) => uplinkSent(s, i, tx, frame),
    },
    start: () => startRadios(s),
    isDevice: (i) => devices[i] !== undefined,
    deliver: (i, delivery) => deliver(s, i, delivery),
    counts: () => ({ ...s.counts }),
    stateOf: (i) => ({ dataRate: s.dataRate[i]!, txPowerIndex: s.txPowerIndex[i]!, nbTrans: s.nbTrans[i]! }),
    checkpoint: () => checkpointDevices(s),
    restore: (state) => restoreDevices(s, state),
  };
}
