/**
 * The built-in profiles of the other vendors: ESP32-S3, nRF52840, RP2040 and RP2350. None has a
 * published benchmark of its own that a per-operation model reproduces within 30 % on a figure
 * kept out of the fit, so their throughput stays an estimate, each with its basis (the ESP32-S3's
 * conv rate is fitted to ESP-DL's MobileNetV2; its held-out checks are in benchmarks.ts).
 *
 * Their weights sit in external QSPI flash (RP2040, RP2350, ESP32-S3) read through a small
 * cache, whose bandwidth binds dense layers long before the arithmetic does.
 */
import type { McuProfileInput } from './mcu-profile-schema.ts';
import {
  boardLevelReads, budgetSources, elementwiseEstimate, estimate, idleRule, kib, l4r5Rates, mib, radioBudgetSources, softmaxEstimate, sramWord, u575Rates, url,
} from './mcu-profile-sources.ts';

const m4Simd = 'https://brendanjameslynskey.github.io/Cortex_M/05-dsp-fpu-helium/';
const rpSpecs = 'https://docs.micropython.org/en/v1.29.0/rp2/general.html';
const esp = 'https://docs.zephyrproject.org/4.0.0/boards/espressif/esp32s3_devkitc/doc/index.html';
const espPower = 'https://docs.espressif.com/projects/esp-techpedia/zh_CN/latest/esp-friends/advanced-development/performance/lowpower/lowpower-fundamental.html';
const espFlashModes = 'https://github.com/espressif/esp-idf/blob/master/docs/en/api-guides/flash_psram_config.rst';
const espCopy = 'https://github.com/project-x51/esp32-s3-memorycopy';
const espDl = 'https://github.com/espressif/esp-dl/blob/12c0616de145b704e1149c474b9a1e852e631d67/models/imagenet_cls/README.md';
const nrfDk = 'https://github.com/zephyrproject-rtos/zephyr/blob/main/boards/nordic/nrf52840dk/nrf52840dk_nrf52840.dts';
const picoBoard = 'https://github.com/raspberrypi/pico-sdk/blob/master/src/boards/include/boards/pico.h';
const pico2Xip = 'https://github.com/raspberrypi/pico-sdk/issues/2172';

export const otherProfiles: readonly McuProfileInput[] = [
  {
    id: 'esp32-s3', core: '2× Xtensa LX7 (PIE vector)', clockHz: 240e6, sramBytes: 512 * kib, flashBytes: 8 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 104.6, idlePowerMw: 66, sleepCurrentUa: 240, brownOutV: 2.5,
    unitPrice: { usd: 6.13, quantity: 'not stated', date: 'undated' },
    macsPerCycle: { matmul: 1.023, conv: 1.023, depthwise: 0.511, elementwise: 0.25, softmax: 0.02 },
    memory: {
      sram: { name: 'internal SRAM, 512 KB', readBytesPerSecond: 1783e6, readPjPerByte: 0 },
      flash: { name: 'quad SPI flash (WROOM-1-N8R8, 8 MB), 80 MHz SDR, through the 32 KB cache', readBytesPerSecond: 40e6, readPjPerByte: 0 },
      external: { kind: 'psram', name: 'octal PSRAM (WROOM-1-N8R8, 8 MB), 80 MHz DDR, 32-byte cache lines', bytes: 8 * mib, readBytesPerSecond: 58e6, readPjPerByte: 0 },
    },
    firmwareFlashBytes: 320 * kib, firmwareSramBytes: 160 * kib,
    sources: {
      clockHz: url(esp), sramBytes: url(esp),
      flashBytes: estimate('no internal flash: modules carry 4–32 MB external SPI flash; 8 MB (WROOM-1-N8R8) assumed', esp),
      supplyV: url('https://lucidar.me/en/esp32/power-consumption-of-esp32-s3-devkitm-1/', 'DevKitM-1 at 3.3 V'),
      activePowerMw: url('https://lucidar.me/en/esp32/power-consumption-of-esp32-s3-devkitm-1/', '31.7 mA × 3.3 V running, used as computing power (secondary source)'),
      idlePowerMw: estimate('lower end of the 20–40 mA active baseline (product page) at 3.3 V', espPower),
      sleepCurrentUa: url(espPower, 'light sleep 240 µA keeps SRAM; deep sleep (7 µA) keeps only RTC memory'),
      brownOutV: estimate('a 3.0–3.6 V part whose SPI flash needs ~3 V; ESP-IDF brown-out detector levels are ~2.4–2.8 V'),
      'macsPerCycle.matmul': estimate('the conv rate: a dense layer on the PIE vector unit; with weights in flash or PSRAM their bandwidth binds long before it'),
      'macsPerCycle.conv': url(espDl, 'fitted to ESP-DL MobileNetV2 s8 224 on one core at 240 MHz, 1,309.5 ms, with depthwise at half the rate; no held-out figure agrees within 30 % (benchmarks.ts), so the profile stays an estimate'),
      'macsPerCycle.depthwise': estimate('half the conv rate, as on the calibrated cores', espDl),
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      'memory.sram': estimate('PIE 128-bit copy within internal RAM at 240 MHz, 100 KB (secondary source)', espCopy),
      'memory.flash': estimate('derived: 4 bits × 80 MHz SDR (the mode ESP-IDF allows beside octal PSRAM); cache-line refills run below it', espFlashModes),
      'memory.flash.readPjPerByte': boardLevelReads,
      'memory.external': url(espCopy, 'PIE 128-bit copy from octal PSRAM at 80 MHz with 32-byte data-cache lines: 58 MB/s (secondary source)'),
      'memory.external.readPjPerByte': estimate('0 beyond the active power: not found; the board-level running current includes the module\'s PSRAM at its idle draw'),
      unitPrice: url('https://mihir-patel-64.github.io/03-Component-Selection/Component-Selection', 'ESP32-S3-WROOM-1-N8R8 module (flash and PSRAM included) "≈ $6.13/each", no distributor or quantity named (secondary); the bare chip ≈ $2.13'),
      firmwareFlashBytes: estimate('ESP-IDF with FreeRTOS and no Wi-Fi: ~300 KB of code'), firmwareSramBytes: estimate('ESP-IDF, FreeRTOS and the flash cache carved from internal SRAM'),
      ...radioBudgetSources,
    },
  },
  {
    id: 'nrf52840', core: 'Cortex-M4F', clockHz: 64e6, sramBytes: 256 * kib, flashBytes: 1 * mib, flashExternal: false,
    supplyV: 3.0, activePowerMw: 9.9, idlePowerMw: 3.5, sleepCurrentUa: 1.5, brownOutV: 1.7, macsPerCycle: l4r5Rates,
    unitPrice: { usd: 4.029, quantity: '~5', date: '2025-07' },
    memory: {
      sram: { name: 'SRAM, 256 KB in 8 sections of 32 KB', readBytesPerSecond: 256e6, readPjPerByte: 0 },
      flash: { name: 'internal flash, 1 MB, NVMC with instruction cache', readBytesPerSecond: 256e6, readPjPerByte: 0 },
      external: { kind: 'flash', name: 'QSPI NOR on the nRF52840 DK (MX25R6435F, 8 MB), 32 MHz quad', bytes: 8 * mib, readBytesPerSecond: 16e6, readPjPerByte: 1870 },
    },
    sources: {
      clockHz: url('https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst'),
      sramBytes: url('https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst'),
      flashBytes: url('https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst'),
      supplyV: url('https://embedwise.pages.dev/calculators/nrf52-power-profiler', '3.0 V'),
      activePowerMw: estimate('≈3.3 mA at 3 V running from flash with DC-DC (≈52 µA/MHz), quoted by secondary sources, not verified'),
      idlePowerMw: idleRule,
      sleepCurrentUa: url('https://embedwise.pages.dev/calculators/nrf52-power-profiler', 'System ON idle with RTC, 3 RAM banks retained, 3.0 V'),
      brownOutV: estimate('not extracted: minimum supply 1.7 V assumed as the brown-out point'),
      'macsPerCycle.matmul': estimate('M4 proxy: STM32L4R5 calibrated rate per cycle, scaled by clock', m4Simd),
      'macsPerCycle.conv': estimate('M4 proxy: STM32L4R5 calibrated rate per cycle, scaled by clock', m4Simd),
      'macsPerCycle.depthwise': estimate('M4 proxy: STM32L4R5 rate per cycle, scaled by clock', m4Simd),
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      'memory.sram': sramWord(4, 64, 'https://mighty840.github.io/ferrite-sdk/targets/nrf52840.html', '8 sections of 32 KB (secondary source)'),
      'memory.flash': estimate('flash wait states not found: one 32-bit word per 64 MHz cycle as an upper bound (the instruction cache hides wait states on hits)', 'https://docs.rs/nrf52840/latest/nrf52840/nvmc/index.html'),
      'memory.flash.readPjPerByte': estimate('0 beyond the active power, whose figure is for code running from this flash'),
      'memory.external': url(nrfDk, 'MX25R6435F, 64 Mbit; 4 bits × 32 MHz, the highest QSPI clock (Zephyr\'s default is 8 MHz: 4 MB/s)'),
      'memory.external.readPjPerByte': estimate('~10 mA at 3.0 V while the QSPI flash is active (10.31 mA with it against 0.34 mA without on an nRF5340 DK, Nordic forum) at 16 MB/s'),
      ...budgetSources,
      unitPrice: url('https://jlcpcb.com/partdetail/NordicSemicon-NRF52840_QIAAR/C190794', 'nRF52840-QIAA-R, $4.029 in a five-board order of July 2025 (a BOM on GitHub, m5kro/KiKard; secondary)'),
    },
  },
  {
    id: 'rp2040', core: '2× Cortex-M0+', clockHz: 133e6, sramBytes: 264 * kib, flashBytes: 2 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 82.5, idlePowerMw: 66, sleepCurrentUa: 2000, brownOutV: 2.7,
    unitPrice: { usd: 1, quantity: '1', date: '2021-06' },
    macsPerCycle: { matmul: 0.125, conv: 0.15, depthwise: 0.1, elementwise: 0.125, softmax: 0.01 },
    memory: {
      sram: { name: 'SRAM, 264 KB in six banks (4 × 64 KB striped)', readBytesPerSecond: 532e6, readPjPerByte: 0 },
      flash: { name: 'QSPI flash (W25Q16JV class, 2 MB) by XIP through a 16 KB cache, SCK 66.5 MHz', readBytesPerSecond: 19e6, readPjPerByte: 0 },
    },
    sources: {
      clockHz: url(rpSpecs), sramBytes: url(rpSpecs),
      flashBytes: estimate('no internal flash: QSPI up to 16 MB (product page); the Raspberry Pi Pico carries 2 MB', rpSpecs),
      supplyV: estimate('board-level currents taken at the 3.3 V rail'),
      activePowerMw: estimate('≈25 mA at 3.3 V: the ~20 mA WFE-loop board figure plus the core busy multiplying', 'https://github.com/rp-rs/rp-hal/issues/659'),
      idlePowerMw: url('https://github.com/rp-rs/rp-hal/issues/659', '~20 mA WFE loop, board-level (secondary source), × 3.3 V'),
      sleepCurrentUa: url('https://www.github.com/nhasbun/pico_power_saving', 'Pico deep sleep ~2 mA, board-level (secondary source)'),
      brownOutV: estimate('chip BOD watches the 1.1 V core; the 3.3 V QSPI flash (min ~2.7 V) is what stops a battery-fed node'),
      'macsPerCycle.matmul': estimate('no SIMD/SMLAD: ~8 cycles per int8 MAC (two byte loads, multiply, add, loop)'),
      'macsPerCycle.conv': estimate('no SIMD/SMLAD: ~6–7 cycles per MAC with inputs reused from registers'),
      'macsPerCycle.depthwise': estimate('no SIMD: ~10 cycles per MAC'),
      'macsPerCycle.elementwise': estimate('half the DSP-core estimate (no saturating SIMD instructions)'),
      'macsPerCycle.softmax': estimate('half the DSP-core estimate (no saturating SIMD instructions)'),
      'memory.sram': sramWord(4, 133, 'https://docs.rs/crate/probe-rs/0.13.0/source/targets/RP2040.yaml', 'bank map from the probe-rs target file, one core reading'),
      'memory.flash': estimate('derived: an 8-byte cache line refilled in ~28 SCK cycles (8 address and mode, 4 dummy, 16 data, quad I/O continuous read) at PICO_FLASH_SPI_CLKDIV 2', picoBoard),
      'memory.flash.readPjPerByte': boardLevelReads, ...budgetSources,
      unitPrice: url('https://www.theregister.com/2021/06/01/rp2040/', '"The single-unit price for RP2040 is $1", Eben Upton, 2021-06-01, "although a 10-20c external QSPI Flash is required" (secondary)'),
    },
  },
  {
    id: 'rp2350', core: '2× Cortex-M33', clockHz: 150e6, sramBytes: 520 * kib, flashBytes: 4 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 66, idlePowerMw: 23.1, sleepCurrentUa: 50, brownOutV: 2.7,
    unitPrice: { usd: 1.1, quantity: 'small quantities', date: '2024-08' },
    macsPerCycle: u575Rates,
    memory: {
      sram: { name: 'SRAM, 520 KB in ten banks', readBytesPerSecond: 600e6, readPjPerByte: 0 },
      flash: { name: 'QSPI flash (4 MB on the Pico 2) by XIP through a 16 KB cache, the boot ROM\'s 50 MHz SCK', readBytesPerSecond: 14.3e6, readPjPerByte: 0 },
    },
    sources: {
      clockHz: url(rpSpecs), sramBytes: url(rpSpecs),
      flashBytes: estimate('no internal flash on RP2350A/B: QSPI flash; the Raspberry Pi Pico 2 carries 4 MB', rpSpecs),
      supplyV: estimate('3.3 V rail assumed'),
      activePowerMw: estimate('not retrieved: ~20 mA at 3.3 V assumed, below the RP2040 board figure'),
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate('not retrieved: SLEEP/DORMANT with the always-on timer assumed 50 µA, far below RP2040'),
      brownOutV: estimate('the 3.3 V QSPI flash (min ~2.7 V) is what stops a battery-fed node'),
      'macsPerCycle.matmul': estimate('M33 proxy: STM32U575 calibrated rate per cycle; the XIP flash binds dense layers first'),
      'macsPerCycle.conv': estimate('M33 proxy: STM32U575 calibrated rate per cycle'),
      'macsPerCycle.depthwise': estimate('M33 proxy: STM32U575 rate per cycle'),
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      'memory.sram': sramWord(4, 150, 'https://docs.sparkfun.com/SparkFun_Pro_Micro_RP2350/hardware_overview', 'ten banks (secondary source), one core reading'),
      'memory.flash': estimate('derived: an 8-byte cache-line miss costs ~84 system clocks at 150 MHz with the boot ROM\'s clock divider 3 (PICO_FLASH_SPI_CLKDIV 2 takes effect only with PICO_EMBED_XIP_SETUP=1)', pico2Xip),
      'memory.flash.readPjPerByte': boardLevelReads, ...budgetSources,
      unitPrice: url('https://tweakers.net/nieuws/225218/raspberry-pi-pico-2-heeft-snellere-chip-en-kost-5-komma-95-euro.html', 'RP2350 "0,80 tot 1,10 dollar per stuk" at its launch (August 2024); $1.10 in small quantities (secondary)'),
    },
  },
];
