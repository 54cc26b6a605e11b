/**
 * A node's firmware as an xstate machine, run on the scheduler's clock (one actor per node).
 *
 * Two regions run in parallel while the node is alive: the MCU (asleep, computing, or
 * processing a received frame) and the radio (following its wake schedule, transmitting, or
 * receiving a frame it caught). `DIE` (brown-out or empty battery) ends both: a dead node
 * neither transmits nor receives. The radio hot path (MAC queue, duty cycle, the ether) is
 * plain code; this machine owns the firmware's states and their order, and the energy meter
 * reads them.
 *
 * Ends of timed activities arrive as events (`TX_END`, `RX_END`, `COMPUTE_END`,
 * `PROCESS_END`) scheduled by the node runtime on the same scheduler: xstate's own delayed
 * transitions cost several times more per event, and this machine runs for every frame.
 */
import { setup } from 'xstate';

export type DeathReason = 'brownOut' | 'batteryEmpty' | 'failure';

export type FirmwareEvent =
  | { readonly type: 'TX_START' }
  | { readonly type: 'TX_END' }
  | { readonly type: 'RX_START' }
  | { readonly type: 'RX_END' }
  | { readonly type: 'COMPUTE' }
  | { readonly type: 'COMPUTE_END' }
  | { readonly type: 'PROCESS' }
  | { readonly type: 'PROCESS_END' }
  | { readonly type: 'DIE' };

/** The state value while alive: `{ alive: { mcu, radio } }`. */
export type McuState = 'asleep' | 'computing' | 'processing';
export type RadioState = 'scheduled' | 'transmitting' | 'receiving';

/**
 * @example
 * const actor = createActor(firmwareMachine, { clock: scheduler });
 * actor.start();
 * actor.send({ type: 'TX_START' }); // { alive: { mcu: 'asleep', radio: 'transmitting' } }
 */
export const firmwareMachine = setup({
  types: { events: {} as FirmwareEvent },
}).createMachine({
  id: 'firmware',
  initial: 'alive',
  states: {
    alive: {
      type: 'parallel',
      on: { DIE: 'dead' },
      states: {
        mcu: {
          initial: 'asleep',
          states: {
            asleep: { on: { COMPUTE: 'computing', PROCESS: 'processing' } },
            computing: { on: { COMPUTE_END: 'asleep' } },
            processing: { on: { PROCESS_END: 'asleep', COMPUTE: 'computing' } },
          },
        },
        radio: {
          initial: 'scheduled',
          states: {
            scheduled: { on: { TX_START: 'transmitting', RX_START: 'receiving' } },
            transmitting: { on: { TX_END: 'scheduled' } },
            // A transmission aborts the reception (half duplex).
            receiving: { on: { RX_END: 'scheduled', TX_START: 'transmitting' } },
          },
        },
      },
    },
    dead: { type: 'final' },
  },
});
