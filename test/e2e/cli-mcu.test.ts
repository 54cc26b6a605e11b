import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const ids = ['stm32u575', 'stm32h7a3', 'stm32l4r5', 'stm32n6', 'esp32-s3', 'nrf52840', 'rp2040', 'rp2350'];

describe('loraswarm mcu', () => {
  it('lists all eight profiles in a table, calibrated or estimate', async () => {
    const result = await runCli(['mcu']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+core\s+clock\s+SRAM\s+flash\s+model flash\/SRAM\s+active\s+sleep\s+npu\s+throughput\s+fit error$/);
    expect(lines.slice(1, 9).map((line) => line.split(/\s+/)[0])).toEqual(ids);
    expect(lines[1]).toMatch(/^stm32u575\s+Cortex-M33\s+160 MHz\s+786 KiB\s+2048 KiB\s+1904 \/ 746 KiB\s+23\.2 mW\s+8\.5 µA\s+-\s+calibrated\s+2 fit ≤ \+2\.8 %$/);
    expect(lines.find((line) => line.startsWith('stm32n6'))).toMatch(/Neural-ART\s+calibrated\s+6 fit ≤ \+4\.9 %$/);
    expect(lines.find((line) => line.startsWith('rp2040'))).toMatch(/2048 KiB ext .* estimate\s+-$/);
  });

  it('--mcu stm32u575 --macs 2660000 --op conv --json prints one object with latencyMs and energyUj', async () => {
    const result = await runCli(['mcu', '--mcu', 'stm32u575', '--macs', '2660000', '--op', 'conv', '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(json).toMatchObject({ mcu: 'stm32u575', op: 'conv', macs: 2_660_000, onNpu: false });
    // 2.66 M / (160 MHz × 0.637 MAC/cycle) = 26.0989 ms; × 23.2 mW = 605.49 µJ
    expect(json.latencyMs).toBeCloseTo(26.0989, 3);
    expect(json.energyUj).toBeCloseTo(605.49, 1);
  });

  it('--macs without --mcu prints one object keyed by MCU id, the NPU used on stm32n6', async () => {
    const result = await runCli(['mcu', '--macs', '1e6', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, { latencyMs: number; energyUj: number; onNpu: boolean; op: string }>;
    expect(Object.keys(json)).toEqual(ids);
    expect(json.stm32n6).toMatchObject({ op: 'matmul', onNpu: true });
    expect(json.rp2040!.latencyMs).toBeGreaterThan(json.stm32u575!.latencyMs);
  });

  it('--json without --macs prints the profiles keyed by id, with their model budgets', async () => {
    const result = await runCli(['mcu', '--mcu', 'nrf52840', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, { modelSramBytes: number; sramBytes: number }>;
    expect(Object.keys(json)).toEqual(['nrf52840']);
    expect(json.nrf52840!.modelSramBytes).toBe(256 * 1024 - 40 * 1024);
  });

  it('prints a latency and energy table with --macs in text mode', async () => {
    const result = await runCli(['mcu', '--mcu', 'stm32n6', '--macs', '100', '--op', 'softmax']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^100 softmax elements:\nmcu\s+latency ms\s+energy µJ\s+path\s+rate\s+memory ms\s+bound\nstm32n6\s+\S+\s+\S+\s+cpu\s+0\.04 \/cycle at 800 MHz\s+0\s+-\n$/);
  });

  it('--mcu stm32n6 --macs 356480 --op matmul --json adds the memory-bound time and the tier: the octo-SPI flash binds', async () => {
    const result = await runCli(['mcu', '--mcu', 'stm32n6', '--macs', '356480', '--op', 'matmul', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    // One int8 weight per MAC: 356,480 B / 382 MB/s = 0.9332 ms (the NPU alone: 0.0068 ms); 264.87 mW × 0.9332 ms + 141 pJ/B = 297.44 µJ.
    expect(json).toMatchObject({ mcu: 'stm32n6', weightBytes: 356_480, tier: 'flash', bound: 'memory', onNpu: true });
    expect(json.tierName).toMatch(/^xSPI2 octo-SPI NOR/);
    expect(json.latencyMs).toBeCloseTo(0.93319, 5);
    expect(json.memoryMs).toBeCloseTo(0.93319, 5);
    expect(json.arithmeticMs).toBeCloseTo(0.0068031, 6);
    expect(json.energyUj).toBeCloseTo(297.44, 2);
  });

  it('--weights-in and --weight-bytes choose the tier and the bytes; a tier the MCU lacks exits 2', async () => {
    const psram = JSON.parse((await runCli(['mcu', '--mcu', 'stm32n6', '--macs', '1e6', '--weights-in', 'external', '--json'])).stdout) as Record<string, number>;
    expect(psram.memoryMs).toBeCloseTo(1.25, 9);
    const conv = JSON.parse((await runCli(['mcu', '--mcu', 'rp2350', '--macs', '1e6', '--op', 'conv', '--weight-bytes', '286000', '--json'])).stdout) as Record<string, unknown>;
    // 286,000 B through the XIP cache at 14.3 MB/s = 20 ms, longer than 1 M conv MACs at 0.637/cycle × 150 MHz = 10.47 ms.
    expect(conv).toMatchObject({ bound: 'memory', weightBytes: 286_000 });
    expect(conv.latencyMs).toBeCloseTo(20, 9);
    const refused = await runCli(['mcu', '--mcu', 'stm32u575', '--macs', '1000', '--weights-in', 'external']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe('loraswarm: --weights-in external: expected MCUs with an external memory tier, found stm32u575 without one (give --mcu)\n');
  });

  it('--mcu stm32n6 alone shows its basis, memory tiers, NPU rates and every published figure with its error', async () => {
    const result = await runCli(['mcu', '--mcu', 'stm32n6']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('basis: ST Model Zoo on the STM32N6570-DK');
    expect(result.stdout).toMatch(/\n {2}flash {4}131072 KiB, 382 MB\/s, 141 pJ\/B: xSPI2 octo-SPI NOR/);
    expect(result.stdout).toContain('npu: Neural-ART, sustained matmul 52.4 GMAC/s, conv 52.4 GMAC/s, depthwise 1.96 GMAC/s at 264.9 mW (peak 600 GOPS)');
    expect(result.stdout).toMatch(/\nheld-out\s+ST Model Zoo Tiny YOLO v2 224 \(COCO person\)\s+30\.67\s+28\.96\s+−5\.6 %\s+-\n/);
    expect(result.stdout).toMatch(/\nshown\s+ST Model Zoo MobileNet v2 0\.35 128 food-101\s+3\.33\s+1\.918\s+−42\.4 %/);
  });

  it.each([
    [['mcu', '--mcu', 'stm32f103'], /^loraswarm: --mcu: expected one of stm32u575, .*, rp2350, found "stm32f103"\n$/],
    [['mcu', '--macs', 'lots'], /^loraswarm: --macs: expected a number of MACs ≥ 0 .*found "lots"\n$/],
    [['mcu', '--macs', '-5'], /^loraswarm: --macs: expected a number of MACs ≥ 0 .*found "-5"\n$/],
    [['mcu', '--macs', '1000', '--op', 'gelu'], /^loraswarm: --op: expected one of matmul, conv, depthwise, elementwise, softmax, found "gelu"\n$/],
  ])('%j exits 2 naming the flag, without a stack trace', async (args, message) => {
    const result = await runCli(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('    at ');
  });
});
