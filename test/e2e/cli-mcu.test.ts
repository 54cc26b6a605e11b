import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const ids = ['stm32u575', 'stm32h7a3', 'stm32l4r5', 'stm32n6', 'esp32-s3', 'nrf52840', 'rp2040', 'rp2350'];

describe('loraswarm mcu', () => {
  it('lists all eight profiles in a table, calibrated or estimate', () => {
    const result = cli(['mcu']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+core\s+clock\s+SRAM\s+flash\s+model flash\/SRAM\s+active\s+sleep\s+npu\s+throughput$/);
    expect(lines.slice(1, 9).map((line) => line.split(/\s+/)[0])).toEqual(ids);
    expect(lines[1]).toMatch(/^stm32u575\s+Cortex-M33\s+160 MHz\s+786 KiB\s+2048 KiB\s+1904 \/ 746 KiB\s+23\.2 mW\s+8\.5 µA\s+-\s+calibrated$/);
    expect(lines.find((line) => line.startsWith('rp2040'))).toMatch(/2048 KiB ext .* estimate$/);
  });

  it('--mcu stm32u575 --macs 2660000 --op conv --json prints one object with latencyMs and energyUj', () => {
    const result = cli(['mcu', '--mcu', 'stm32u575', '--macs', '2660000', '--op', 'conv', '--json']);
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

  it('--macs without --mcu prints one object keyed by MCU id, the NPU used on stm32n6', () => {
    const result = cli(['mcu', '--macs', '1e6', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, { latencyMs: number; energyUj: number; onNpu: boolean; op: string }>;
    expect(Object.keys(json)).toEqual(ids);
    expect(json.stm32n6).toMatchObject({ op: 'matmul', onNpu: true });
    expect(json.rp2040!.latencyMs).toBeGreaterThan(json.stm32u575!.latencyMs);
  });

  it('--json without --macs prints the profiles keyed by id, with their model budgets', () => {
    const result = cli(['mcu', '--mcu', 'nrf52840', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, { modelSramBytes: number; sramBytes: number }>;
    expect(Object.keys(json)).toEqual(['nrf52840']);
    expect(json.nrf52840!.modelSramBytes).toBe(256 * 1024 - 40 * 1024);
  });

  it('prints a latency and energy table with --macs in text mode', () => {
    const result = cli(['mcu', '--mcu', 'stm32n6', '--macs', '100', '--op', 'softmax']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^100 softmax elements:\nmcu\s+latency ms\s+energy µJ\s+path\s+rate\nstm32n6\s+\S+\s+\S+\s+cpu\s+0\.04 \/cycle at 800 MHz\n$/);
  });

  it.each([
    [['mcu', '--mcu', 'stm32f103'], /^loraswarm: --mcu: expected one of stm32u575, .*, rp2350, found "stm32f103"\n$/],
    [['mcu', '--macs', 'lots'], /^loraswarm: --macs: expected a number of MACs ≥ 0 .*found "lots"\n$/],
    [['mcu', '--macs', '-5'], /^loraswarm: --macs: expected a number of MACs ≥ 0 .*found "-5"\n$/],
    [['mcu', '--macs', '1000', '--op', 'gelu'], /^loraswarm: --op: expected one of matmul, conv, depthwise, elementwise, softmax, found "gelu"\n$/],
  ])('%j exits 2 naming the flag, without a stack trace', (args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('    at ');
  });
});
