/**
 * The flags of the calculators of the radio and MCU models: `airtime` and `mcu`. Kept light:
 * each action loads its command's module when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from '../main.ts';

/**
 * Adds `airtime` to the program.
 *
 * @example
 * addAirtimeCommand(program, io);
 */
export function addAirtimeCommand(program: Command, io: CliIo): void {
  program
    .command('airtime')
    .description('time on air of one LoRa frame (SX127x/SX126x/SX128x datasheet formulas)')
    .requiredOption('--sf <sf>', 'spreading factor (5-12)')
    .option('--bw <kHz>', 'bandwidth in kHz', '125')
    .option('--cr <rate>', 'coding rate 4/5..4/8', '4/5')
    .requiredOption('--bytes <n>', 'PHY payload bytes (headers and MIC included)')
    .option('--preamble <n>', 'preamble symbols', '8')
    .option('--implicit', 'implicit header')
    .option('--no-crc', 'payload CRC off')
    .option('--ldro <mode>', 'low-data-rate optimisation: auto, on, off', 'auto')
    .option('--chip <family>', 'time-on-air rules: sx127x, sx126x, sx128x', 'sx127x')
    .option('--json', 'print one JSON object')
    .action(async (options) => (await import('./airtime.ts')).airtimeCommand(options, io.out));
}

/**
 * Adds `mcu` to the program.
 *
 * @example
 * addMcuCommand(program, io);
 */
export function addMcuCommand(program: Command, io: CliIo): void {
  program
    .command('mcu')
    .description('list MCU profiles; with --macs, predict latency and energy of that much work')
    .option('--mcu <id>', 'one MCU profile (default: all)')
    .option('--macs <n>', 'MACs to cost (elements for elementwise and softmax)')
    .option('--op <type>', 'operation type: matmul, conv, depthwise, elementwise, softmax', 'matmul')
    .option('--weight-bytes <n>', 'weight bytes the work reads once (default: one int8 weight per MAC for matmul, none for the others)')
    .option('--weights-in <tier>', 'tier the weights are read from: flash, sram, external', 'flash')
    .option('--json', 'print one JSON object')
    .action(async (options) => (await import('./mcu.ts')).mcuCommand(options, io.out));
}
