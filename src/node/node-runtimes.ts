/**
 * The firmware of every node at run time, in columns: each node's firmware state (a number of
 * the table compiled from firmware.machine.ts, firmware-table.ts; runtime-firmware.ts) and the
 * energy meter that books every change of it on the node's energy ledger (energy-ledgers.ts, one
 * typed array for all nodes; runtime-meter.ts). Timed ends of activities are integer events on
 * the scheduler and a node's predicted death is a re-armable timer, so a frame allocates nothing
 * here. The state is one record (runtime-columns.ts).
 *
 * The meter books two simultaneous parts per interval, the MCU's and the radio's (ledger
 * states `sleep`, `idle`, `compute` for the MCU; `sleep`, `listen`, `receive`, `transmit` for
 * the radio). While the radio follows a windowed wake schedule (rendezvous or preamble
 * sampling), its listening time within the interval is counted exactly
 * (`scheduledListenMs`) and booked as a `listen` sub-interval at the end of the interval, the
 * rest as radio sleep. After each booking the node's death is scheduled at the ledger's
 * predicted time; at that time the node settles its books and dies if the ledger says so.
 *
 * Each node behaves as an xstate actor would (runtime-actor.ts): an event sent to a node while
 * that node is handling one (from inside its booking) waits in the node's mailbox until the
 * first is done, so that every scheduler event is taken in the order the actor gave.
 */
import { ALIVE, checkpointRuntimes, createRuntimeTables, restoreRuntimes, type RuntimeColumns, RUNTIME_ROW, STATE } from './runtime-columns.ts';
import { afterBooking, compute, computeEnd, fail, processEnd, rxEnd, settle, txEnd } from './runtime-actor.ts';
import { book } from './runtime-meter.ts';
import { rxStart, rxWindow, transmit } from './runtime-radio.ts';
import { MCU_COMPUTING, mcuRegion } from './runtime-firmware.ts';

export type { NodeRuntimes, NodeRuntimesConfig, NodeRuntimesState, RuntimeNode } from './node-runtimes-types.ts';
import type { NodeRuntimes, NodeRuntimesConfig } from './node-runtimes-types.ts';

export function createNodeRuntimes(config: NodeRuntimesConfig): NodeRuntimes {
  const { scheduler, nodes } = config;
  const s: RuntimeColumns = {
    ...createRuntimeTables(config),
    deathTimers: scheduler.timers(nodes.length, (i) => afterBooking(s, i, book(s, i, s.row[i * RUNTIME_ROW + STATE]!))),
    txEndKind: scheduler.kind((i) => txEnd(s, i)),
    rxEndKind: scheduler.kind((i) => rxEnd(s, i)),
    computeEndKind: scheduler.kind((i) => computeEnd(s, i)),
    processEndKind: scheduler.kind((i) => processEnd(s, i)),
  };
  const { row, computeQueues } = s;

  // Open each hosted node's first interval with the initial state's parts (brown-out checked at once).
  for (const node of nodes) {
    if (!config.hosted(node.index)) continue;
    row[node.index * RUNTIME_ROW + ALIVE] = 1;
    afterBooking(s, node.index, book(s, node.index, 0));
  }

  return {
    checkpoint: () => checkpointRuntimes(s),
    restore: (saved) => restoreRuntimes(s, saved),
    ledgers: s.ledgers,
    memories: s.memories,
    alive: (i) => row[i * RUNTIME_ROW + ALIVE] === 1,
    computing: (i) => row[i * RUNTIME_ROW + ALIVE] === 1 && (mcuRegion[row[i * RUNTIME_ROW + STATE]!] === MCU_COMPUTING || (computeQueues[i]?.length ?? 0) > 0),
    transmit: (i, tx) => transmit(s, i, tx),
    rxStart: (i, tx) => rxStart(s, i, tx),
    rxWindow: (i, untilMs) => rxWindow(s, i, untilMs),
    compute: (i, durationMs, then, cause, powerMw) => compute(s, i, durationMs, then, cause, powerMw),
    settle: (i) => settle(s, i),
    fail: (i) => fail(s, i),
  };
}
