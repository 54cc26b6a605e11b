/**
 * What a run publishes for live dashboards (`run --dashboard`): the start (retained, so that a
 * viewer who joins late gets it), then, after each step of the run, a delta holding the new
 * rows of the result files, written by the same writers as the run directory, and the running
 * totals. Messages go through the broker in chunks within the run's packet limit.
 */
import { stringify } from 'csv-stringify/sync';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Simulation } from '../scenario/simulation-types.ts';
import { framesCsv, receptionsCsv } from '../metrics/tables.ts';
import { seriesCsv, subBandLabel, type SeriesRow } from '../metrics/series.ts';
import { tokensCsv, placementCsv } from '../inference/report.ts';
import { roundsCsv } from '../fl/report.ts';
import type { Plan } from '../placement/place.ts';
import { energyStates } from '../hw/energy-ledger.ts';
import type { DashboardDelta, DashboardStart } from './live-messages.ts';
import type { RunMeta } from './views/run-model.ts';

export interface LiveFeed {
  /** The start message (nodes, placement, sub-bands). */
  start(): DashboardStart;
  /** The rows added since the last delta, and the totals now (`final`: every row left). */
  delta(atMs: number, final?: boolean): DashboardDelta;
}

export function createLiveFeed(title: string, durationMs: number, swarm: ResolvedSwarm, simulation: Simulation, served?: { readonly plan: Plan; readonly symbols: readonly string[] }): LiveFeed {
  const ids = swarm.nodes.map((node) => node.id);
  let frames = 0;
  let receptions = 0;
  let series = 0;
  let rounds = 0;
  let tokensFrom = 0;
  let seq = 0;
  const lastSample = new Map<number, SeriesRow>();
  const tokensSent = new Set<number>();
  return {
    start() {
      const meta: RunMeta = { title, durationMs, subBands: swarm.region.subBands.map((band) => ({ label: subBandLabel(band), dutyCycle: band.dutyCycle })) };
      const nodes = stringify([
        ['id', 'group', 'role', 'xM', 'yM', 'mcu', 'battery'],
        ...swarm.nodes.map((node) => [node.id, node.group, node.role, node.xM, node.yM, node.mcu.id, node.power.battery.id]),
      ]);
      return { files: { 'meta.json': JSON.stringify(meta), 'nodes.csv': nodes, ...(served && { 'placement.csv': placementCsv(served.plan, ids) }) } };
    },
    delta(atMs, final = false) {
      const { tracker } = simulation;
      const files: DashboardDelta['files'] = {};
      if (tracker.frames.length > frames) files['frames.csv'] = framesCsv(tracker.frames.slice(frames), swarm.nodes);
      frames = tracker.frames.length;
      if (tracker.receptions.length > receptions) files['receptions.csv'] = receptionsCsv(tracker.receptions.slice(receptions), swarm.nodes);
      receptions = tracker.receptions.length;
      const rows = simulation.series.rows;
      if (rows.length > series) files['series.csv'] = seriesCsv({ rows: rows.slice(series), bands: simulation.series.bands }, ids);
      for (let i = series; i < rows.length; i++) lastSample.set(rows[i]!.node, rows[i]!);
      series = rows.length;
      const engine = simulation.inference;
      let generated = 0;
      if (engine && served) {
        // A token is sent once it has ended; tokens end out of order across requests.
        const ended = [];
        for (let i = tokensFrom; i < engine.tokens.length; i++) {
          const token = engine.tokens[i]!;
          if (!tokensSent.has(i) && Number.isFinite(token.endMs)) {
            tokensSent.add(i);
            ended.push(token);
          }
        }
        while (tokensSent.has(tokensFrom)) tokensSent.delete(tokensFrom++);
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
      simulation.runtimes.forEach((runtime, i) => {
        const sample = lastSample.get(i);
        const byState = runtime ? runtime.ledger.totals().energyByStateUj : sample?.energyByStateUj;
        for (const state of energyStates) energyUj += byState?.[state] ?? 0;
        if (runtime ? runtime.alive : (sample?.alive ?? true)) alive++;
      });
      return { seq: seq++, files, totals: { atMs, tokens: generated, framesSent: tracker.totals().sent, energyJ: energyUj / 1e6, nodesAlive: alive, rounds } };
    },
  };
}
