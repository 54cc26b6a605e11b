/**
 * summary.json's `lorawan` section: what the class A devices and the network server counted
 * (first transmissions and retransmissions, ACKs sent, received, lost and not sent, downlinks
 * in RX1 and RX2), and where ADR left the devices.
 */
import { stringify } from 'csv-stringify/sync';
import type { AdrChange, DeviceCounts } from '../node/lorawan-devices.ts';
import type { NetworkCounts } from '../node/network-server.ts';

export interface LorawanTotals {
  readonly devices: DeviceCounts;
  readonly network: NetworkCounts;
  readonly adrChanges: readonly AdrChange[];
}

/** `initialSf` by node index for devices (undefined for other nodes). */
export function lorawanSummary(totals: LorawanTotals, initialSf: readonly (number | undefined)[]): Record<string, unknown> {
  const { devices, network } = totals;
  const finalSf = [...initialSf];
  const finalPower = new Map<number, number>();
  for (const change of totals.adrChanges) {
    finalSf[change.node] = change.sf;
    finalPower.set(change.node, change.txPowerDbm);
  }
  const bySf = new Map<number, number>();
  for (const sf of finalSf) if (sf !== undefined) bySf.set(sf, (bySf.get(sf) ?? 0) + 1);
  return {
    lorawan: {
      uplinks: { first: devices.uplinks, retransmissions: devices.retransmissions },
      confirmed: { acked: devices.confirmedAcked, failed: devices.confirmedFailed },
      acks: {
        sent: network.acksSent,
        inRx2: network.acksRx2,
        received: devices.acksReceived,
        lost: network.acksSent - devices.acksReceived,
        notSent: network.acksNotSent,
      },
      downlinks: {
        rx1: network.downlinksRx1,
        rx2: network.downlinksRx2,
        notSent: network.downlinksNotSent,
        received: devices.downlinksReceived,
        lostAtDevice: devices.downlinksLost,
      },
      adr: {
        linkAdrReqSent: network.linkAdrReqSent,
        applied: devices.linkAdrReqApplied,
        rejected: devices.linkAdrReqRejected,
        changes: totals.adrChanges.length,
        devicesBySfAtEnd: Object.fromEntries([...bySf].sort((a, b) => a[0] - b[0]).map(([sf, n]) => [`SF${sf}`, n])),
      },
    },
  };
}

/**
 * adr.csv: every change of a device's data rate, power or NbTrans, in time order: what
 * LinkADRReq set (`network`) or the device's own back-off (`backoff`).
 */
export function adrCsv(changes: readonly AdrChange[], nodeIds: readonly string[]): string {
  const rows = changes.map((c) => [Math.round(c.atMs * 1000) / 1000, nodeIds[c.node]!, c.dataRate, c.sf, c.txPowerDbm, c.nbTrans, c.cause]);
  return stringify([['atMs', 'node', 'dataRate', 'sf', 'txPowerDbm', 'nbTrans', 'cause'], ...rows]);
}
