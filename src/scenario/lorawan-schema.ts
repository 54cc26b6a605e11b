/**
 * The `lorawan` key: class A end devices with their receive windows, a network server behind
 * the gateways, confirmed uplinks, NbTrans and ADR (node/lorawan-devices.ts,
 * node/network-server.ts). Left out, sensors only send, as before.
 */
import * as z from 'zod';
import { withDefault } from './described.ts';

export const lorawanSchema = z
  .strictObject({
    class: withDefault(
      z.enum(['A', 'C']).describe("Device class: A listens only in RX1 and RX2 after each uplink; C also listens on RX2's channel whenever it does not transmit (booked as listen on the ledger), so it catches the same answers at a continuous receive current. Class B is not modelled."),
      'A',
    ),
    confirmed: withDefault(z.boolean().describe('Confirmed uplinks (MHDR confirmed data up): the network server answers each with an ACK in RX1 or RX2, and a device without one sends again after RETRANSMIT_TIMEOUT (1 to 3 s), up to maxTransmissions.'), false),
    maxTransmissions: withDefault(z.int().min(1).max(15).describe('Transmissions of a confirmed uplink at most, the first included (LoRaMac-node retries up to 8).'), 8),
    nbTrans: withDefault(z.int().min(1).max(15).describe('NbTrans at the start: how many times each unconfirmed uplink is sent unless a downlink answers one (ADR may change it).'), 1),
    rx1DrOffset: withDefault(z.int().min(0).max(7).describe("RX1DROffset: RX1's data rate is the uplink's lowered by this many steps (the region's table)."), 0),
    adr: withDefault(z.boolean().describe("Adaptive data rate: devices set the ADR bit and back off by themselves without downlinks (ADR_ACK_LIMIT 64, ADR_ACK_DELAY 32); the network server runs ChirpStack's default algorithm over each device's last 20 uplinks and sends LinkADRReq in FOpts."), false),
    adrStart: withDefault(
      z
        .enum(['slowest', 'scenario'])
        .describe("Where an ADR device starts: slowest, the region's slowest 125 kHz data rate at the most power (TXPower 0), as a device starts after joining, ADR then raising it; or scenario, the radio's SF and txPowerDbm of the scenario (sf: auto included)."),
      'slowest',
    ),
    installationMarginDb: withDefault(z.number().min(0).max(30).describe("ADR's installation margin in dB: SNR kept in hand above what the data rate needs (ChirpStack's default 10)."), 10),
  })
  .describe('LoRaWAN class A devices and a network server: after every uplink each sensor opens RX1 (1 s after its end) and RX2 (2 s), booked on its energy ledger; the gateway that heard it best and is free sends the ACK or MAC commands under its own duty cycle. Needs lorawan framing and sensors that send to: sink; the nodes run in one process (no --remote or --workers). Left out: sensors only send.');

export type LorawanScenarioSettings = z.output<typeof lorawanSchema>;
