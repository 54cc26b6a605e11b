/**
 * frames.csv, receptions.csv and nodes.csv: one header row, then data rows, written with
 * csv-stringify. Numbers are rounded to fixed decimals so that files are byte-identical for the
 * same scenario and seed. Columns are documented in the README ("Output contract").
 */
import { stringify } from 'csv-stringify/sync';
import type { FrameRecord, NodeTally, ReceptionRecord } from './radio-tracker.ts';
import { subBandOf, type Region, type SubBand } from '../radio/regions.ts';
import type { NodeReport } from './node-report.ts';
import { round } from './stats.ts';

/** What the tables need to know about a node. */
export interface NodeInfo {
  readonly id: string;
  readonly group: string;
  readonly role: string;
  readonly xM: number;
  readonly yM: number;
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly txPowerDbm: number;
  readonly channelsHz: readonly number[];
}

const ms = (value: number): number => round(value, 3);
const idOrBroadcast = (nodes: readonly NodeInfo[], index: number): string => (index < 0 ? '*' : nodes[index]!.id);

export const frameColumns = [
  'sender', 'seq', 'destination', 'outcome', 'blockReason', 'queuedAtMs', 'atMs', 'queueWaitMs', 'dutyCycleWaitMs', 'wakeWaitMs', 'airtimeMs',
  'channelMhz', 'sf', 'bandwidthKhz', 'txPowerDbm', 'phyBytes', 'messageId', 'fragmentIndex', 'fragmentCount', 'energyUj',
  'receivers', 'received', 'fate',
] as const;

export function framesCsv(frames: readonly FrameRecord[], nodes: readonly NodeInfo[]): string {
  const rows = frames.map((f) => [
    nodes[f.sender]!.id,
    f.seq < 0 ? '' : f.seq,
    idOrBroadcast(nodes, f.destination),
    f.outcome,
    f.blockReason,
    ms(f.queuedAtMs),
    ms(f.atMs),
    ms(f.queueWaitMs),
    ms(f.dutyCycleWaitMs),
    ms(f.wakeWaitMs),
    ms(f.airtimeMs),
    f.channelHz ? f.channelHz / 1e6 : '',
    f.sf,
    f.bandwidthHz ? f.bandwidthHz / 1e3 : '',
    f.outcome === 'sent' ? f.txPowerDbm : '',
    f.phyBytes,
    f.messageId,
    f.fragmentIndex,
    f.fragmentCount,
    round(f.energyUj, 3),
    f.receivers,
    f.received,
    f.fate,
  ]);
  return stringify([frameColumns as unknown as string[], ...rows]);
}

export const receptionColumns = ['sender', 'seq', 'receiver', 'atMs', 'fate', 'rxPowerDbm', 'snrDb'] as const;

export function receptionsCsv(receptions: readonly ReceptionRecord[], nodes: readonly NodeInfo[]): string {
  const rows = receptions.map((r) => [nodes[r.sender]!.id, r.seq, nodes[r.receiver]!.id, ms(r.atMs), r.fate, round(r.rxPowerDbm, 2), round(r.snrDb, 2)]);
  return stringify([receptionColumns as unknown as string[], ...rows]);
}

export const nodeColumns = [
  'id', 'group', 'role', 'xM', 'yM', 'sf', 'bandwidthKhz', 'txPowerDbm', 'attempts', 'sent', 'dutyCycleBlocked', 'receptions',
  'receptionsReceived', 'der', 'framesHeard', 'messagesSent', 'messagesDelivered', 'airtimeMs', 'energyRadioTxJ', 'dutyCycleUse',
  'dutyCycleBudgetUse', 'mcu', 'battery', 'diedAtMs', 'deathReason', 'unsentAtDeath', 'energyJ', 'sleepJ', 'idleJ', 'listenJ', 'receiveJ',
  'transmitJ', 'computeJ', 'radioStandbyJ', 'stateOfCharge', 'batteryRemainingMah', 'peakSramBytes', 'peakFlashBytes',
] as const;

/**
 * Duty cycle per sub-band, the unit the regulation (and the MAC) applies it to:
 * `dutyCycleUse` is the node's busiest sub-band's airtime over the run's duration (compare it
 * with that sub-band's duty cycle, 0.01 for EU868 g1); `dutyCycleBudgetUse` is the largest
 * share of a sub-band's allowance the node used (1 = at the limit).
 */
export function nodesCsv(tallies: readonly NodeTally[], nodes: readonly NodeInfo[], durationMs: number, region: Region, reports: readonly NodeReport[]): string {
  const rows = nodes.map((node, i) => {
    const t = tallies[i]!;
    const byBand = new Map<SubBand, number>();
    for (const [channelHz, airtimeMs] of t.airtimeByChannelMs) {
      const band = subBandOf(region, channelHz)!;
      byBand.set(band, (byBand.get(band) ?? 0) + airtimeMs);
    }
    const busiest = Math.max(0, ...byBand.values());
    const budget = Math.max(0, ...[...byBand].map(([band, airtimeMs]) => airtimeMs / durationMs / band.dutyCycle));
    return [
      node.id,
      node.group,
      node.role,
      round(node.xM, 2),
      round(node.yM, 2),
      node.sf,
      node.bandwidthHz / 1e3,
      node.txPowerDbm,
      t.attempts,
      t.sent,
      t.dutyCycleBlocked,
      t.receptions,
      t.receptionsReceived,
      t.receptions > 0 ? round(t.receptionsReceived / t.receptions, 6) : '',
      t.framesHeard,
      t.messagesSent,
      t.messagesDelivered,
      ms(t.airtimeMs),
      round(t.txEnergyUj / 1e6, 6),
      round(busiest / durationMs, 6),
      round(budget, 6),
      ...reportColumns(reports[i]!, t),
    ];
  });
  return stringify([nodeColumns as unknown as string[], ...rows]);
}

function reportColumns(report: NodeReport, tally: NodeTally): (string | number)[] {
  const e = report.energyJByState;
  return [
    report.mcu,
    report.battery,
    report.diedAtMs ?? '',
    report.deathReason ?? '',
    tally.unsentAtDeath,
    report.energyJ,
    e.sleep, e.idle, e.listen, e.receive, e.transmit, e.compute, e.radioStandby,
    report.stateOfCharge ?? '',
    report.batteryRemainingMah ?? '',
    report.peakSramBytes,
    report.peakFlashBytes,
  ];
}
