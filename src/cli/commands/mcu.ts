/**
 * `loraswarm mcu`: the MCU profiles as a table; with `--mcu X` alone, that profile's memory
 * tiers, NPU and the published figures it was fitted to and checked against (benchmarks.ts);
 * with `--macs` the predicted latency and energy of that much work of one operation type,
 * its weights read from a tier.
 *
 * JSON shapes (`--json`):
 * - without `--macs`: one object keyed by MCU id, each value the validated profile with its
 *   checked figures (`figures`);
 * - with `--macs` and `--mcu`: one object `{ mcu, op, macs, weightBytes, tier, tierName,
 *   latencyMs, energyUj, cycles, onNpu, arithmeticMs, memoryMs, bound, memoryUj, powerMw }`;
 * - with `--macs` and no `--mcu`: one object keyed by MCU id (listing order), each value that
 *   same object for that MCU.
 */
import { digits as fmt, figuresOf, signed as pct, type FigureCheck } from '../../hw/benchmarks.ts';
import { runsOnNpu, workCost, type WorkCost } from '../../hw/compute-cost.ts';
import { mcuIds, mcuProfiles, opTypes, type McuId, type McuProfile, type OpType } from '../../hw/mcu-profiles.ts';
import { tierIds, tierRead, type TierId } from '../../hw/memory-tiers.ts';
import { UsageError } from '../exit.ts';

export interface McuOptions {
  readonly mcu?: string;
  readonly macs?: string;
  readonly op: string;
  readonly weightBytes?: string;
  readonly weightsIn?: string;
  readonly json?: boolean;
}

interface Prediction extends Omit<WorkCost, 'npuMacs' | 'cpuMacs' | 'cpuOnlyMs'> {
  readonly mcu: McuId;
  readonly op: OpType;
  readonly macs: number;
  readonly tierName: string;
  readonly onNpu: boolean;
}

interface Parsed {
  readonly ids: readonly McuId[];
  readonly macs: number | undefined;
  readonly op: OpType;
  readonly weightBytes: number | undefined;
  readonly tier: TierId;
}

function parseOptions(options: McuOptions): Parsed {
  let ids = mcuIds;
  if (options.mcu !== undefined) {
    if (!(mcuIds as readonly string[]).includes(options.mcu)) throw new UsageError(`--mcu: expected one of ${mcuIds.join(', ')}, found ${JSON.stringify(options.mcu)}`);
    ids = [options.mcu as McuId];
  }
  if (!(opTypes as readonly string[]).includes(options.op)) throw new UsageError(`--op: expected one of ${opTypes.join(', ')}, found ${JSON.stringify(options.op)}`);
  const tier = options.weightsIn ?? 'flash';
  if (!(tierIds as readonly string[]).includes(tier)) throw new UsageError(`--weights-in: expected one of ${tierIds.join(', ')}, found ${JSON.stringify(tier)}`);
  const noExternal = ids.filter((id) => tier === 'external' && mcuProfiles[id].memory?.external === undefined);
  if (noExternal.length > 0) throw new UsageError(`--weights-in external: expected MCUs with an external memory tier, found ${noExternal.join(', ')} without one (give --mcu)`);
  return { ids, macs: count(options.macs, '--macs', 'a number of MACs ≥ 0 (e.g. 2660000 or 2.66e6)'), op: options.op as OpType, weightBytes: count(options.weightBytes, '--weight-bytes', 'a number of bytes ≥ 0'), tier: tier as TierId };
}

function count(text: string | undefined, flag: string, expected: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`${flag}: expected ${expected}, found ${JSON.stringify(text)}`);
  return value;
}

function predict(id: McuId, { macs, op, weightBytes, tier }: Parsed & { macs: number }): Prediction {
  const mcu = mcuProfiles[id];
  // A dense layer applied to one input reads each int8 weight once per MAC; convolutions reuse theirs.
  const bytes = weightBytes ?? (op === 'matmul' ? macs : 0);
  const { npuMacs: _npu, cpuMacs: _cpu, cpuOnlyMs: _only, ...cost } = workCost(mcu, { ops: [{ op, macs }], weightBytes: bytes, weightsIn: tier });
  return { mcu: id, op, macs, ...cost, tierName: tierRead(mcu, tier).name, onNpu: runsOnNpu(mcu, op) };
}

export function mcuCommand(options: McuOptions, print: (text: string) => void): void {
  const parsed = parseOptions(options);
  const { ids, macs, op } = parsed;
  if (macs === undefined) {
    if (options.json) print(`${JSON.stringify(Object.fromEntries(ids.map((id) => [id, { ...mcuProfiles[id], figures: figuresOf(id) }])))}\n`);
    else print(profileTable(ids.map((id) => mcuProfiles[id])) + (ids.length === 1 ? profileDetails(mcuProfiles[ids[0]!]) : ''));
    return;
  }
  const predictions = ids.map((id) => predict(id, { ...parsed, macs }));
  if (options.json) {
    const only = predictions.length === 1 ? predictions[0] : undefined;
    print(`${JSON.stringify(only ?? Object.fromEntries(predictions.map((p) => [p.mcu, p])))}\n`);
    return;
  }
  const unit = op === 'elementwise' || op === 'softmax' ? 'elements' : 'MACs';
  const bytes = predictions[0]!.weightBytes;
  print(`${macs} ${op} ${unit}${bytes > 0 ? `, ${bytes} B of weights from ${parsed.tier}` : ''}:\n`);
  print(
    table(
      ['mcu', 'latency ms', 'energy µJ', 'path', 'rate', 'memory ms', 'bound'],
      predictions.map((p) => {
        const mcu = mcuProfiles[p.mcu];
        const rate = p.onNpu ? `${fmt(mcu.npu!.macsPerSecond[op as 'matmul']! / 1e9)} GMAC/s` : `${mcu.macsPerCycle[op]} /cycle at ${fmt(mcu.clockHz / 1e6)} MHz`;
        return [p.mcu, fmt(p.latencyMs), fmt(p.energyUj), p.onNpu ? 'npu' : 'cpu', rate, fmt(p.memoryMs), p.weightBytes > 0 ? p.bound : '-'];
      }),
    ),
  );
}

function profileTable(profiles: readonly McuProfile[]): string {
  const rows = profiles.map((p) => {
    const fitted = figuresOf(p.id).filter((f) => f.role === 'fit');
    return [
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
      fitted.length === 0 ? '-' : `${fitted.length} fit ≤ ${pct(worst(fitted))}`,
    ];
  });
  const header = ['id', 'core', 'clock', 'SRAM', 'flash', 'model flash/SRAM', 'active', 'sleep', 'npu', 'throughput', 'fit error'];
  return `${table(header, rows)}(model flash/SRAM: what is left after firmware and radio stack; sleep: with RAM retention and RTC; fit error: the largest latency or energy error of the published figures fitted; --mcu X for its tiers and every figure)\n`;
}

function profileDetails(p: McuProfile): string {
  const lines = ['', `basis: ${p.calibration ?? 'estimate: throughput from the sources of each rate (see sources)'}`];
  const tiers = p.memory;
  if (tiers === undefined) lines.push('memory: no tiers given (memory never binds)');
  else {
    lines.push('memory tiers:');
    for (const id of ['sram', 'flash', 'external'] as const) {
      const tier = tiers[id];
      if (tier === undefined) continue;
      const capacity = id === 'sram' ? p.sramBytes : id === 'flash' ? p.flashBytes : tiers.external!.bytes;
      lines.push(`  ${id.padEnd(8)} ${kib(capacity)} KiB, ${fmt(tier.readBytesPerSecond / 1e6)} MB/s, ${fmt(tier.readPjPerByte)} pJ/B: ${tier.name}`);
    }
  }
  if (p.npu) lines.push(`npu: ${p.npu.name}, sustained ${Object.entries(p.npu.macsPerSecond).map(([op, rate]) => `${op} ${fmt(rate / 1e9)} GMAC/s`).join(', ')} at ${fmt(p.npu.activePowerMw)} mW (peak ${fmt(p.npu.peakOpsPerSecond / 1e9)} GOPS)`);
  const figures = figuresOf(p.id);
  if (figures.length > 0) {
    lines.push('published figures (fit: fitted to; held-out: kept out of the fit; shown: not reached, with the reason):');
    lines.push(
      table(
        ['role', 'figure', 'ms', 'predicted', 'error', 'energy error'],
        figures.map((f) => [f.role, f.benchmark, fmt(f.latencyMs), fmt(f.predictedMs), pct(f.latencyError), f.energyError === undefined ? '-' : pct(f.energyError)]),
      ).trimEnd(),
    );
    for (const f of figures.filter((figure) => figure.role === 'shown')) lines.push(`  ${f.benchmark}: ${f.note}`);
  }
  return `${lines.join('\n')}\n`;
}

const worst = (figures: readonly FigureCheck[]): number => figures.reduce((most, f) => Math.max(most, Math.abs(f.latencyError), Math.abs(f.energyError ?? 0)), 0);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => rows.reduce((width, row) => Math.max(width, row[i]!.length), title.length));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

const kib = (bytes: number): string => String(Math.round(bytes / 1024));

