/**
 * LoRaWAN and the peer MAC in the delivery panel (summary.json's `lorawan`, at the run's end): the uplinks sent
 * once and again, the confirmed ones acknowledged or given up, the ACKs and downlinks by what
 * became of them, and the devices by SF where ADR left them.
 */
import type { RunModel } from '../views/run-model.ts';
import type { PeerCounts } from '../../node/peer-links.ts';
import { countBars } from './count-bars.ts';

interface LorawanSummary {
  readonly uplinks: { readonly first: number; readonly retransmissions: number };
  readonly confirmed: { readonly acked: number; readonly failed: number };
  readonly acks: { readonly sent: number; readonly received: number; readonly lost: number; readonly notSent: number };
  readonly downlinks: { readonly rx1: number; readonly rx2: number; readonly notSent: number; readonly received: number; readonly lostAtDevice: number };
  readonly adr: { readonly linkAdrReqSent: number; readonly applied: number; readonly changes: number; readonly devicesBySfAtEnd: Readonly<Record<string, number>> };
}

export function lorawanFigures(body: HTMLElement, model: RunModel): void {
  const l = model.summary?.lorawan as LorawanSummary | undefined;
  if (!l) return;
  const p = document.createElement('p');
  p.className = 'figures lorawan';
  p.dataset.first = String(l.uplinks.first);
  p.dataset.retransmissions = String(l.uplinks.retransmissions);
  const confirmed = l.confirmed.acked + l.confirmed.failed;
  p.textContent =
    `LoRaWAN class A, by the run's end: ${l.uplinks.first} uplinks, sent ${l.uplinks.first + l.uplinks.retransmissions} times (${l.uplinks.retransmissions} retransmissions). ` +
    (confirmed > 0 ? `Confirmed: ${l.confirmed.acked} acknowledged, ${l.confirmed.failed} given up without an ACK. ACKs: ${l.acks.sent} sent, ${l.acks.received} received, ${l.acks.lost} lost on the way, ${l.acks.notSent} never sent (no gateway free within its duty cycle). ` : '') +
    `ADR: ${l.adr.linkAdrReqSent} LinkADRReq sent, ${l.adr.applied} applied (adr.csv has each change).`;
  body.appendChild(p);
  const downlinks = [
    { label: 'RX1', count: l.downlinks.rx1 },
    { label: 'RX2', count: l.downlinks.rx2 },
    { label: 'not sent', count: l.downlinks.notSent },
  ];
  if (downlinks.some((d) => d.count > 0)) countBars(body, downlinks, 'downlinks by receive window (run\'s end)', 'window', 'downlinks (count)');
  const bySf = Object.entries(l.adr.devicesBySfAtEnd).map(([label, count]) => ({ label, count }));
  if (l.adr.changes > 0) countBars(body, bySf, 'devices by spreading factor at the run\'s end (ADR)', 'spreading factor (SF)', 'devices (count)');
}

/** The peer MAC (summary.json's `peerMac`, at the run's end): ACKs, retransmissions, deferrals. */
export function peerMacFigures(body: HTMLElement, model: RunModel): void {
  const m = model.summary?.peerMac as PeerCounts | undefined;
  if (!m) return;
  const p = document.createElement('p');
  p.className = 'figures peer-mac';
  p.dataset.acked = String(m.acked);
  p.dataset.retransmissions = String(m.retransmissions);
  p.dataset.channelBusy = String(m.channelBusy);
  p.textContent =
    `Peer MAC, by the run's end: ${m.acked} of ${m.framesAwaitingAck} frames acknowledged, ${m.retransmissions} retransmissions, ${m.failed} given up; ` +
    `ACKs sent ${m.acksSent}, not sent ${m.acksNotSent} (transmitting, or the sub-band closed); ${m.duplicates} frames received twice; ` +
    `${m.channelBusy} frames deferred by a busy channel (listen before talk).`;
  body.appendChild(p);
}
