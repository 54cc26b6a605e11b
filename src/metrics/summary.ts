/**
 * summary.json: simulation results only (no wall-clock figure), so that the same scenario and
 * seed give a byte-identical file. Keys: docs/reference/outputs.md ("summary.json keys").
 */
import { fates } from '../radio/transmission.ts';
import { energyTotalsJ, type NodeReport } from './node-report.ts';
import type { RadioTotals } from './radio-tracker.ts';
import { round } from './stats.ts';
import { networkLifetime } from './lifetime.ts';

export const summarySchemaVersion = 'loraswarm/summary@1';

export interface SummaryInput {
  readonly scenario: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly drainedUntilMs: number;
  readonly events: number;
  readonly nodes: number;
  readonly sinks: number;
  readonly senders: number;
  readonly totals: RadioTotals;
  readonly nodeReports: readonly NodeReport[];
  /** Nodes that tried to send and of whose frames none was received anywhere (ids, node order). */
  readonly deliveredNothing: readonly string[];
}

/** The most ids of nodes that delivered nothing summary.json names (nodes.csv has them all). */
export const deliveredNothingNamed = 100;

const ms = (value: number): number => round(value, 3);

export function buildSummary(input: SummaryInput): Record<string, unknown> {
  const { totals } = input;
  const byKey = (map: ReadonlyMap<number, number>, key: (k: number) => string, digits: number): Record<string, number> =>
    Object.fromEntries([...map.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [key(k), round(v, digits)]));
  const channelKey = (hz: number): string => String(hz / 1e6);
  const latency = totals.latencyMs;
  return {
    schema: summarySchemaVersion,
    scenario: input.scenario,
    seed: input.seed,
    durationMs: ms(input.durationMs),
    drainedUntilMs: ms(input.drainedUntilMs),
    events: input.events,
    nodes: {
      total: input.nodes,
      sinks: input.sinks,
      senders: input.senders,
      died: input.nodeReports.filter((r) => r.diedAtMs !== null).length,
      firstDeathMs: input.nodeReports.reduce<number | null>((first, r) => (r.diedAtMs !== null && (first === null || r.diedAtMs < first) ? r.diedAtMs : first), null),
      deliveredNothing: { count: input.deliveredNothing.length, first: input.deliveredNothing.slice(0, deliveredNothingNamed) },
      lifetime: networkLifetime(
        input.nodeReports.map((r) => ({ days: r.lifetimeDays, basis: r.lifetimeBasis })),
        input.nodeReports.map((r) => r.id),
      ),
    },
    frames: {
      attempts: totals.attempts,
      sent: totals.sent,
      dutyCycleBlocked: totals.dutyCycleBlocked,
      dutyCycleBlockedBy: totals.dutyCycleBlockedBy,
      unsentAtDeath: totals.unsentAtDeath,
      receptions: totals.receptions,
      fates: Object.fromEntries(fates.map((fate) => [fate, totals.fates[fate]])),
    },
    der: totals.receptions > 0 ? round(totals.fates.received / totals.receptions, 6) : null,
    ...uplinksSummary(totals.uplinksByGatewaysReceived),
    messages: {
      sent: totals.messagesSent,
      unicastSent: totals.unicastMessagesSent,
      unicastDelivered: totals.unicastMessagesDelivered,
      unicastDeliveryRatio: totals.unicastMessagesSent > 0 ? round(totals.unicastMessagesDelivered / totals.unicastMessagesSent, 6) : null,
      deliveries: totals.messageDeliveries,
      latencyMs: {
        p50: latency.p50 === undefined ? null : ms(latency.p50),
        p95: latency.p95 === undefined ? null : ms(latency.p95),
        p99: latency.p99 === undefined ? null : ms(latency.p99),
        mean: latency.mean === undefined ? null : ms(latency.mean),
      },
    },
    airtimeMs: {
      total: ms(totals.airtimeMs),
      bySf: byKey(totals.airtimeBySfMs, (sf) => `SF${sf}`, 3),
      byChannelMhz: byKey(totals.airtimeByChannelMs, channelKey, 3),
    },
    offeredLoad: byKey(
      new Map([...totals.airtimeByChannelMs].map(([hz, airtime]) => [hz, airtime / input.durationMs])),
      channelKey,
      6,
    ),
    energyJ: energyTotalsJ(input.nodeReports),
    perNode: input.nodeReports,
  };
}

/**
 * With gateway diversity: the uplinks sent to every gateway in range, those at least one
 * gateway received (delivered to the network), and how many gateways received each.
 */
function uplinksSummary(byReceived: readonly number[]): Record<string, unknown> {
  if (byReceived.length === 0) return {};
  const sent = byReceived.reduce((sum, n) => sum + n, 0);
  const delivered = sent - (byReceived[0] ?? 0);
  return {
    uplinks: {
      sent,
      delivered,
      deliveryRatio: sent > 0 ? round(delivered / sent, 6) : null,
      byGatewaysReceived: Object.fromEntries(byReceived.map((n, k) => [String(k), n])),
    },
  };
}
