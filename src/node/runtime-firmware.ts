/**
 * The firmware table the node runtimes step (node-runtimes.ts): compiled once from
 * firmware.machine.ts (firmware-table.ts), with its events' numbers, the MCU's and the radio's
 * region of each state, and the ledger states the meter books them as.
 */
import { energyStateIndex } from '../hw/energy-ledgers.ts';
import { compileFirmware } from './firmware-table.ts';

export const firmware = compileFirmware();
export const eventCount = firmware.events.length;
export const TX_START = firmware.event('TX_START');
export const TX_END = firmware.event('TX_END');
export const RX_START = firmware.event('RX_START');
export const RX_END = firmware.event('RX_END');
export const COMPUTE = firmware.event('COMPUTE');
export const COMPUTE_END = firmware.event('COMPUTE_END');
export const PROCESS = firmware.event('PROCESS');
export const PROCESS_END = firmware.event('PROCESS_END');
export const DIE = firmware.event('DIE');
/** Per firmware state: the MCU region (0 asleep, 1 computing, 2 processing) and the radio region (0 scheduled, 1 transmitting, 2 receiving); −1 once dead. */
export const mcuRegion = Int8Array.from(firmware.mcuOf, (m) => (m === undefined ? -1 : ['asleep', 'computing', 'processing'].indexOf(m)));
export const radioRegion = Int8Array.from(firmware.radioOf, (r) => (r === undefined ? -1 : ['scheduled', 'transmitting', 'receiving'].indexOf(r)));
export const MCU_ASLEEP = 0;
export const MCU_COMPUTING = 1;
export const MCU_PROCESSING = 2;
export const RADIO_SCHEDULED = 0;
export const RADIO_RECEIVING = 2;
export const LISTEN = energyStateIndex.listen;
export const TRANSMIT = energyStateIndex.transmit;
export const RECEIVE = energyStateIndex.receive;
export const COMPUTE_STATE = energyStateIndex.compute;
export const IDLE = energyStateIndex.idle;
