/**
 * Compute cost model: MACs of one operation type → cycles, latency and energy on an MCU.
 *
 * CPU path (MLPerf Tiny v1.2 shows an MCU's power while inferring barely depends on the
 * workload, https://github.com/mlcommons/tiny_results_v1.2):
 *   latency = MACs / (clockHz × macsPerCycle[op]),  energy = activePowerMw × latency.
 * NPU path, where the MCU has an NPU that accelerates the op (STM32N6 Neural-ART; secondary
 * sources, in the profile's `sources`):
 *   latency = 2·MACs / npu.opsPerSecond,  energy = 2·MACs / npu.opsPerJoule
 * (1 MAC = 2 ops; peak figures, so no runtime overhead and no host-CPU power).
 * For `elementwise` and `softmax` the `macs` field counts elements (see mcu-profiles.ts).
 *
 * The per-op rates were calibrated on the MLPerf Tiny op mixes below (calibration table in
 * mcu-profiles.ts); test/hw/compute-cost.test.ts checks them against the published figures.
 */
import { opTypes, type McuProfile, type OpType } from './mcu-profiles.ts';

/** One operation: its type and its work (MACs, or elements for elementwise and softmax). */
export interface ComputeOp {
  readonly op: OpType;
  readonly macs: number;
}

export interface ComputeCost {
  readonly latencyMs: number;
  readonly energyUj: number;
  /** CPU clock cycles elapsed (on the NPU path: the NPU's run time counted in CPU cycles). */
  readonly cycles: number;
  readonly onNpu: boolean;
}

export interface OpsCost {
  readonly latencyMs: number;
  readonly energyUj: number;
  readonly cycles: number;
  /** Work done on the NPU and on the CPU (MACs, or elements for elementwise and softmax). */
  readonly npuMacs: number;
  readonly cpuMacs: number;
}

/**
 * Latency and energy of one operation on `mcu` (sequential, one core).
 *
 * @example
 * computeCost(mcuProfiles.stm32u575, { op: 'matmul', macs: 264_192 });
 * // { latencyMs: ≈3.43, energyUj: ≈79.6, cycles: ≈549,256, onNpu: false }
 */
export function computeCost(mcu: McuProfile, { op, macs }: ComputeOp): ComputeCost {
  if (!opTypes.includes(op)) throw new RangeError(`op must be one of ${opTypes.join(', ')}, got ${JSON.stringify(op)}`);
  if (!(Number.isFinite(macs) && macs >= 0)) throw new RangeError(`macs must be a finite number ≥ 0, got ${macs}`);
  const npu = mcu.npu;
  if (npu !== undefined && (npu.ops as readonly OpType[]).includes(op)) {
    const ops = 2 * macs;
    const latencyMs = (ops / npu.opsPerSecond) * 1000;
    return { latencyMs, energyUj: (ops / npu.opsPerJoule) * 1e6, cycles: (latencyMs / 1000) * mcu.clockHz, onNpu: true };
  }
  const cycles = macs / mcu.macsPerCycle[op];
  const latencyMs = (cycles / mcu.clockHz) * 1000;
  // mW × ms = µJ
  return { latencyMs, energyUj: mcu.activePowerMw * latencyMs, cycles, onNpu: false };
}

/**
 * Cost of a sequence of operations run one after the other: the sums of their costs.
 *
 * @example
 * costOfOps(mcuProfiles.stm32h7a3, kwsDsCnnOps).latencyMs; // ≈11.3
 */
export function costOfOps(mcu: McuProfile, ops: readonly ComputeOp[]): OpsCost {
  let latencyMs = 0;
  let energyUj = 0;
  let cycles = 0;
  let npuMacs = 0;
  let cpuMacs = 0;
  for (const op of ops) {
    const cost = computeCost(mcu, op);
    latencyMs += cost.latencyMs;
    energyUj += cost.energyUj;
    cycles += cost.cycles;
    if (cost.onNpu) npuMacs += op.macs;
    else cpuMacs += op.macs;
  }
  return { latencyMs, energyUj, cycles, npuMacs, cpuMacs };
}

/**
 * MLPerf Tiny keyword spotting, DS-CNN with 64 filters on a 49×10 MFCC input (the reference
 * model, https://github.com/mlcommons/tiny/tree/master/benchmark/training):
 * - conv 10×4, stride 2, 64 filters → 25×5×64: 125 positions × 64 × 40 = 320,000 MACs;
 * - 4 × depthwise 3×3 on 25×5×64: 125 × 64 × 9 = 72,000 MACs each;
 * - 4 × pointwise 64→64 on 125 positions: 125 × 64 × 64 = 512,000 MACs each (a 1×1 conv);
 * - average pool over 25×5 on 64 channels: 8,000 elements; FC 64→12: 768 MACs; softmax over 12.
 * Total MACs 320,000 + 4 × 584,000 + 768 = 2,656,768 ≈ 2.66 M (batch norm folds into the
 * convolutions, ReLU fuses into their output stage).
 */
export const kwsDsCnnOps: readonly ComputeOp[] = [
  { op: 'conv', macs: 320_000 },
  ...Array.from({ length: 4 }, () => [
    { op: 'depthwise', macs: 72_000 },
    { op: 'conv', macs: 512_000 },
  ] as const).flat(),
  { op: 'elementwise', macs: 8_000 },
  { op: 'matmul', macs: 768 },
  { op: 'softmax', macs: 12 },
];

/**
 * MLPerf Tiny anomaly detection, FC autoencoder 640-128×4-8-128×4-640 (the reference model,
 * same repository): ten dense layers, 640·128 + 3·128·128 + 128·8 + 8·128 + 3·128·128 + 128·640
 * = 264,192 MACs ≈ 0.264 M (batch norm folded, ReLU fused).
 */
export const adAutoencoderOps: readonly ComputeOp[] = [
  [640, 128], [128, 128], [128, 128], [128, 128], [128, 8], [8, 128], [128, 128], [128, 128], [128, 128], [128, 640],
].map(([inputs, outputs]) => ({ op: 'matmul', macs: inputs! * outputs! }));
