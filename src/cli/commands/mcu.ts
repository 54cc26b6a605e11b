/**
 * `loraswarm mcu`: the MCU profiles as a table, and with `--macs` the predicted latency and
 * energy of that much work of one operation type.
 *
 * JSON shapes (`--json`):
 * - without `--macs`: one object keyed by MCU id, each value the validated profile;
 * - with `--macs` and `--mcu`: one object `{ mcu, op, macs, latencyMs, energyUj, cycles, onNpu }`;
 * - with `--macs` and no `--mcu`: one object keyed by MCU id (listing order), each value that
 *   same object for that MCU.
 */
import { computeCost, type ComputeCost } from '../../hw/compute-cost.ts';
import { mcuIds, mcuProfiles, opTypes, type McuId, type McuProfile, type OpType } from '../../hw/mcu-profiles.ts';
import { UsageError } from '../exit.ts';

export interface McuOptions {
  readonly mcu?: string;
  readonly macs?: string;
  readonly op: string;
  readonly json?: boolean;
}

interface Prediction extends ComputeCost {
  readonly mcu: McuId;
  readonly op: OpType;
  readonly macs: number;
}

function parseOptions(options: McuOptions): { ids: readonly McuId[]; macs: number | undefined; op: OpType } {
  let ids = mcuIds;
  if (options.mcu !== undefined) {
    if (!(mcuIds as readonly string[]).includes(options.mcu)) throw new UsageError(`--mcu: expected one of ${mcuIds.join(', ')}, found ${JSON.stringify(options.mcu)}`);
    ids = [options.mcu as McuId];
  }
  if (!(opTypes as readonly string[]).includes(options.op)) throw new UsageError(`--op: expected one of ${opTypes.join(', ')}, found ${JSON.stringify(options.op)}`);
  let macs: number | undefined;
  if (options.macs !== undefined) {
    macs = Number(options.macs);
    if (options.macs.trim() === '' || !Number.isFinite(macs) || macs < 0) {
      throw new UsageError(`--macs: expected a number of MACs ≥ 0 (e.g. 2660000 or 2.66e6), found ${JSON.stringify(options.macs)}`);
    }
  }
  return { ids, macs, op: options.op as OpType };
}

export function mcuCommand(options: McuOptions, print: (text: string) => void): void {
  const { ids, macs, op } = parseOptions(options);
  if (macs === undefined) {
    if (options.json) print(`${JSON.stringify(Object.fromEntries(ids.map((id) => [id, mcuProfiles[id]])))}\n`);
    else print(profileTable(ids.map((id) => mcuProfiles[id])));
    return;
  }
  const predictions = ids.map((id): Prediction => ({ mcu: id, op, macs, ...computeCost(mcuProfiles[id], { op, macs }) }));
  if (options.json) {
    const only = predictions.length === 1 ? predictions[0] : undefined;
    print(`${JSON.stringify(only ?? Object.fromEntries(predictions.map((p) => [p.mcu, p])))}\n`);
    return;
  }
  const unit = op === 'elementwise' || op === 'softmax' ? 'elements' : 'MACs';
  print(`${macs} ${op} ${unit}:\n`);
  print(
    table(
      ['mcu', 'latency ms', 'energy µJ', 'path', 'rate'],
      predictions.map((p) => {
        const mcu = mcuProfiles[p.mcu];
        const rate = p.onNpu ? `${fmt(mcu.npu!.opsPerSecond / 1e9)} GOPS` : `${mcu.macsPerCycle[op]} /cycle at ${fmt(mcu.clockHz / 1e6)} MHz`;
        return [p.mcu, fmt(p.latencyMs), fmt(p.energyUj), p.onNpu ? 'npu' : 'cpu', rate];
      }),
    ),
  );
}

function profileTable(profiles: readonly McuProfile[]): string {
  const rows = profiles.map((p) => [
    p.id,
    p.core,
    `${fmt(p.clockHz / 1e6)} MHz`,
    `${kib(p.sramBytes)} KiB`,
    `${kib(p.flashBytes)} KiB${p.flashExternal ? ' ext' : ''}`,
    `${kib(p.modelFlashBytes)} / ${kib(p.modelSramBytes)} KiB`,
    `${fmt(p.activePowerMw)} mW`,
    `${fmt(p.sleepCurrentUa)} µA`,
    p.npu ? p.npu.name : '-',
    p.calibration ? 'calibrated' : 'estimate',
  ]);
  const header = ['id', 'core', 'clock', 'SRAM', 'flash', 'model flash/SRAM', 'active', 'sleep', 'npu', 'throughput'];
  return `${table(header, rows)}(model flash/SRAM: what is left after firmware and radio stack; sleep: with RAM retention and RTC; calibrated: fitted to MLPerf Tiny)\n`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => rows.reduce((width, row) => Math.max(width, row[i]!.length), title.length));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

const kib = (bytes: number): string => String(Math.round(bytes / 1024));

/** Four significant digits, no exponent for everyday magnitudes. */
const fmt = (value: number): string => String(Number(value.toPrecision(4)));
