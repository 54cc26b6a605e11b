/**
 * Compute cost model: operations (MACs by type) and the weight bytes they read → time and
 * energy on an MCU.
 *
 * Arithmetic: on the CPU, MACs / (clockHz × macsPerCycle[op]) (MLPerf Tiny shows an MCU's power
 * while inferring barely depends on the workload, https://github.com/mlcommons/tiny_results_v1.2,
 * so energy = activePowerMw × time); on an NPU, for the operation types it has a sustained rate
 * for, MACs / npu.macsPerSecond[op] at npu.activePowerMw. Softmax, normalisation and
 * elementwise work stays on the CPU. For `elementwise` and `softmax` the `macs` field counts
 * elements (see mcu-profile-schema.ts).
 *
 * Memory (memory-tiers.ts): the weights of the weight-bearing operations (matmul, conv,
 * depthwise) are read once per use from their tier, overlapped with that arithmetic (the NPU's
 * stream engines prefetch; the CPU's caches and flash prefetch), so that phase takes
 * max(weightBytes / tier bandwidth, arithmetic) (a roofline), and the reads cost the tier's
 * energy per byte on top. The CPU-only work follows.
 *
 * The rates were calibrated on published benchmarks (benchmarks.ts, with every error);
 * test/hw/benchmarks.test.ts checks the fitted and the held-out figures.
 */
import { npuOps, opTypes, type McuProfile, type NpuOpType, type OpType } from './mcu-profile-schema.ts';
import { tierRead, type TierId } from './memory-tiers.ts';

/** One operation: its type and its work (MACs, or elements for elementwise and softmax). */
export interface ComputeOp {
  readonly op: OpType;
  readonly macs: number;
}

/** A piece of work: operations run one after the other, and the weights they read. */
export interface Work {
  readonly ops: readonly ComputeOp[];
  /** Bytes of weights the matmul, conv and depthwise operations read, once each (default 0). */
  readonly weightBytes?: number;
  /** The tier they are read from (default `flash`, where weights are stored). */
  readonly weightsIn?: TierId;
}

export interface WorkCost {
  readonly latencyMs: number;
  readonly energyUj: number;
  /** CPU clock cycles elapsed (NPU and memory time counted in CPU cycles). */
  readonly cycles: number;
  /** Arithmetic of the weight-bearing operations (NPU and CPU), ms. */
  readonly arithmeticMs: number;
  /** Reading their weights from the tier, ms. */
  readonly memoryMs: number;
  /** The CPU-only work after them (elementwise, softmax), ms; a lookup's work (no weight-bearing operation) reads the weights itself and counts as arithmetic. */
  readonly cpuOnlyMs: number;
  /** What bounds the weight-bearing phase. */
  readonly bound: 'memory' | 'arithmetic';
  readonly weightBytes: number;
  readonly tier: TierId;
  /** Energy of the weight reads beyond the MCU's power, µJ (included in energyUj). */
  readonly memoryUj: number;
  /** Work done on the NPU and on the CPU (MACs, or elements for elementwise and softmax). */
  readonly npuMacs: number;
  readonly cpuMacs: number;
  /** Mean power over the work (energyUj / latencyMs), mW: what the node's ledger books. */
  readonly powerMw: number;
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

const weightBearing: ReadonlySet<OpType> = new Set(['matmul', 'conv', 'depthwise']);

/**
 * Time and energy of `work` on `mcu`.
 *
 * @example
 * // A dense layer of 356,480 int8 weights, read from the STM32N6's octo-SPI flash for one token:
 * workCost(mcuProfiles.stm32n6, { ops: [{ op: 'matmul', macs: 356_480 }], weightBytes: 356_480 });
 * // { latencyMs: ≈0.933, bound: 'memory', memoryMs: ≈0.933, arithmeticMs: ≈0.0068, … }
 */
export function workCost(mcu: McuProfile, work: Work): WorkCost {
  const weightBytes = work.weightBytes ?? 0;
  const tier = work.weightsIn ?? 'flash';
  if (!(Number.isFinite(weightBytes) && weightBytes >= 0)) throw new RangeError(`weightBytes must be a finite number ≥ 0, got ${weightBytes}`);
  const onNpu = new Set<OpType>(npuOps(mcu));
  let npuMs = 0;
  let cpuWeightMs = 0;
  let cpuOnlyMs = 0;
  let npuMacs = 0;
  let cpuMacs = 0;
  let cpuCycles = 0;
  for (const { op, macs } of work.ops) {
    if (!opTypes.includes(op)) throw new RangeError(`op must be one of ${opTypes.join(', ')}, got ${JSON.stringify(op)}`);
    if (!(Number.isFinite(macs) && macs >= 0)) throw new RangeError(`macs must be a finite number ≥ 0, got ${macs}`);
    if (onNpu.has(op)) {
      npuMs += (macs / mcu.npu!.macsPerSecond[op as NpuOpType]!) * 1000;
      npuMacs += macs;
    } else {
      const cycles = macs / mcu.macsPerCycle[op];
      const ms = (cycles / mcu.clockHz) * 1000;
      if (weightBearing.has(op)) cpuWeightMs += ms;
      else cpuOnlyMs += ms;
      cpuCycles += cycles;
      cpuMacs += macs;
    }
  }
  const read = tierRead(mcu, tier);
  const memoryMs = weightBytes === 0 ? 0 : (weightBytes / read.readBytesPerSecond) * 1000;
  // Without a weight-bearing operation the weights are read by the work itself (a table lookup).
  const lookup = !work.ops.some(({ op }) => weightBearing.has(op));
  const arithmeticMs = lookup ? cpuOnlyMs : npuMs + cpuWeightMs;
  const afterMs = lookup ? 0 : cpuOnlyMs;
  const phaseMs = Math.max(memoryMs, arithmeticMs);
  // The weight-bearing phase at the NPU's power for the NPU's share of its arithmetic, at the CPU's for the rest.
  const npuShare = arithmeticMs > 0 ? npuMs / arithmeticMs : 0;
  const phasePowerMw = npuShare * (mcu.npu?.activePowerMw ?? 0) + (1 - npuShare) * mcu.activePowerMw;
  const memoryUj = weightBytes * read.readPjPerByte * 1e-6;
  const latencyMs = phaseMs + afterMs;
  // mW × ms = µJ
  const energyUj = npuMs === 0 && memoryUj === 0 ? mcu.activePowerMw * (phaseMs + afterMs) : phasePowerMw * phaseMs + mcu.activePowerMw * afterMs + memoryUj;
  // Pure CPU arithmetic keeps its exact cycle count and the profile's own power.
  const cpuAlone = npuMs === 0 && phaseMs === arithmeticMs;
  return {
    latencyMs,
    energyUj,
    cycles: cpuAlone ? cpuCycles : (latencyMs / 1000) * mcu.clockHz,
    arithmeticMs,
    memoryMs,
    cpuOnlyMs: afterMs,
    bound: memoryMs > arithmeticMs ? 'memory' : 'arithmetic',
    weightBytes,
    tier,
    memoryUj,
    npuMacs,
    cpuMacs,
    powerMw: (cpuAlone && memoryUj === 0) || latencyMs === 0 ? mcu.activePowerMw : energyUj / latencyMs,
  };
}

/**
 * Latency and energy of one operation on `mcu` (sequential, one core), its weights not counted.
 *
 * @example
 * computeCost(mcuProfiles.stm32u575, { op: 'matmul', macs: 264_192 });
 * // { latencyMs: ≈3.43, energyUj: ≈79.6, cycles: ≈549,256, onNpu: false }
 */
export function computeCost(mcu: McuProfile, op: ComputeOp): ComputeCost {
  const cost = workCost(mcu, { ops: [op] });
  return { latencyMs: cost.latencyMs, energyUj: cost.energyUj, cycles: cost.cycles, onNpu: runsOnNpu(mcu, op.op) };
}

/** Whether `mcu`'s NPU runs operations of type `op` (else they run on the CPU). */
export function runsOnNpu(mcu: McuProfile, op: OpType): boolean {
  return (npuOps(mcu) as readonly OpType[]).includes(op);
}

/**
 * Cost of a sequence of operations run one after the other (weights not counted): the sums of
 * their costs.
 *
 * @example
 * costOfOps(mcuProfiles.stm32h7a3, kwsDsCnnOps).latencyMs; // ≈11.3
 */
export function costOfOps(mcu: McuProfile, ops: readonly ComputeOp[]): OpsCost {
  const cost = workCost(mcu, { ops });
  return { latencyMs: cost.latencyMs, energyUj: cost.energyUj, cycles: cost.cycles, npuMacs: cost.npuMacs, cpuMacs: cost.cpuMacs };
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
