/**
 * LoRaWAN at city scale (issue 17): bench/city-grid.yaml at 10,000 nodes (ten gateways on a
 * 7.09 km grid, every gateway hearing each uplink) for one simulated day, as a plain sensor
 * network, with class A devices sending unconfirmed uplinks under ADR, and with confirmed
 * uplinks under ADR. Each run is a whole `loraswarm run` process (memory transport). Printed:
 * wall and CPU time, frames, the message delivery ratio, and the LoRaWAN counts.
 * `node --import tsx bench/lorawan.ts [N]` runs another size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const nodes = Number(process.argv[2] ?? 10_000);
const spacingM = 7090;
const gateways = Math.max(1, Math.round(nodes / 1000));
const columns = Math.ceil(Math.sqrt(gateways));
const rows = Math.ceil(gateways / columns);
const grid = [`groups.0.count=${gateways}`, `groups.0.placement.columns=${columns}`, `groups.1.count=${nodes}`, `groups.1.placement.widthM=${columns * spacingM}`, `groups.1.placement.heightM=${rows * spacingM}`, 'uplinkGateways=all'];

const variants = [
  ['sensors only send (no lorawan)', []],
  ['class A, unconfirmed, ADR', ['lorawan={adr: true}']],
  ['class A, confirmed, ADR', ['lorawan={confirmed: true, adr: true}']],
] as const;

console.log(`lorawan: machine ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; bench/city-grid.yaml, ${nodes.toLocaleString('en')} nodes, ${gateways} gateways, 1 simulated day, memory transport`);
for (const [label, sets] of variants) {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-lorawan-'));
  try {
    const report = join(dir, 'resources.json');
    const out = join(dir, 'run');
    const started = performance.now();
    const result = spawnSync(process.execPath, ['bin/loraswarm.js', 'run', 'bench/city-grid.yaml', ...[...grid, ...sets].flatMap((set) => ['--set', set]), '--transport', 'memory', '--out', out, '--quiet'], {
      env: { ...process.env, LORASWARM_RESOURCE_REPORT: report },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const wallS = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`${label}: exit ${result.status}\n${result.stderr}`);
    const usage = JSON.parse(readFileSync(report, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      frames: { sent: number };
      messages: { unicastDeliveryRatio: number };
      lorawan?: { uplinks: { retransmissions: number }; acks: { sent: number; notSent: number }; confirmed: { failed: number } };
    };
    const l = summary.lorawan;
    console.log(
      `  ${label}: ${wallS.toFixed(1)} s wall, ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(1)} s CPU, peak RSS ${Math.round(usage.maxRSS / 1024)} MiB, ` +
        `${summary.frames.sent.toLocaleString('en')} frames, delivery ${summary.messages.unicastDeliveryRatio}` +
        (l ? `, ${l.uplinks.retransmissions.toLocaleString('en')} retransmissions, ACKs sent ${l.acks.sent.toLocaleString('en')}, not sent ${l.acks.notSent.toLocaleString('en')}, confirmed failed ${l.confirmed.failed.toLocaleString('en')}` : ''),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
