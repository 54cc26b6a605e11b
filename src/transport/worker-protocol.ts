/**
 * The control protocol between a run's coordinator and its workers
 * (docs/explanation/design-notes.md, "Time, windows and transports"; docs/reference/mqtt.md,
 * "Worker protocol"). Every message is a control value (control-codec.ts) on `swarm/<run>/ctl/…`:
 *
 *   worker → coordinator, on ctl/workers/<worker>/…
 *     hello    { protocol, nodes }        "auto" or a partition; repeated until assigned
 *     join     { protocol }               its node clients are connected and subscribed
 *     report   { seq, sentTx, peekMs, busy, lastEventMs, failure, report, totals? }
 *              report: { events, series, samples, app? } (app: the node application's part)
 *     gone     (empty; the worker's MQTT last will)
 *     resync   {}                         it reconnected after a broker blip: publish again
 *     here     {}                         answers a `resync` from the coordinator
 *   coordinator → worker, on ctl/run/<worker>/… (or ctl/run/all/…)
 *     assign   { protocol, scenario, nodes, brokerInRun, partition?, model?, task? } or { protocol, refused }
 *              model, task: the digest of the model the run serves, of the federated task it
 *              trains; a worker whose own differs refuses
 *              partition: the credentials of one connection for all its nodes (topics.ts),
 *              given by the embedded broker; without it each node connects on its own
 *     op       { seq, untilMs, deliveries, close, deaths?, news? }   deliveries: how many it has been
 *              sent in all; deaths: [node, atMs, knownAtMs] of the run it has not been told of;
 *              news: { atMs, app }, the node application's news of the exchange at atMs
 *              (federated rounds started and closed: fl/fl-report.ts), sent to every worker
 *     abort    { reason }                 (ctl/run/all/abort) the run stopped
 *     alive    {}                         (ctl/run/all/alive) the heartbeat
 *     resync   {}                         (ctl/run/all/resync) the coordinator reconnected, or
 *                                         a worker's last will came: publish again, say `here`
 *     gone     { reason }                 (ctl/run/all/gone) the coordinator's last will
 *
 * A window: the coordinator sends `op` to every worker with something to do (or news to take) before it runs its
 * own part; the worker applies the deliveries it was sent, runs to `untilMs`, publishes its
 * frames on its nodes' tx topics and then its `report` (the node events, series rows and sample
 * partials of the window). The coordinator's barrier waits for every report and every frame.
 *
 * A broker blip (README, "Reliability"): each side reconnects, subscribes again and publishes
 * again what the other may have lost (the coordinator its ops and deliveries of the last two
 * windows, a worker its frames and report since the last op); receivers count every message
 * once (ops by seq, frames by identity and time: seen-messages.ts). A last will is not the end:
 * its sender has `defaultReconnectWindowMs` to come back. With the broker inside the run's
 * process (`brokerInRun`), a worker that finds it refusing connections stops at once.
 */
import type { PartitionTotals, WindowReport } from './partition-report.ts';

export const workerProtocolVersion = 4;

/** Worker ids are one topic level: short, lower-case letters and digits. */
export const workerIdPattern = /^[a-z0-9]{1,16}$/;

export interface HelloMessage {
  readonly protocol: number;
  readonly nodes: string;
}

export type AssignMessage =
  | {
      readonly protocol: number;
      readonly scenario: string;
      readonly nodes: string;
      readonly brokerInRun: boolean;
      readonly partition?: { readonly username: string; readonly password: string };
      /** The digest of the model the run serves (inference/model-digest.ts), when it serves one. */
      readonly model?: string;
      /** The digest of the federated task the run trains (fl/task-digest.ts), when it trains one. */
      readonly task?: string;
    }
  | { readonly protocol: number; readonly refused: string };

export interface OpMessage {
  readonly seq: number;
  readonly untilMs: number;
  readonly deliveries: number;
  readonly close: boolean;
  /** Deaths in the run the worker has not been told of: [node, atMs, knownAtMs] (node/application.ts `deathKnown`). */
  readonly deaths?: readonly (readonly [number, number, number])[];
  /** The node application's news of the exchange at `atMs`, which the worker takes with its clock there (node/application.ts `takeNews`). */
  readonly news?: OpNews;
}

export interface OpNews {
  readonly atMs: number;
  readonly app: unknown;
}

export interface ReportMessage {
  readonly seq: number;
  readonly sentTx: number;
  readonly peekMs: number | null;
  readonly busy: boolean;
  readonly lastEventMs: number;
  readonly failure: string | null;
  readonly report: WindowReport;
  readonly totals?: PartitionTotals;
}

export interface AbortMessage {
  readonly reason: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Why `value` is not a well-formed message of its kind, or undefined when it is. */
export function helloProblem(value: unknown): string | undefined {
  if (!isRecord(value) || value.protocol !== workerProtocolVersion) return `expected protocol ${workerProtocolVersion}`;
  return typeof value.nodes === 'string' ? undefined : 'expected nodes as text';
}

export function assignProblem(value: unknown): string | undefined {
  if (!isRecord(value) || value.protocol !== workerProtocolVersion) return `expected protocol ${workerProtocolVersion}, found ${isRecord(value) ? String(value.protocol) : 'no object'}`;
  if (typeof value.refused === 'string') return undefined;
  if (typeof value.scenario !== 'string' || typeof value.nodes !== 'string' || typeof value.brokerInRun !== 'boolean') return 'expected a scenario, nodes and brokerInRun';
  if (value.model !== undefined && (typeof value.model !== 'string' || !/^[0-9a-f]{64}$/.test(value.model))) return 'expected the model digest as 64 hexadecimal digits';
  if (value.task !== undefined && (typeof value.task !== 'string' || !/^[0-9a-f]{64}$/.test(value.task))) return 'expected the task digest as 64 hexadecimal digits';
  const partition = value.partition;
  if (partition === undefined) return undefined;
  return isRecord(partition) && typeof partition.username === 'string' && typeof partition.password === 'string' && partition.username.length <= 8192 && partition.password.length <= 256
    ? undefined
    : 'expected partition credentials as a user name and a password';
}

export function opProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'expected an object';
  if (!(isCount(value.seq) && isTime(value.untilMs) && isCount(value.deliveries) && typeof value.close === 'boolean')) return 'expected seq, untilMs, deliveries and close';
  const { deaths, news } = value;
  if (news !== undefined && !(isRecord(news) && isTime(news.atMs) && news.atMs <= value.untilMs && isRecord(news.app))) return 'expected news as { atMs, app } with atMs at or before untilMs';
  if (deaths === undefined) return undefined;
  return Array.isArray(deaths) && deaths.every((d) => Array.isArray(d) && d.length === 3 && isCount(d[0]) && isTime(d[1]) && isTime(d[2])) ? undefined : 'expected deaths as [node, atMs, knownAtMs]';
}

export function reportProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'expected an object';
  if (!isCount(value.seq) || !isCount(value.sentTx) || !isTime(value.lastEventMs) || typeof value.busy !== 'boolean') return 'expected seq, sentTx, lastEventMs and busy';
  if (value.peekMs !== null && !isTime(value.peekMs)) return 'expected peekMs as a time or null';
  if (value.failure !== null && typeof value.failure !== 'string') return 'expected failure as text or null';
  const report = value.report;
  if (!isRecord(report) || !Array.isArray(report.events) || !Array.isArray(report.series) || !Array.isArray(report.samples)) return 'expected a report with events, series and samples';
  if (report.app !== undefined && !isRecord(report.app)) return 'expected the application\'s report as an object';
  if (value.totals !== undefined && (!isRecord(value.totals) || !isCount(value.totals.events) || !Array.isArray(value.totals.nodes))) return 'expected totals with events and nodes';
  return undefined;
}

/**
 * The coordinator says it is alive this often to every worker (`ctl/run/all/alive`), and a
 * worker waiting for its next op gives up after `workerSilenceMs` without a word from it: a
 * worker that sits windows out still learns within a minute that its run is gone (a coordinator
 * killed without a last will, a broker that lost the will), instead of waiting for a day.
 */
export const coordinatorHeartbeatMs = 10_000;
export const workerSilenceMs = 60_000;
