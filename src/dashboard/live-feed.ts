/**
 * What a run publishes for live dashboards (`run --dashboard`): the start (retained, so that a
 * viewer who joins late gets it), then, after each step of the run, a delta holding the new
 * rows of the result files, written by the same writers as the run directory, and the running
 * totals. Messages go through the broker in chunks within the run's packet limit.
 */
import { stringify } from 'csv-stringify/sync';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Simulation } from '../run/simulation-types.ts';
import { framesCsv, receptionsCsv } from '../metrics/tables.ts';
import { seriesCsv, subBandLabel, type SeriesRow } from '../metrics/series.ts';
import { tokensCsv, placementCsv } from '../inference/report.ts';
import { roundsCsv } from '../fl/report.ts';
import type { Plan } from '../placement/place.ts';
import type { FrameRecord, ReceptionRecord } from '../metrics/radio-tracker.ts';
import type { TokenRecord } from '../inference/records.ts';
import { energyStates } from '../hw/energy-ledger.ts';
import type { DashboardDelta, DashboardStart } from './live-messages.ts';
import { energyStates as dashboardEnergyStates, type RunMeta } from './views/run-model.ts';

/** How many of the largest consumers a delta names with their joules (the energy view draws 30). */
const liveEnergyTop = 30;

export interface LiveFeed {
  /** The start message (nodes, placement, sub-bands). */
  start(): DashboardStart;
  /** The rows added since the last delta, and the totals now (`final`: every row left). */
  delta(atMs: number, final?: boolean): DashboardDelta;
}

/**
 * Picks the items of a growing list not sent yet that are `ready`, each once. The list only
 * grows during the run; at the end the books sort it into canonical order, so the final pick
 * looks at every item, by identity, not by position.
 */
function createPicker<T extends object>(ready: (item: T) => boolean): (items: readonly T[], final: boolean) => T[] {
  let from = 0;
  const sent = new WeakSet<T>();
  return (items, final) => {
    const picked: T[] = [];
    for (let i = final ? 0 : from; i < items.length; i++) {
      const item = items[i]!;
      if (sent.has(item) || !(final || ready(item))) continue;
      sent.add(item);
      picked.push(item);
    }
    if (!final) while (from < items.length && sent.has(items[from]!)) from++;
    return picked;
  };
}

export function createLiveFeed(
  title: string,
  durationMs: number,
  swarm: ResolvedSwarm,
  simulation: Simulation,
  served?: { readonly plan: Plan; readonly symbols: readonly string[] },
  accuracyTarget?: number,
): LiveFeed {
  const ids = swarm.nodes.map((node) => node.id);
  const mains = swarm.nodes.map((node) => node.power.mains);
  // A frame goes out once its record is final (every fate known: the tracker's sink); a token
  // once it has ended (tokens end out of order across requests).
  let newFrames: FrameRecord[] = [];
  let newReceptions: ReceptionRecord[] = [];
  simulation.tracker.addSink({
    frame: (_rows, slot, store) => newFrames.push(store.record(slot)),
    reception: (sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) => newReceptions.push({ sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb }),
  });
  let newRows: SeriesRow[] = [];
  simulation.series.addSink((atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse) => {
    const energyByStateUj = Object.fromEntries(energyStates.map((state, i) => [state, energyUj[i]!])) as SeriesRow['energyByStateUj'];
    newRows.push({ atMs, node, alive, stateOfCharge, remainingMah, energyByStateUj, dutyCycleUse: Array.from(dutyCycleUse) });
  });
  const tokens = createPicker<TokenRecord>((t) => Number.isFinite(t.endMs));
  let rounds = 0;
  let seq = 0;
  const lastSample = new Map<number, SeriesRow>();
  return {
    start() {
      const meta: RunMeta = {
        title,
        durationMs,
        subBands: swarm.region.subBands.map((band) => ({ label: subBandLabel(band), dutyCycle: band.dutyCycle })),
        kind: served ? 'serving' : simulation.federated ? 'federated' : 'radio',
        ...(accuracyTarget !== undefined && { accuracyTarget }),
      };
      const nodes = stringify([
        ['id', 'group', 'role', 'xM', 'yM', 'sf', 'mcu', 'battery'],
        ...swarm.nodes.map((node) => [node.id, node.group, node.role, node.xM, node.yM, node.sf, node.mcu.id, node.power.battery.id]),
      ]);
      return { files: { 'meta.json': JSON.stringify(meta), 'nodes.csv': nodes, ...(served && { 'placement.csv': placementCsv(served.plan, ids) }) } };
    },
    delta(atMs, final = false) {
      const { tracker } = simulation;
      const files: DashboardDelta['files'] = {};
      if (newFrames.length > 0) files['frames.csv'] = framesCsv(newFrames, swarm.nodes);
      if (newReceptions.length > 0) files['receptions.csv'] = receptionsCsv(newReceptions, swarm.nodes);
      newFrames = [];
      newReceptions = [];
      const rows = newRows;
      newRows = [];
      if (rows.length > 0) files['series.csv'] = seriesCsv({ rows, bands: simulation.series.bands }, ids, mains);
      for (const row of rows) if (row.atMs >= (lastSample.get(row.node)?.atMs ?? -1)) lastSample.set(row.node, row);
      const engine = simulation.inference;
      let generated = 0;
      if (engine && served) {
        const ended = tokens(engine.tokens, final);
        if (ended.length > 0) files['tokens.csv'] = tokensCsv({ ...engine, tokens: ended }, served.symbols);
        generated = engine.tokens.filter((t) => t.kind === 'generated' && t.status === 'ok' && t.endMs <= atMs).length;
      }
      const fl = simulation.federated;
      // A round is sent once the next one has begun (or at the end): its figures are final.
      const closed = fl ? (final ? fl.rounds.length : Math.max(rounds, fl.rounds.length - 1)) : 0;
      if (fl && closed > rounds) files['rounds.csv'] = roundsCsv(fl.rounds.slice(rounds, closed));
      rounds = closed;
      // Nodes this process runs report their ledgers; nodes in worker processes, their last sample.
      let energyUj = 0;
      let alive = 0;
      const consumers: { node: number; uj: number; byState: readonly number[] }[] = [];
      simulation.runtimes.forEach((runtime, i) => {
        const sample = lastSample.get(i);
        const byState = runtime ? runtime.ledger.totals().energyByStateUj : sample?.energyByStateUj;
        const states = energyStates.map((state) => byState?.[state] ?? 0);
        const uj = states.reduce((sum, e) => sum + e, 0);
        energyUj += uj;
        consumers.push({ node: i, uj, byState: states });
        if (runtime ? runtime.alive : (sample?.alive ?? true)) alive++;
      });
      const energyTop = consumers
        .sort((a, b) => b.uj - a.uj || a.node - b.node)
        .slice(0, liveEnergyTop)
        .flatMap((c) => [c.node, ...dashboardEnergyStates.map((state) => c.byState[energyStates.indexOf(state)]! / 1e6)]);
      // The page draws at this time against the rows' times, which the CSVs round to the µs: rounded up
      // alike, a row that ended by `atMs` is never drawn as after it.
      const totals = { atMs: Math.ceil(atMs * 1000) / 1000, tokens: generated, framesSent: tracker.totals().sent, energyJ: energyUj / 1e6, nodesAlive: alive, rounds, roundsBegun: fl?.rounds.length ?? 0, energyTop };
      return { seq: seq++, files, totals };
    },
  };
}
