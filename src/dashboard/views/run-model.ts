/**
 * The dashboard's model of a run (issue 8): the run directory's files, parsed once into typed
 * rows that every view filters by time. The same model grows in live mode, where the run sends
 * the new rows of the same files as it goes (`appendFiles`). Pure (d3's CSV parser, no DOM):
 * it runs in the browser and in Node's tests alike.
 */
import { csvParse, type DSVRowString } from 'd3';
import { decodeBase64, type RunDigest } from './run-digest.ts';
import { sumThrough } from './time-bins.ts';

/**
 * The files a report embeds (summary.json as text; `meta.json` and, for a run too large to
 * embed whole, `digest.json` are the dashboard's own: views/run-digest.ts).
 */
export const runFileNames = ['meta.json', 'summary.json', 'nodes.csv', 'series.csv', 'frames.csv', 'receptions.csv', 'tokens.csv', 'placement.csv', 'rounds.csv', 'digest.json'] as const;
export type RunFileName = (typeof runFileNames)[number];
export type RunFiles = Partial<Record<RunFileName, string>>;

/**
 * The columns a report embeds of the largest files (the ones the views read): a report of a
 * 1,000-node day stays a third of the size of the files themselves.
 */
export const embeddedColumns: Partial<Record<RunFileName, readonly string[]>> = {
  'frames.csv': ['sender', 'seq', 'destination', 'outcome', 'atMs', 'airtimeMs', 'channelMhz', 'sf', 'fate'],
  'receptions.csv': ['sender', 'seq', 'receiver', 'atMs', 'fate', 'snrDb'],
};

/** What the dashboard knows besides the files: the title, sub-bands and why data is missing. */
export interface RunMeta {
  readonly title: string;
  /** Each sub-band the series' duty-cycle columns name, with its legal duty cycle. */
  readonly subBands: readonly { readonly label: string; readonly dutyCycle: number }[];
  /** The scenario's duration (ms). */
  readonly durationMs?: number;
  /** Why the directory holds no (or not every) result: shown instead of a blank page. */
  readonly problem?: string;
  /** What the run holds beyond the radio (`runKind`): the panels follow it. */
  readonly kind?: RunKind;
  /** The federated block's `targetAccuracy` (0..1): the accuracy charts draw it. */
  readonly accuracyTarget?: number;
}

/** A run of the radio alone, one that serves a model (`inference`), or one that trains one (`federated`). */
export type RunKind = 'radio' | 'serving' | 'federated';

/** The run's kind: as its meta says, or, for files without it, as its files show. */
export function runKind(model: RunModel): RunKind {
  if (model.meta.kind) return model.meta.kind;
  if (model.placement.length > 0 || model.tokens.length > 0) return 'serving';
  return model.rounds.length > 0 ? 'federated' : 'radio';
}

export const energyStates = ['transmit', 'receive', 'compute', 'idle', 'listen', 'sleep', 'radioStandby'] as const;

export interface NodeRow {
  readonly id: string;
  readonly group: string;
  readonly role: string;
  readonly x: number;
  readonly y: number;
  readonly mcu: string;
  /** The battery profile, or `mains`. */
  readonly battery: string;
  /** The node's spreading factor (nodes.csv), or NaN where the file does not say. */
  readonly sf: number;
  /** Receptions of its frames (at every receiver addressed), and of them received, at the run's end; NaN where the file does not say (a live run). */
  readonly receptions: number;
  readonly receptionsReceived: number;
  readonly diedAtMs: number | null;
  readonly deathReason: string;
}

export interface SeriesPoint {
  readonly atMs: number;
  readonly node: number;
  readonly alive: boolean;
  /** State of charge, 0..1; NaN for a mains-powered node (an empty cell). */
  readonly soc: number;
  /** Cumulative joules by ledger state (`energyStates` order). */
  readonly energyJ: readonly number[];
  /** Duty-cycle use over the last interval, per sub-band of `bands`. */
  readonly dutyCycleUse: readonly number[];
}

export interface FrameRow {
  readonly sender: number;
  /** -1 for a broadcast, -2 for an uplink to every gateway in range. */
  readonly destination: number;
  readonly atMs: number;
  readonly endMs: number;
  readonly channelMhz: number;
  readonly fate: string;
}

export interface ReceptionRow {
  readonly sender: number;
  readonly receiver: number;
  /** The frame's end (ms), NaN where the file does not say. */
  readonly atMs: number;
  readonly fate: string;
  readonly snrDb: number;
  /** The frame's SF (from frames.csv: with ADR a node's frames change SF), NaN where unknown. */
  readonly sf: number;
}

export interface TokenRow {
  readonly request: number;
  readonly kind: string;
  readonly status: string;
  readonly endMs: number;
  readonly latencyMs: number;
  readonly parts: Readonly<Record<string, number>>;
  readonly energyJ: number;
  /** Routed experts per layer. */
  readonly experts: readonly (readonly number[])[];
}

export interface PlacementRow {
  readonly unit: string;
  readonly kind: string;
  readonly layer: number;
  readonly node: string;
}

export interface RoundCsvRow {
  readonly round: number;
  readonly endMs: number;
  readonly participants: number;
  readonly dropouts: number;
  readonly abandoned: number;
  readonly airtimeMs: number;
  readonly energyJ: number;
  readonly validationAccuracy: number;
  readonly validationLoss: number;
}

export interface RunModel {
  meta: RunMeta;
  summary: Record<string, unknown> | undefined;
  nodes: NodeRow[];
  /** Sub-band labels of the series' duty-cycle columns. */
  bands: string[];
  series: SeriesPoint[];
  frames: FrameRow[];
  receptions: ReceptionRow[];
  tokens: TokenRow[];
  placement: PlacementRow[];
  rounds: RoundCsvRow[];
  /** The last instant any row or the summary speaks of (ms). */
  endMs: number;
  /** A large run's samples and exact figures (digest.json), or undefined: every row is here. */
  digest: RunDigest | undefined;
  /** The digest's state-of-charge grid, decoded. */
  socGrid: Uint8Array | undefined;
}

const partColumns = ['airtimeMs', 'queueingMs', 'dutyCycleWaitMs', 'wakeWaitMs', 'computeMs', 'processingMs', 'timeoutMs'] as const;

/** A number from a CSV cell; empty or unparsable cells give `fallback`. */
function num(value: string | undefined, fallback = 0): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export function emptyModel(meta: RunMeta): RunModel {
  return { meta, summary: undefined, nodes: [], bands: [], series: [], frames: [], receptions: [], tokens: [], placement: [], rounds: [], endMs: 0, digest: undefined, socGrid: undefined };
}

/** The model of a finished run's files. */
export function parseRun(files: RunFiles): RunModel {
  const meta = files['meta.json'] === undefined ? { title: 'loraswarm run', subBands: [] } : (JSON.parse(files['meta.json']) as RunMeta);
  const model = emptyModel(meta);
  if (files['summary.json'] !== undefined) {
    try {
      model.summary = JSON.parse(files['summary.json']) as Record<string, unknown>;
    } catch (error) {
      model.meta = { ...meta, problem: `${meta.problem ? `${meta.problem} ` : ''}summary.json is not valid JSON (${(error as Error).message}); the other files are shown.` };
    }
  }
  appendFiles(model, files);
  const drained = model.summary?.drainedUntilMs;
  if (typeof drained === 'number') model.endMs = Math.max(model.endMs, drained);
  if (files['digest.json'] !== undefined) {
    const digest = JSON.parse(files['digest.json']) as RunDigest;
    model.digest = digest;
    model.socGrid = digest.series ? decodeBase64(digest.series.grid.base64) : undefined;
    model.endMs = Math.max(model.endMs, digest.endMs);
  }
  return model;
}

/** Adds the rows of more files (live mode sends each file's new rows, with its header). */
export function appendFiles(model: RunModel, files: RunFiles): void {
  const rows = (name: RunFileName): DSVRowString[] => (files[name] === undefined || files[name].trim() === '' ? [] : csvParse(files[name]));
  const later = (ms: number): void => {
    if (Number.isFinite(ms) && ms > model.endMs) model.endMs = ms;
  };
  for (const r of rows('nodes.csv')) {
    model.nodes.push({ id: r.id ?? '', group: r.group ?? '', role: r.role ?? '', x: num(r.xM), y: num(r.yM), mcu: r.mcu ?? '', battery: r.battery ?? '', sf: num(r.sf, Number.NaN), receptions: num(r.receptions, Number.NaN), receptionsReceived: num(r.receptionsReceived, Number.NaN), diedAtMs: r.diedAtMs ? num(r.diedAtMs) : null, deathReason: r.deathReason ?? '' });
  }
  const index = new Map(model.nodes.map((node, i) => [node.id, i]));
  const nodeIndex = (id: string | undefined): number => (id === undefined ? -1 : (index.get(id) ?? -1));
  const series = csvParse(files['series.csv'] ?? '');
  if (model.bands.length === 0) {
    model.bands = series.columns.filter((c) => c.startsWith('dutyCycleUse@')).map((c) => c.slice('dutyCycleUse@'.length));
  }
  for (const r of series) {
    const atMs = num(r.atMs);
    later(atMs);
    model.series.push({
      atMs,
      node: nodeIndex(r.node),
      alive: r.alive === '1',
      soc: num(r.stateOfCharge, Number.NaN),
      energyJ: energyStates.map((s) => num(r[`${s}J`])),
      dutyCycleUse: model.bands.map((band) => num(r[`dutyCycleUse@${band}`])),
    });
  }
  /** Each sent frame's SF by sender and seq, for its receptions. */
  const frameSf = new Map<string, number>();
  for (const r of rows('frames.csv')) {
    if (r.outcome !== 'sent') continue;
    if (r.seq !== undefined && r.sf !== undefined) frameSf.set(`${r.sender}/${r.seq}`, num(r.sf, Number.NaN));
    const atMs = num(r.atMs);
    const endMs = atMs + num(r.airtimeMs);
    later(endMs);
    model.frames.push({ sender: nodeIndex(r.sender), destination: r.destination === '*' || r.destination === '' ? -1 : r.destination === 'gateways' ? -2 : nodeIndex(r.destination), atMs, endMs, channelMhz: num(r.channelMhz, Number.NaN), fate: r.fate ?? '' });
  }
  for (const r of rows('receptions.csv')) {
    const sf = frameSf.get(`${r.sender}/${r.seq}`) ?? Number.NaN;
    model.receptions.push({ sender: nodeIndex(r.sender), receiver: nodeIndex(r.receiver), atMs: num(r.atMs, Number.NaN), fate: r.fate ?? '', snrDb: num(r.snrDb, Number.NaN), sf });
  }
  for (const r of rows('tokens.csv')) {
    const endMs = num(r.endMs, Number.NaN);
    later(endMs);
    const parts: Record<string, number> = {};
    for (const key of partColumns) parts[key] = num(r[key]);
    model.tokens.push({
      request: num(r.request),
      kind: r.kind ?? '',
      status: r.status ?? '',
      endMs,
      latencyMs: num(r.latencyMs, Number.NaN),
      parts,
      energyJ: num(r.energyJ),
      experts: (r.experts ?? '') === '' ? [] : r.experts!.split('|').map((layer) => (layer === '' ? [] : layer.split('+').map(Number))),
    });
  }
  for (const r of rows('placement.csv')) model.placement.push({ unit: r.unit ?? '', kind: r.kind ?? '', layer: num(r.layer, -1), node: r.node ?? '' });
  for (const r of rows('rounds.csv')) {
    // A round that never closed has no end: it is never "done by t".
    const endMs = num(r.endMs, Number.NaN);
    later(endMs);
    model.rounds.push({
      round: num(r.round),
      endMs,
      participants: num(r.participants),
      dropouts: num(r.dropouts),
      abandoned: num(r.abandoned),
      airtimeMs: num(r.airtimeMs),
      energyJ: num(r.energyJ),
      validationAccuracy: num(r.validationAccuracy, Number.NaN),
      validationLoss: num(r.validationLoss, Number.NaN),
    });
  }
}

/** The generated tokens served by time `t` (the latency and joules views' tokens). */
export function tokensBy(model: RunModel, t: number): TokenRow[] {
  return model.tokens.filter((token) => token.kind === 'generated' && token.status === 'ok' && token.endMs <= t);
}

/** Frames sent by time `t`: counted from the frames, or, in a large run's report, from every frame's time bin (exact at the slider's positions). */
export function framesSentBy(model: RunModel, t: number): number {
  const frames = model.digest?.frames;
  if (frames) return sumThrough(model.digest!.bins, frames.sentByBin, t);
  let sent = 0;
  for (const frame of model.frames) if (frame.atMs <= t) sent++;
  return sent;
}
