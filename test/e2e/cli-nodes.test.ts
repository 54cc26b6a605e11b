import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-nodes-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const scenario = (node: string): string => `
duration: 1h
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
  - name: edge
    count: 2
    placement: { shape: disc, radiusM: 100 }
    node: ${node}
    traffic: { kind: poisson, interval: 10min, payloadBytes: 20 }
`;

async function run(text: string): Promise<{ status: number | null; stderr: string; out: string }> {
  const file = join(tmp, 's.yaml');
  writeFileSync(file, text);
  const out = join(tmp, 'run');
  const result = await runCli(['run', file, '--out', out, '--quiet']);
  return { status: result.status, stderr: result.stderr, out };
}

describe('node hardware in scenarios', () => {
  it('refuses static allocations that exceed the SRAM before the run, naming the node, budget, request and shortfall', async () => {
    // nRF52840: 256 KiB SRAM; firmware 32 KiB + radio stack 8 KiB + 200,000 B of KV cache + 50,000 B of activations.
    const result = await run(scenario('{ mcu: nrf52840, memory: { kvCacheBytes: 200000, activationsBytes: 50000 } }'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /groups\[1\]\.node\.memory: expected the static allocations of node "edge-0" \(and its group\) to fit its nrf52840, found SRAM: requested 290960 B \(.*\), budget 262144 B, short by 28816 B/,
    );
    expect(result.stderr).not.toContain('    at ');
    expect(existsSync(result.out)).toBe(false);
    expect(existsSync(`${result.out}.partial`)).toBe(false);
  });

  it('refuses an unknown MCU or battery, listing the built-in ones', async () => {
    const mcu = await run(scenario('{ mcu: stm32f103 }'));
    expect(mcu.status).toBe(2);
    expect(mcu.stderr).toMatch(/groups\[1\]\.node\.mcu: expected a built-in MCU \(stm32u575, .*\) or a key of profiles\.mcus, found "stm32f103"/);
    const battery = await run(scenario('{ battery: lipo }'));
    expect(battery.status).toBe(2);
    expect(battery.stderr).toMatch(/groups\[1\]\.node\.battery: expected "mains", a built-in battery \(18650, cr2032, 2xaa\)/);
  });

  it('runs a custom MCU profile from the scenario, and reports per-node energy, battery and peak memory', async () => {
    const text = `${scenario('{ mcu: my-mcu, battery: 2xaa, wake: { mode: off }, memory: { weightsBytes: 100000, activationsBytes: 20000 } }')}
profiles:
  mcus:
    my-mcu:
      id: my-mcu
      core: Cortex-M33
      clockHz: 64000000
      sramBytes: 131072
      flashBytes: 524288
      flashExternal: false
      supplyV: 3.0
      activePowerMw: 12
      idlePowerMw: 4
      sleepCurrentUa: 2
      brownOutV: 1.8
      macsPerCycle: { matmul: 0.5, conv: 0.6, depthwise: 0.3, elementwise: 0.25, softmax: 0.02 }
`;
    const result = await run(text);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(result.out, 'summary.json'), 'utf8')) as {
      perNode: { id: string; mcu: string; battery: string; peakSramBytes: number; peakFlashBytes: number; batteryRemainingMah: number; energyJByState: Record<string, number> }[];
    };
    const edge = summary.perNode.find((n) => n.id === 'edge-0')!;
    expect(edge.mcu).toBe('my-mcu');
    expect(edge.battery).toBe('2xaa');
    // Default budget: firmware 32 KiB + radio stack 8 KiB of SRAM, 96 + 48 KiB of flash.
    expect(edge.peakSramBytes).toBe(32 * 1024 + 8 * 1024 + 20000);
    expect(edge.peakFlashBytes).toBe(96 * 1024 + 48 * 1024 + 100000);
    expect(edge.batteryRemainingMah).toBeLessThan(3000);
    expect(edge.energyJByState.transmit).toBeGreaterThan(0);
    const nodesCsv = readFileSync(join(result.out, 'nodes.csv'), 'utf8');
    expect(nodesCsv.split('\n')[0]).toContain('diedAtMs,deathReason');
    expect(readFileSync(join(result.out, 'series.csv'), 'utf8').split('\n')[0]).toBe(
      'atMs,node,alive,stateOfCharge,remainingMah,sleepJ,idleJ,listenJ,receiveJ,transmitJ,computeJ,radioStandbyJ,dutyCycleUse@868-868.6MHz',
    );
  });
});

describe('node settings that could not run are refused before the run', () => {
  const refuse = async (node: string, message: RegExp, region = 'eu868'): Promise<void> => {
    const file = join(tmp, 'v.yaml');
    writeFileSync(file, scenario(node).replace('duration: 1h', `duration: 1h\nregion: ${region}`));
    const result = await runCli(['validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('    at ');
  };

  it('refuses a listen window or CAD as long as its period', async () => {
    await refuse('{ wake: { mode: rendezvous, period: 1s, window: 2s } }', /groups\[1\]\.node\.wake\.window: expected a listen window shorter than the wake period/);
    await refuse('{ wake: { mode: preamble-sampling, period: 1s, cad: 2s } }', /groups\[1\]\.node\.wake\.cad: expected a channel-activity detection shorter than the sampling period/);
    await refuse('{ wake: { mode: preamble-sampling, period: 1ms } }', /node\.wake\.cad: expected a channel-activity detection shorter than the 1 ms period, found 2\.048 ms/);
  });

  it('refuses a sampling period no preamble can cover, and stretched frames over the US915 dwell', async () => {
    await refuse('{ wake: { mode: preamble-sampling, period: 1h } }', /node\.wake\.period: expected a sampling period that SF7\/125 kHz senders can cover with at most 65535 preamble symbols, found 3600000 ms/);
    await refuse('{ wake: { mode: preamble-sampling, period: 1s } }', /node\.wake\.period: expected stretched frames within the 400 ms dwell time of us915/, 'us915');
  });

  it('refuses an LDO below the brown-out threshold and battery-only settings on mains', async () => {
    await refuse('{ battery: 18650, rail: { type: ldo, voltageV: 1.5 } }', /node\.rail: expected an LDO output of at least the brown-out threshold 1\.8 V/);
    await refuse('{ solar: { panelAreaM2: 0.001 } }', /node\.solar: expected solar harvesting only with a battery, found battery: mains/);
    await refuse('{ initialStateOfCharge: 0.5 }', /node\.initialStateOfCharge: expected no state of charge with battery: mains, found 0\.5/);
  });
});

describe('custom radio profiles', () => {
  it('runs a radio profile defined in the scenario, and refuses an unknown one listing the built-in radios', async () => {
    const text = `${scenario('{ battery: 2xaa, wake: { mode: off } }')}
radio: { chip: my-radio, txPowerDbm: 10 }
profiles:
  radios:
    my-radio:
      id: my-radio
      family: sx126x
      defaultSensitivity: sx1262
      minTxPowerDbm: 0
      maxTxPowerDbm: 14
      txCurrentMa: [[0, 10], [14, 40]]
      rxCurrentMa: 5
      standbyCurrentMa: 0.6
      sleepCurrentUa: 1
      minSupplyV: 1.8
      maxSupplyV: 3.7
`;
    const ok = await run(text);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const frames = readFileSync(join(ok.out, 'frames.csv'), 'utf8').trim().split('\n');
    const energyColumn = frames[0]!.split(',').indexOf('energyUj');
    const airtimeColumn = frames[0]!.split(',').indexOf('airtimeMs');
    const first = frames[1]!.split(',');
    // 10 dBm on the custom table: 10 + (40 − 10) × 10/14 mA, at the 3.0 V nominal of two AA cells.
    expect(Number(first[energyColumn])).toBeCloseTo(Number(first[airtimeColumn]) * (10 + (30 * 10) / 14) * 3.0, 2);
    const unknown = await run(text.replace('chip: my-radio', 'chip: rfm95'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/radio\.chip: expected a built-in radio \(sx1276, sx1276-lorasim, sx1262, llcc68, sx1280\) or a key of profiles\.radios, found "rfm95"/);
  });
});
