/**
 * The delivery views' data with exact numbers: from small hand-written files, and from
 * city-sink's real run directory against its summary.json and nodes.csv (18 of its 400 sensors,
 * out of reach at the SF that `sf: auto` chose from the mean path loss, never got through).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvParse } from 'd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRun, runKind, type RunModel } from '../../src/dashboard/views/run-model.ts';
import { deliveryByDistance, deliveryByGateway, deliveryBySf, deliveryOverTime, receptionsBy, sfDistribution, silentNodes, tally } from '../../src/dashboard/views/delivery.ts';
import { readRunFiles } from '../../src/dashboard/run-files.ts';
import { runCli } from '../helpers/cli.ts';

const tiny = parseRun({
  'meta.json': JSON.stringify({ title: 'tiny', subBands: [] }),
  'nodes.csv': 'id,group,role,xM,yM,sf,battery\ngw,g,sink,0,0,7,mains\na,n,node,30,40,7,2xaa\nb,n,node,300,400,9,2xaa\nc,n,node,0,10,9,2xaa\n',
  'receptions.csv': [
    'sender,seq,receiver,atMs,fate,rxPowerDbm,snrDb',
    'a,0,gw,1000,received,-90,5',
    'b,0,gw,1500,underSensitivity,-140,-25',
    'a,1,gw,2500,collided,-95,1',
    'c,0,gw,3000,received,-80,9',
    'b,1,gw,3500,underSensitivity,-140,-25',
    'c,1,a,3600,received,-70,12',
  ].join('\n'),
});

describe('the delivery views', () => {
  it('tally the fates of every reception by t, over time, by SF, by gateway and by distance', () => {
    expect(tally(receptionsBy(tiny, 2500))).toEqual({ total: 3, received: 1, ratio: 1 / 3, byFate: [0, 0, 1, 0, 1, 0, 1] });
    expect(deliveryOverTime(receptionsBy(tiny, 4000), 4000, 2).map((b) => [b.startMs, b.endMs, b.total, b.received])).toEqual([[0, 2000, 2, 1], [2000, 4000, 4, 2]]);
    const all = receptionsBy(tiny, 4000);
    expect(deliveryBySf(tiny, all).map((g) => [g.key, g.total, g.received])).toEqual([['7', 2, 1], ['9', 4, 2]]);
    // Only receptions at gateways count there: c → a is a peer's.
    expect(deliveryByGateway(tiny, all).map((g) => [g.key, g.total, g.received])).toEqual([['gw', 5, 2]]);
    // Distances 50 m (a), 500 m (b), 10 m (c → gw), 36.1 m (c → a): two bins of 250 m.
    expect(deliveryByDistance(tiny, all, 2).map((g) => [g.fromM, g.toM, g.total, g.received])).toEqual([[0, 250, 4, 3], [250, 500, 2, 0]]);
    expect(sfDistribution(tiny)).toEqual([{ sf: 7, nodes: 1 }, { sf: 9, nodes: 2 }]);
  });

  it('finds the nodes that sent frames none of which was received, as of t', () => {
    expect(silentNodes(tiny, 2000)).toEqual({ nodes: [2], atEnd: false });
    expect(silentNodes(tiny, 1200)).toEqual({ nodes: [], atEnd: false });
    expect(runKind(tiny)).toBe('radio');
  });
});

describe('the delivery views of city-sink', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-delivery-'));
  let model: RunModel;
  beforeAll(async () => {
    const run = await runCli(['run', 'scenarios/city-sink.yaml', '--transport', 'memory', '--out', join(dir, 'city'), '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    model = parseRun(await readRunFiles(join(dir, 'city')));
  }, 90_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds up to summary.json\'s fates, and finds the silent sensors nodes.csv names', () => {
    const summary = JSON.parse(readFileSync(join(dir, 'city', 'summary.json'), 'utf8')) as { frames: { receptions: number; fates: Record<string, number> } };
    const all = receptionsBy(model, model.endMs);
    expect(tally(all)).toEqual({ total: summary.frames.receptions, received: summary.frames.fates.received, ratio: 13468 / 14259, byFate: [0, 0, 639, 0, 152, 0, 13468] });
    expect(deliveryBySf(model, all).map((g) => [g.key, g.total, g.received])).toEqual([['7', 5511, 5434], ['8', 2000, 1874], ['9', 2953, 2683], ['10', 3244, 2968], ['11', 551, 509]]);
    expect(deliveryByGateway(model, all).map((g) => [g.key, g.total, g.received])).toEqual([['gw', 14259, 13468]]);
    expect(deliveryByDistance(model, all, 10).map((g) => g.received / g.total).map((r) => Number(r.toFixed(3)))).toEqual([1, 1, 1, 0.996, 0.99, 0.99, 0.938, 0.936, 0.902, 0.896]);
    expect(sfDistribution(model)).toEqual([{ sf: 7, nodes: 155 }, { sf: 8, nodes: 55 }, { sf: 9, nodes: 83 }, { sf: 10, nodes: 91 }, { sf: 11, nodes: 16 }]);
    const nodes = csvParse(readFileSync(join(dir, 'city', 'nodes.csv'), 'utf8'));
    const silentInFile = nodes.filter((n) => Number(n.receptions) > 0 && n.receptionsReceived === '0').map((n) => n.id);
    const silent = silentNodes(model, model.endMs);
    expect(silent.nodes.map((i) => model.nodes[i]!.id)).toEqual(silentInFile);
    expect(silentInFile).toHaveLength(18);
    expect(silentInFile.slice(0, 3)).toEqual(['sensor-41', 'sensor-54', 'sensor-87']);
    expect(runKind(model)).toBe('radio');
  });
});
