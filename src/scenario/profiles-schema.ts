/**
 * The `profiles` block of scenario files: users' own MCU, radio and battery profiles, by name.
 * Each is the hardware module's schema (hw/mcu-profiles.ts, hw/radio-chips.ts,
 * hw/battery-profiles.ts), with its validation, defaults and derived fields, every key
 * described for editors and the reference.
 */
import * as z from 'zod';
import { batteryProfileSchema } from '../hw/battery-profiles.ts';
import { figureSourceSchema, mcuProfileSchema } from '../hw/mcu-profiles.ts';
import { radioChipSchema } from '../hw/radio-chips.ts';
import { describeDefaulted } from './described.ts';

const mcu = mcuProfileSchema.in.shape;
const [sourceUrl, sourceEstimate] = figureSourceSchema.options;
const macs = mcu.macsPerCycle.shape;
const npu = mcu.npu.unwrap();
const memory = mcu.memory.unwrap();
const externalTier = memory.shape.external.unwrap();
const tierKeys = (shape: typeof memory.shape.sram.shape) => ({
  name: shape.name.describe('What the tier is, e.g. "internal flash, 2 MB, 4 wait states at 160 MHz".'),
  readBytesPerSecond: shape.readBytesPerSecond.describe('Sustained read bandwidth in bytes per second, e.g. 382000000.'),
  readPjPerByte: shape.readPjPerByte.describe("Energy in pJ of reading one byte beyond the MCU's active power (0 for on-chip memories)."),
});
const tier = (what: string) => memory.shape.sram.safeExtend(tierKeys(memory.shape.sram.shape)).describe(what);

const mcuFigureSource = z.union([
  sourceUrl.safeExtend({
    url: sourceUrl.shape.url.describe('URL of the source that gives the figure.'),
    note: sourceUrl.shape.note.describe('Where in the source, or how the figure was read from it.'),
  }),
  sourceEstimate.safeExtend({
    estimate: sourceEstimate.shape.estimate.describe('true: the figure is an estimate.'),
    reason: sourceEstimate.shape.reason.describe('What the estimate rests on.'),
    url: sourceEstimate.shape.url.describe('URL of the source the estimate builds on.'),
  }),
]);

const mcuSchema = mcuProfileSchema.in
  .safeExtend({
    id: mcu.id.describe('Lowercase id the profile goes by in messages and results, e.g. "u575-lean".'),
    core: mcu.core.describe('CPU core(s), e.g. "Cortex-M33".'),
    clockHz: mcu.clockHz.describe('CPU clock in Hz the figures hold for, e.g. 160000000.'),
    sramBytes: mcu.sramBytes.describe('SRAM in bytes, e.g. 786432.'),
    flashBytes: mcu.flashBytes.describe('Flash for code and weights in bytes; external (QSPI/xSPI) when flashExternal.'),
    flashExternal: mcu.flashExternal.describe('Whether flashBytes is external flash.'),
    supplyV: mcu.supplyV.describe('Supply voltage in V at which the power and current figures hold.'),
    activePowerMw: mcu.activePowerMw.describe('Power in mW while computing (MLPerf Tiny measured where available).'),
    idlePowerMw: mcu.idlePowerMw.describe('Power in mW while awake and not computing (handling a received frame, say).'),
    sleepCurrentUa: mcu.sleepCurrentUa.describe('Current in µA in deep sleep with RAM retention and RTC.'),
    brownOutV: mcu.brownOutV.describe('Supply voltage in V below which the node stops (brown-out reset).'),
    macsPerCycle: mcu.macsPerCycle
      .safeExtend({
        matmul: macs.matmul.describe('int8 multiply-accumulates per cycle in dense matrix products.'),
        conv: macs.conv.describe('int8 multiply-accumulates per cycle in standard and pointwise convolutions.'),
        depthwise: macs.depthwise.describe('int8 multiply-accumulates per cycle in depthwise convolutions.'),
        elementwise: macs.elementwise.describe('Elements per cycle in elementwise operations (pooling, activations).'),
        softmax: macs.softmax.describe('Elements per cycle in softmax and normalisation.'),
      })
      .describe('int8 throughput per CPU clock cycle, by operation type, for the compute-cost model.'),
    memory: memory
      .safeExtend({
        sram: tier('Internal SRAM (capacity: sramBytes): activations, KV caches, and weights copied at boot with weights: sram.'),
        flash: tier('Where code and weights are stored (capacity: flashBytes): internal flash, or external QSPI/OSPI NOR read in place when flashExternal.'),
        external: externalTier
          .safeExtend({
            ...tierKeys(externalTier.shape),
            kind: externalTier.shape.kind.describe('psram: weights are copied there from flash at boot; flash: weights are stored there instead of in flashBytes.'),
            bytes: externalTier.shape.bytes.describe('Capacity in bytes, e.g. 8388608.'),
          })
          .optional()
          .describe("A board's second, optional memory: PSRAM, or an external flash beside the internal one. Default: none."),
      })
      .optional()
      .describe('Memory tiers and what reading weights from them costs; a unit takes max(weight bytes / bandwidth, arithmetic). Default: none (memory never binds).'),
    npu: npu
      .safeExtend({
        name: npu.shape.name.describe('Name of the accelerator, e.g. "Ethos-U55".'),
        peakOpsPerSecond: npu.shape.peakOpsPerSecond.describe('Peak int8 ops per second as marketed (1 MAC = 2 ops), for the record: the model uses macsPerSecond.'),
        macsPerSecond: npu.shape.macsPerSecond.describe('Sustained int8 MACs per second by operation type (matmul, conv, depthwise), as measured on deployed networks; the types it has no rate for run on the CPU.'),
        activePowerMw: npu.shape.activePowerMw.describe('Power in mW while the NPU runs.'),
      })
      .optional()
      .describe('A neural processing unit, if the MCU has one. Default: none.'),
    firmwareFlashBytes: describeDefaulted(mcu.firmwareFlashBytes, 'Flash in bytes taken by firmware (start-up, HAL, scheduler, swarm protocol, int8 kernels) before any model.', '98304 (96 KiB)'),
    firmwareSramBytes: describeDefaulted(mcu.firmwareSramBytes, 'SRAM in bytes taken by firmware (stacks, heap reserve, HAL and protocol state, kernel scratch).', '32768 (32 KiB)'),
    radioStackFlashBytes: describeDefaulted(mcu.radioStackFlashBytes, 'Flash in bytes taken by the LoRa MAC and radio driver.', '49152 (48 KiB)'),
    radioStackSramBytes: describeDefaulted(mcu.radioStackSramBytes, 'SRAM in bytes taken by frame buffers, fragment reassembly and MAC state.', '8192 (8 KiB)'),
    calibration: mcu.calibration.describe('What the throughput was fitted to; absent means an estimate.'),
    sources: describeDefaulted(
      z.partialRecord(mcu.sources.unwrap().keyType, mcuFigureSource).default({}),
      'Where each figure comes from, by figure name (clockHz, sramBytes, macsPerCycle.matmul, npu, …): a URL, or an estimate with its reason.',
      'none',
    ),
  })
  .pipe(mcuProfileSchema.out);

const chip = radioChipSchema.in.shape;

const radioSchema = radioChipSchema.in
  .safeExtend({
    id: chip.id.describe('Lowercase id the profile goes by in messages and results, e.g. "my-radio".'),
    family: chip.family.describe('Chip family whose time-on-air rules and bandwidths apply: sx127x, sx126x, or sx128x (2.4 GHz, region ism2400 or none).'),
    defaultSensitivity: chip.defaultSensitivity.describe('Sensitivity table used when radio.sensitivity is not given: sx1276, sx1272, sx1301, lorasim, sx1262 or snr.'),
    minTxPowerDbm: chip.minTxPowerDbm.describe('Lowest transmit power in dBm the chip allows.'),
    maxTxPowerDbm: chip.maxTxPowerDbm.describe('Highest transmit power in dBm the chip allows.'),
    txCurrentMa: chip.txCurrentMa.describe('[dBm, mA] points of the supply current while transmitting, in increasing dBm, covering minTxPowerDbm to maxTxPowerDbm; interpolated linearly, e.g. [[7, 20], [13, 29], [17, 87], [20, 120]].'),
    rxCurrentMa: chip.rxCurrentMa.describe('Supply current in mA while receiving, and while listening with wake: always.'),
    standbyCurrentMa: chip.standbyCurrentMa.describe('Standby current in mA (for the record: the energy model does not use it).'),
    sleepCurrentUa: chip.sleepCurrentUa.describe('Sleep current in µA, drawn while the receiver is off (wake: off, rendezvous or preamble-sampling).'),
    minSupplyV: chip.minSupplyV.describe("Lowest supply voltage in V: a battery node browns out below it (or below its MCU's brownOutV, whichever is higher)."),
    maxSupplyV: chip.maxSupplyV.describe('Highest supply voltage in V (for the record: not checked).'),
    maxSfByBandwidthHz: chip.maxSfByBandwidthHz.describe('Highest SF allowed at each bandwidth in Hz, where the chip restricts it, e.g. { "125000": 9, "250000": 10, "500000": 11 } (the LLCC68). Default: no limit below SF12.'),
    estimates: describeDefaulted(chip.estimates, 'Which figures are estimates rather than sourced values, as notes.', 'none'),
  })
  .pipe(radioChipSchema.out);

const battery = batteryProfileSchema.shape;
const provenance = battery.provenance.unwrap();
const batteryFigureSource = provenance.valueType.safeExtend({
  urls: provenance.valueType.shape.urls.describe('URLs of the sources of the figure.'),
  estimate: provenance.valueType.shape.estimate.describe("Whether the figure is this project's estimate rather than read from the sources."),
  note: provenance.valueType.shape.note.describe('How the figure was read or estimated.'),
});

const batterySchema = batteryProfileSchema.safeExtend({
  id: battery.id.describe('Id the profile goes by in messages and results, e.g. "my-coin-cell".'),
  chemistry: battery.chemistry.describe('Cell chemistry, e.g. "Li-MnO2", for the record.'),
  nominalVoltageV: battery.nominalVoltageV.describe("Nominal voltage in V: the loads' supply on a direct rail, the voltage harvested power charges at, and what the brown-out threshold and an LDO are checked against."),
  cutOffVoltageV: battery.cutOffVoltageV.describe('Open-circuit voltage in V at which the cell counts as empty.'),
  capacityMah: battery.capacityMah.describe('Capacity in mAh at referenceCurrentMa.'),
  referenceCurrentMa: battery.referenceCurrentMa.describe('Discharge current in mA at which capacityMah holds; also the Peukert reference current.'),
  openCircuitVoltage: battery.openCircuitVoltage.describe('[state of charge, V] points from SoC 0 to SoC 1, SoC increasing and voltage not falling, starting at or above cutOffVoltageV; interpolated linearly, e.g. [[0, 2.0], [0.1, 2.8], [1, 3.0]].'),
  internalResistanceOhm: battery.internalResistanceOhm.describe('Internal resistance in Ω: the terminal voltage sags by current × resistance under load.'),
  peukertExponent: battery.peukertExponent.describe('Peukert exponent k, 1 to 2: above referenceCurrentMa the cell delivers capacityMah · (I_ref / I)^(k − 1) (1: no rate effect).'),
  provenance: z
    .partialRecord(provenance.keyType, batteryFigureSource)
    .optional()
    .describe('Where each figure comes from, by figure name (nominalVoltageV, cutOffVoltageV, capacityMah, openCircuitVoltage, internalResistanceOhm, peukertExponent). Default: none.'),
});

const profileName = z.string().regex(/^[A-Za-z0-9_.-]+$/);
const byName = <T extends z.ZodType>(profile: T, what: string) =>
  z
    .record(profileName, profile)
    .optional()
    .describe(`Your own ${what} profiles, by name (letters, digits, "_", "." or "-"), validated like the built-in ones; a name here wins over a built-in of the same name.`);

export const profilesSchema = z
  .strictObject({
    mcus: byName(mcuSchema, 'MCU'),
    radios: byName(radioSchema, 'radio'),
    batteries: byName(batterySchema, 'battery'),
  })
  .describe('Hardware profiles of your own, which node.mcu, radio.chip and node.battery can name.');
