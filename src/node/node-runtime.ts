/**
 * One node's runtime as an object (its firmware, energy and memory), for the node applications
 * (swarm inference, federated learning), the faults and the tests: a view of the columns of
 * node-runtimes.ts, which is where the state lives.
 */
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { energyStateIndex, energyStates, type EnergyLedgers } from '../hw/energy-ledgers.ts';
import type { EnergyLedger, LedgerStatus } from '../hw/energy-ledger.ts';
import type { MemoryLedger } from '../hw/memory-ledger.ts';
import type { NodeRuntimes } from './node-runtimes.ts';
import type { Continuation } from '../sim/scheduler.ts';

export interface NodeRuntime {
  readonly alive: boolean;
  /** The radio starts a frame; false when the node browns out doing so (or is dead). */
  transmit(tx: Transmission): boolean;
  /** The radio caught a frame's preamble: receive until it ends, then process it. */
  rxStart(delivery: Delivery): void;
  /** Runs `durationMs` of computation, then `then` (queued behind any running computation); `cause` for energy attribution; `powerMw` the MCU's mean power meanwhile (default: its active power). */
  compute(durationMs: number, then: Continuation | (() => void), cause?: number, powerMw?: number): void;
  /** Books energy up to now (for samples and the end of the run). */
  settle(): void;
  /** An injected fault: the node stops now (a `nodeDied` event with reason `failure`). */
  fail(): void;
  /** Whether computations are running or queued. */
  readonly computing: boolean;
  readonly ledger: EnergyLedger;
  readonly memory: MemoryLedger;
  /** SRAM for reassembly buffers: false (and a `nodeFault` event) when it does not fit. */
  allocateBuffer(bytes: number): boolean;
  freeBuffer(bytes: number): void;
}

/** Node `node` of `runtimes` as an object. */
export function nodeRuntimeView(runtimes: NodeRuntimes, node: number): NodeRuntime {
  return {
    get alive() {
      return runtimes.alive(node);
    },
    transmit: (tx) => runtimes.transmit(node, tx),
    rxStart: (delivery) => runtimes.rxStart(node, delivery.tx),
    compute: (durationMs, then, cause, powerMw) => runtimes.compute(node, durationMs, then, cause, powerMw),
    settle: () => runtimes.settle(node),
    fail: () => runtimes.fail(node),
    get computing() {
      return runtimes.computing(node);
    },
    ledger: ledgerView(runtimes.ledgers, node),
    get memory() {
      return runtimes.memories.ledger(node);
    },
    allocateBuffer: (bytes) => runtimes.memories.allocateBuffer(node, bytes),
    freeBuffer: (bytes) => runtimes.memories.freeBuffer(node, bytes),
  };
}

/** One node's energy ledger in a table, as an `EnergyLedger`. */
function ledgerView(ledgers: EnergyLedgers, node: number): EnergyLedger {
  const status = (): LedgerStatus =>
    ledgers.isDead(node)
      ? { type: 'dead', death: ledgers.death(node)! }
      : { type: 'alive', state: energyStates[ledgers.openState(node)]!, predictedDeathAtMs: ledgers.predictedDeathAtMs(node) };
  return {
    transition(atMs, nextState, currentMa) {
      ledgers.transition(node, atMs, energyStateIndex[nextState], currentMa);
      return status();
    },
    transitionParts(atMs, parts) {
      if (parts.length === 1) ledgers.transition(node, atMs, energyStateIndex[parts[0]!.state], parts[0]!.currentMa);
      else ledgers.transition2(node, atMs, energyStateIndex[parts[0]!.state], parts[0]!.currentMa, energyStateIndex[parts[1]!.state], parts[1]!.currentMa);
      return status();
    },
    settle(atMs) {
      ledgers.settle(node, atMs);
      return status();
    },
    status,
    totals: () => ledgers.totals(node),
  };
}
