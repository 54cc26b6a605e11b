/**
 * The dashboard's run model and the views' data at a time t, with exact numbers: from small
 * hand-written files, and from the quickstart's real run directory against its summary.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFiles, parseRun, tokensBy, type RunFiles } from '../../src/dashboard/views/run-model.ts';
import { framesInFlight, mapLinks, mapNodes } from '../../src/dashboard/views/map.ts';
import { energyAt } from '../../src/dashboard/views/energy.ts';
import { dutyCycleAt } from '../../src/dashboard/views/duty-cycle.ts';
import { expertLoadAt } from '../../src/dashboard/views/expert-load.ts';
import { latencyView } from '../../src/dashboard/views/latency.ts';
import { readRunFiles } from '../../src/dashboard/run-files.ts';
import { runCli } from '../helpers/cli.ts';

const files: RunFiles = {
  'meta.json': JSON.stringify({ title: 'tiny', subBands: [{ label: '868-868.6MHz', dutyCycle: 0.01 }] }),
  'nodes.csv': 'id,group,role,xM,yM,sf,mcu,battery,diedAtMs,deathReason\na,g,sink,0,0,7,nrf52840,lipo,,\nb,g,node,100,50,9,nrf52840,2xaa,7000,battery\n',
  'series.csv': [
    'atMs,node,alive,stateOfCharge,remainingMah,transmitJ,receiveJ,computeJ,idleJ,listenJ,sleepJ,radioStandbyJ,dutyCycleUse@868-868.6MHz',
    '0,a,1,1,100,0,0,0,0,0,0,0,0',
    '0,b,1,1,100,0,0,0,0,0,0,0,0',
    '5000,a,1,0.9,90,1,2,0,0,0,0,0,0.002',
    '5000,b,1,0.5,50,3,0,0,0,1,0,0,0.004',
    '10000,a,1,0.8,80,2,3,0,0,0,0,0,0.001',
    '10000,b,0,0,0,4,0,0,0,1,0,0,0',
  ].join('\n'),
  'frames.csv': 'sender,seq,destination,outcome,atMs,airtimeMs,channelMhz,fate\na,0,b,sent,1000,200,868.1,received\nb,0,*,sent,1100,300,868.3,collided\nb,1,a,blocked,1200,0,,\n',
  'receptions.csv': 'sender,seq,receiver,atMs,fate,rxPowerDbm,snrDb\na,0,b,1200,received,-90,5\na,1,b,1300,received,-91,3\nb,0,a,1400,collided,-100,-2\nb,1,a,1500,underSensitivity,-130,-20\n',
  'tokens.csv': [
    'request,position,kind,status,endMs,latencyMs,airtimeMs,queueingMs,dutyCycleWaitMs,wakeWaitMs,computeMs,processingMs,timeoutMs,energyJ,experts',
    '0,0,prompt,ok,2000,500,100,400,0,0,0,0,0,0.1,0+1|2+3',
    '0,1,generated,ok,4000,2000,200,1800,0,0,0,0,0,0.2,1+2|3+0',
    '0,2,generated,ok,9000,5000,200,4800,0,0,0,0,0,0.3,1+3|3+2',
    '0,3,generated,failed,9500,,0,0,0,0,0,0,0,0,',
  ].join('\n'),
  'placement.csv': 'unit,kind,layer,replica,node\nL0.expert0,routed,0,0,a\nL0.expert1,routed,0,0,b\nL0.expert1,routed,0,1,a\nL0.expert2,routed,0,0,a\nL0.expert3,routed,0,0,b\nL1.expert0,routed,1,0,a\nL1.expert1,routed,1,0,a\nL1.expert2,routed,1,0,b\nL1.expert3,routed,1,0,b\n',
};

describe('run model', () => {
  const model = parseRun(files);

  it('parses each file into typed rows, broadcasts as -1, blocked frames left out', () => {
    expect(model.nodes.map((n) => [n.id, n.role, n.x, n.y, n.diedAtMs])).toEqual([['a', 'sink', 0, 0, null], ['b', 'node', 100, 50, 7000]]);
    expect(model.bands).toEqual(['868-868.6MHz']);
    expect(model.frames).toEqual([
      { sender: 0, destination: 1, atMs: 1000, endMs: 1200, channelMhz: 868.1, fate: 'received' },
      { sender: 1, destination: -1, atMs: 1100, endMs: 1400, channelMhz: 868.3, fate: 'collided' },
    ]);
    expect(model.tokens[3]!.latencyMs).toBeNaN();
    expect(model.endMs).toBe(10_000);
    expect(tokensBy(model, 9000).map((t) => t.latencyMs)).toEqual([2000, 5000]);
    expect(tokensBy(model, 8999).map((t) => t.latencyMs)).toEqual([2000]);
  });

  it('grows by appended rows (live mode)', () => {
    const live = parseRun({ 'meta.json': files['meta.json']!, 'nodes.csv': files['nodes.csv']! });
    appendFiles(live, { 'tokens.csv': 'kind,status,endMs,latencyMs\ngenerated,ok,100,50\n' });
    appendFiles(live, { 'tokens.csv': 'kind,status,endMs,latencyMs\ngenerated,ok,300,80\n' });
    expect(tokensBy(live, 1000).map((t) => t.latencyMs)).toEqual([50, 80]);
    expect(live.endMs).toBe(300);
  });

  it('puts the map at time t: state of charge, deaths, links by quality, frames on the air', () => {
    expect(mapNodes(model.nodes, model.series, 6000, new Set(['a']))).toEqual([
      { id: 'a', role: 'sink', x: 0, y: 0, soc: 0.9, dead: false, mains: false, holdsUnits: true },
      { id: 'b', role: 'node', x: 100, y: 50, soc: 0.5, dead: false, mains: false, holdsUnits: false },
    ]);
    expect(mapNodes(model.nodes, model.series, 7000).map((n) => n.dead)).toEqual([false, true]);
    expect(mapLinks(model.receptions)).toEqual([
      { from: 0, to: 1, heard: 2, received: 2, meanSnrDb: 4, deliveryRatio: 1, quality: 'good' },
      { from: 1, to: 0, heard: 2, received: 0, meanSnrDb: -11, deliveryRatio: 0, quality: 'poor' },
    ]);
    expect(framesInFlight(model.frames, 1150).map((f) => [f.frame.sender, f.progress])).toEqual([[0, 0.75], [1, 1 / 6]]);
    expect(framesInFlight(model.frames, 1300)).toHaveLength(1);
    expect(framesInFlight(model.frames, 1500, 150).map((f) => [f.frame.sender, f.progress])).toEqual([[1, 1]]);
  });

  it('gives energy, duty-cycle use and expert load as of t', () => {
    expect(energyAt(model, 6000).map((n) => [n.id, n.energyJByState.transmit, n.energyJByState.receive, n.energyJByState.listen])).toEqual([['a', 1, 2, 0], ['b', 3, 0, 1]]);
    // b sent 300 ms of airtime, a 200 ms, by 10 s: 3 and 2 times a 1 % allowance; by 1.05 s only a had begun.
    expect(dutyCycleAt(model, 10_000)).toEqual([{ id: 'b', subBand: '868-868.6MHz', use: 3 }, { id: 'a', subBand: '868-868.6MHz', use: 2 }]);
    expect(dutyCycleAt(model, 1050)).toEqual([{ id: 'a', subBand: '868-868.6MHz', use: 200 / 1050 / 0.01 }]);
    // Sub-bands are half-open, [min, max), as the simulator's: 865.0 MHz lies in 865–868 (1 %), not 863–865 (0.1 %).
    const edge = parseRun({
      'meta.json': JSON.stringify({ title: 'edge', subBands: [{ label: '863-865MHz', dutyCycle: 0.001 }, { label: '865-868MHz', dutyCycle: 0.01 }] }),
      'nodes.csv': 'id,role\na,node\n',
      'frames.csv': 'sender,destination,outcome,atMs,airtimeMs,channelMhz\na,*,sent,0,100,865\n',
    });
    expect(dutyCycleAt(edge, 1000)).toEqual([{ id: 'a', subBand: '865-868MHz', use: 100 }]);
    const load = expertLoadAt(model, 4000);
    expect(load.cells.filter((c) => c.layer === 0).map((c) => [c.calls, c.replicas])).toEqual([[1, 1], [2, 2], [1, 1], [0, 1]]);
    expect(expertLoadAt(model, 10_000).cells.filter((c) => c.layer === 1).map((c) => c.calls)).toEqual([1, 0, 2, 3]);
  });
});

describe('the quickstart run directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loraswarm-dashboard-model-'));
    const run = await runCli(['run', 'scenarios/quickstart.yaml', '--transport', 'memory', '--out', join(dir, 'run'), '--quiet']);
    expect(run.status).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the views summary.json\'s figures at the run\'s end', async () => {
    const model = parseRun(await readRunFiles(join(dir, 'run')));
    const summary = model.summary as { tokens: number; latencyMs: { p50: number; p95: number; p99: number }; expertLoad: number[][]; drainedUntilMs: number; dutyCycleUtilisation: Record<string, number> };
    // Each node's busiest duty-cycle bar at the end is summary.json's utilisation.
    const busiest = new Map<string, number>();
    for (const bar of dutyCycleAt(model, model.endMs)) busiest.set(bar.id, Math.max(busiest.get(bar.id) ?? 0, bar.use));
    for (const [id, use] of Object.entries(summary.dutyCycleUtilisation)) expect(busiest.get(id) ?? 0, id).toBeCloseTo(use, 5);
    expect(model.meta.title).toBe('quickstart, seed 1');
    expect(model.meta.problem).toBeUndefined();
    expect(model.nodes).toHaveLength(24);
    expect(model.endMs).toBe(Math.max(summary.drainedUntilMs, ...model.frames.map((f) => f.endMs), ...model.series.map((s) => s.atMs)));
    const view = latencyView(tokensBy(model, model.endMs));
    expect(view.count).toBe(summary.tokens);
    expect([view.p50, view.p95, view.p99]).toEqual([summary.latencyMs.p50, summary.latencyMs.p95, summary.latencyMs.p99]);
    expect(expertLoadAt(model, model.endMs).cells.map((c) => c.calls)).toEqual(summary.expertLoad.flat());
    // Halfway through, fewer tokens were out.
    expect(tokensBy(model, model.endMs / 2).length).toBe(15);
  });
});
