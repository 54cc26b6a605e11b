/**
 * A synthetic run directory of a Poisson city, in the documented formats (README, "Output
 * contract"), as large as asked and fast to write: for the dashboard's tests and bench of
 * large runs, while the simulator cannot yet run 100,000 nodes for a day. Deterministic (an
 * LCG seeded by `seed`): the same options give the same bytes.
 *
 * Nodes `n-000000`… on a disc around `gateways` sinks `gw-0`…; every node sends an uplink to
 * its nearest gateway about every `durationMs / framesPerNode`; frames come in time order, one
 * in a hundred blocked by the duty cycle; each sent frame has one reception (its gateway);
 * series.csv samples every node every `sampleMs`.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SyntheticRunOptions {
  readonly nodes: number;
  readonly gateways: number;
  /** Frames attempted in all (sent and blocked). */
  readonly frames: number;
  readonly durationMs: number;
  readonly sampleMs: number;
  /** frames.csv.gz and receptions.csv.gz instead of .csv. */
  readonly gzip: boolean;
  readonly seed?: number;
}

export interface SyntheticRun {
  readonly sent: number;
  readonly blocked: number;
  readonly receptions: number;
  readonly fates: Readonly<Record<string, number>>;
  readonly drainedUntilMs: number;
  readonly seriesRows: number;
}

const fates = ['received', 'received', 'received', 'received', 'received', 'received', 'collided', 'underSensitivity'] as const;
const channels = [868.1, 868.3, 868.5] as const;
const energyColumns = ['sleepJ', 'idleJ', 'listenJ', 'receiveJ', 'transmitJ', 'computeJ', 'radioStandbyJ'] as const;

/** A writer of text in ~1 MB pieces, plain or one gzip member per piece. */
function chunkedFile(path: string, gzip: boolean): { write(text: string): void; close(): void } {
  const fd = openSync(path, 'w');
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (size === 0) return;
    const bytes = Buffer.from(parts.join(''));
    writeSync(fd, gzip ? gzipSync(bytes, { level: 1 }) : bytes);
    parts = [];
    size = 0;
  };
  return {
    write(text) {
      parts.push(text);
      size += text.length;
      if (size >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

export function nodeId(i: number): string {
  return `n-${String(i).padStart(6, '0')}`;
}

export function writeSyntheticRun(dir: string, options: SyntheticRunOptions): SyntheticRun {
  mkdirSync(dir, { recursive: true });
  let state = (options.seed ?? 1) >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const { nodes, gateways, durationMs } = options;
  const radiusM = 4000 * Math.sqrt(nodes / 1000);
  const x: number[] = [];
  const y: number[] = [];
  const gatewayOf: number[] = [];
  const side = Math.ceil(Math.sqrt(gateways));
  for (let g = 0; g < gateways; g++) {
    x.push(Math.round(((((g % side) + 0.5) / side) * 2 - 1) * radiusM * 0.7 * 100) / 100);
    y.push(Math.round((((Math.floor(g / side) + 0.5) / side) * 2 - 1) * radiusM * 0.7 * 100) / 100);
  }
  for (let i = 0; i < nodes; i++) {
    const r = radiusM * Math.sqrt(random());
    const a = 2 * Math.PI * random();
    const nx = Math.round(r * Math.cos(a) * 100) / 100;
    const ny = Math.round(r * Math.sin(a) * 100) / 100;
    x.push(nx);
    y.push(ny);
    let best = 0;
    for (let g = 1; g < gateways; g++) if ((x[g]! - nx) ** 2 + (y[g]! - ny) ** 2 < (x[best]! - nx) ** 2 + (y[best]! - ny) ** 2) best = g;
    gatewayOf.push(best);
  }
  const ids = [...Array.from({ length: gateways }, (_, g) => `gw-${g}`), ...Array.from({ length: nodes }, (_, i) => nodeId(i))];

  const suffix = options.gzip ? '.csv.gz' : '.csv';
  const frames = chunkedFile(join(dir, `frames${suffix}`), options.gzip);
  const receptions = chunkedFile(join(dir, `receptions${suffix}`), options.gzip);
  frames.write('sender,seq,destination,outcome,blockReason,queuedAtMs,atMs,queueWaitMs,dutyCycleWaitMs,wakeWaitMs,airtimeMs,channelMhz,sf,bandwidthKhz,txPowerDbm,phyBytes,messageId,fragmentIndex,fragmentCount,energyUj,receivers,received,fate\n');
  receptions.write('sender,seq,receiver,atMs,fate,rxPowerDbm,snrDb\n');
  const seq = new Int32Array(nodes);
  const airtimeByNode = new Float64Array(nodes);
  const counts: Record<string, number> = { received: 0, collided: 0, underSensitivity: 0 };
  let sent = 0;
  let blocked = 0;
  let drainedUntilMs = durationMs;
  const stepMs = durationMs / options.frames;
  // Everything but the times and counters comes from tables of ready text: a city day is 8.6 million rows.
  const airtimes = [7, 8, 9, 10, 11, 12].map((sf) => Math.round(41.216 * 2 ** (sf - 7) * 1000) / 1000);
  const radio = airtimes.map((airtimeMs, k) => channels.map((channel) => `${airtimeMs},${channel},${k + 7},125,14,33,`));
  const energies = airtimes.map((airtimeMs) => Math.round(airtimeMs * 130.5 * 1000) / 1000);
  const links = Array.from({ length: 3000 }, (_, k) => `${Math.round((k / 100 - 15 - 110) * 100) / 100},${Math.round((k / 100 - 15) * 100) / 100}`);
  for (let f = 0; f < options.frames; f++) {
    const node = Math.floor(random() * nodes);
    const sender = ids[gateways + node]!;
    const gateway = ids[gatewayOf[node]!]!;
    const atMs = Math.round((f + random()) * stepMs * 1000) / 1000;
    const k = Math.floor(random() * 6);
    const airtimeMs = airtimes[k]!;
    const cells = radio[k]![Math.floor(random() * 3)]!;
    if (f % 100 === 99) {
      blocked++;
      frames.write(`${sender},,${gateway},dutyCycleBlocked,deadline,${atMs},${atMs},0,0,0,${cells}${f},0,1,0,0,0,\n`);
      continue;
    }
    const fate = fates[Math.floor(random() * fates.length)]!;
    const s = seq[node]!++;
    airtimeByNode[node]! += airtimeMs;
    sent++;
    counts[fate]!++;
    const endMs = Math.round((atMs + airtimeMs) * 1000) / 1000;
    if (endMs > drainedUntilMs) drainedUntilMs = endMs;
    frames.write(`${sender},${s},${gateway},sent,,${atMs},${atMs},0,0,0,${cells}${f},0,1,${energies[k]},1,${fate === 'received' ? 1 : 0},${fate}\n`);
    receptions.write(`${sender},${s},${gateway},${endMs},${fate},${links[Math.floor(random() * 3000)]}\n`);
  }
  frames.close();
  receptions.close();

  const series = chunkedFile(join(dir, 'series.csv'), false);
  series.write(`atMs,node,alive,stateOfCharge,remainingMah,${energyColumns.join(',')},dutyCycleUse@868-868.6MHz\n`);
  let seriesRows = 0;
  const total = ids.length;
  for (let atMs = 0; atMs <= durationMs; atMs += options.sampleMs) {
    const hours = atMs / 3_600_000;
    // Every node drains at one of 1,000 rates and uses energy at one of 13 paces; one in a thousand dies at half the run.
    const socs = Array.from({ length: 1000 }, (_, r) => {
      const soc = Math.round(Math.max(0, 1 - (0.001 + r / 1e6) * hours) * 1e6) / 1e6;
      return `1,${soc},${Math.round(soc * 3000 * 1000) / 1000}`;
    });
    const paces = Array.from({ length: 13 }, (_, p) => energyColumns.map((_, k) => Math.round(hours * (k + 1) * 0.01 * (1 + p) * 1e6) / 1e6).join(','));
    const sink = `1,1,3000,${energyColumns.map(() => 0).join(',')}`;
    const dead = `0,0,0`;
    for (let i = 0; i < total; i++) {
      const line = i < gateways ? sink : `${i % 1000 === 7 && atMs >= durationMs / 2 ? dead : socs[(i * 7919) % 1000]},${paces[i % 13]}`;
      series.write(`${atMs},${ids[i]},${line},0.001\n`);
      seriesRows++;
    }
  }
  series.close();

  const nodesCsv = chunkedFile(join(dir, 'nodes.csv'), false);
  nodesCsv.write('id,group,role,xM,yM,sf,bandwidthKhz,txPowerDbm,attempts,sent,dutyCycleBlocked,receptions,receptionsReceived,der,framesHeard,messagesSent,messagesDelivered,airtimeMs,energyRadioTxJ,dutyCycleUse,dutyCycleBudgetUse,mcu,battery,diedAtMs,deathReason\n');
  for (let i = 0; i < total; i++) {
    const sink = i < gateways;
    const dead = !sink && i % 1000 === 7;
    // The share of the 1 % allowance of 868–868.6 MHz (every channel lies in it), as the run writes it.
    const airtimeMs = sink ? 0 : airtimeByNode[i - gateways]!;
    const use = Math.round((airtimeMs / durationMs) * 1e6) / 1e6;
    const budget = Math.round((airtimeMs / durationMs / 0.01) * 1e6) / 1e6;
    nodesCsv.write(`${ids[i]},${sink ? 'gw' : 'node'},${sink ? 'sink' : 'node'},${x[i]},${y[i]},7,125,14,0,0,0,0,0,,0,0,0,${Math.round(airtimeMs * 1000) / 1000},0,${use},${budget},nrf52840,${sink ? 'mains' : '2xaa'},${dead ? durationMs / 2 : ''},${dead ? 'batteryEmpty' : ''}\n`);
  }
  nodesCsv.close();

  const summary = {
    schema: 'loraswarm/summary@1',
    scenario: 'synthetic-city',
    seed: options.seed ?? 1,
    durationMs,
    drainedUntilMs,
    nodes: { total, sinks: gateways, senders: nodes, died: Math.floor(nodes / 1000) },
    frames: { attempts: sent + blocked, sent, dutyCycleBlocked: blocked, receptions: sent, fates: { ...counts, lostHalfDuplex: 0, asleep: 0, noReceivePath: 0, dropped: 0 } },
    der: counts.received! / sent,
    dutyCycleUtilisation: Object.fromEntries(ids.slice(gateways).map((id, i) => [id, (i % 97) / 1000])),
    perNode: ids.map((id) => ({ id, mcu: 'nrf52840', battery: '2xaa', diedAtMs: null, energyJ: 1 })),
  };
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, 'scenario.yaml'), `name: synthetic-city\nseed: ${options.seed ?? 1}\nregion: eu868\nduration: ${durationMs}\n`);
  return { sent, blocked, receptions: sent, fates: counts, drainedUntilMs, seriesRows };
}
