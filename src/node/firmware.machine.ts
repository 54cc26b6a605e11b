/**
 * A node's firmware as an xstate machine, run on the scheduler's clock (one actor per node).
 *
 * Two regions run in parallel while the node is alive: the MCU (asleep, computing, or
 * processing a received frame) and the radio (following its wake schedule, transmitting, or
 * receiving a frame it caught). `DIE` (brown-out or empty battery) ends both: a dead node
 * neither transmits nor receives. The radio hot path (MAC queue, duty cycle, the ether) is
 * plain code; this machine owns the firmware's logic and timing, and the energy meter reads
 * its state.
 */
import { assign, setup } from 'xstate';

export type DeathReason = 'brownOut' | 'batteryEmpty';

export type FirmwareEvent =
  | { readonly type: 'TX_START'; readonly airtimeMs: number }
  | { readonly type: 'RX_START'; readonly untilMs: number }
  | { readonly type: 'COMPUTE'; readonly durationMs: number; readonly then: () => void }
  | { readonly type: 'PROCESS'; readonly durationMs: number }
  | { readonly type: 'DIE'; readonly reason: DeathReason };

export interface FirmwareContext {
  readonly node: number;
  txMs: number;
  rxUntilMs: number;
  computeMs: number;
  afterCompute: (() => void) | undefined;
  processMs: number;
  deathReason: DeathReason | undefined;
}

export interface FirmwareInput {
  readonly node: number;
  /** Reads the virtual clock, to turn an absolute end time into a delay. */
  readonly nowMs: () => number;
}

/**
 * @example
 * const actor = createActor(firmwareMachine, { clock: scheduler, input: { node: 3, nowMs: () => scheduler.nowMs } });
 * actor.start();
 * actor.send({ type: 'TX_START', airtimeMs: 46.336 });
 */
export const firmwareMachine = setup({
  types: {
    context: {} as FirmwareContext & { readonly nowMs: () => number },
    events: {} as FirmwareEvent,
    input: {} as FirmwareInput,
  },
  delays: {
    tx: ({ context }) => context.txMs,
    rx: ({ context }) => Math.max(0, context.rxUntilMs - context.nowMs()),
    compute: ({ context }) => context.computeMs,
    process: ({ context }) => context.processMs,
  },
  actions: {
    runContinuation: ({ context }) => context.afterCompute?.(),
  },
}).createMachine({
  id: 'firmware',
  initial: 'alive',
  context: ({ input }) => ({
    node: input.node,
    nowMs: input.nowMs,
    txMs: 0,
    rxUntilMs: 0,
    computeMs: 0,
    afterCompute: undefined,
    processMs: 0,
    deathReason: undefined,
  }),
  states: {
    alive: {
      type: 'parallel',
      on: {
        DIE: { target: 'dead', actions: assign({ deathReason: ({ event }) => event.reason }) },
      },
      states: {
        mcu: {
          initial: 'asleep',
          states: {
            asleep: {
              on: {
                COMPUTE: { target: 'computing', actions: assign({ computeMs: ({ event }) => event.durationMs, afterCompute: ({ event }) => event.then }) },
                PROCESS: { target: 'processing', actions: assign({ processMs: ({ event }) => event.durationMs }) },
              },
            },
            computing: {
              after: { compute: { target: 'asleep', actions: 'runContinuation' } },
            },
            processing: {
              after: { process: 'asleep' },
            },
          },
        },
        radio: {
          initial: 'scheduled',
          states: {
            scheduled: {
              on: {
                TX_START: { target: 'transmitting', actions: assign({ txMs: ({ event }) => event.airtimeMs }) },
                RX_START: { target: 'receiving', actions: assign({ rxUntilMs: ({ event }) => event.untilMs }) },
              },
            },
            transmitting: {
              after: { tx: 'scheduled' },
            },
            receiving: {
              on: {
                // A transmission aborts the reception (half duplex).
                TX_START: { target: 'transmitting', actions: assign({ txMs: ({ event }) => event.airtimeMs }) },
              },
              after: { rx: 'scheduled' },
            },
          },
        },
      },
    },
    dead: { type: 'final' },
  },
});
