/**
 * The ether of a simulation: the scenario's radio settings, its receptions counted by the
 * tracker (and told to the listeners), its deliveries handed to the transport.
 */
import { createEther, type Ether } from '../radio/ether.ts';
import type { Delivery } from '../radio/transmission.ts';
import type { SimEvent } from '../node/events.ts';
import type { RadioTracker } from '../metrics/radio-tracker.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { classATiming, receiveWindowMs } from '../lorawan/receive-windows.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { etherNodes } from './swarm-nodes.ts';

export interface EtherWiring {
  readonly scheduler: Scheduler;
  readonly tracker: RadioTracker;
  readonly listeners: readonly ((event: SimEvent) => void)[];
  /** The longest window (window-length.ts). */
  readonly windowMs: number;
  readonly deliver: (delivery: Delivery) => void;
  /** Whether node `i` runs in this process (its radio's end of each frame is an event here). */
  readonly hosted: (i: number) => boolean;
}

export function createSimulationEther(scenario: Scenario, swarm: ResolvedSwarm, wiring: EtherWiring): Ether {
  const { tracker, listeners } = wiring;
  return createEther(
    {
      nodes: etherNodes(swarm.nodes, scenario),
      ...(scenario.lorawan && { classAWindows: { delay1Ms: classATiming.receiveDelay1Ms, delay2Ms: classATiming.receiveDelay2Ms, windowMs: receiveWindowMs } }),
      pathLoss: swarm.pathLoss,
      shadowingMode: scenario.shadowing?.mode ?? 'per-frame',
      collision: scenario.collision,
      // LoRaSim tracks only packets above the sink's sensitivity, in both of its collision models.
      undetectableInterfere: scenario.undetectableInterfere ?? (scenario.collision === 'lorasim' || scenario.compat === 'lorasim' ? 'never' : 'always'),
      extraLossProbability: scenario.extraLossProbability,
      processingDelayMs: scenario.processingDelayMs,
      windowMs: wiring.windowMs,
      seed: scenario.seed,
      broadcastMarginDb: scenario.broadcastMarginDb,
      endsTimedHere: wiring.hosted,
    },
    wiring.scheduler,
    {
      reception(tx, receiver, fate, rxPowerDbm, snrDb) {
        tracker.reception(tx, receiver, fate, rxPowerDbm, snrDb);
        if (listeners.length > 0) {
          const event: SimEvent = { type: 'reception', atMs: tx.endMs, tx, receiver, fate, rxPowerDbm, snrDb };
          for (const listener of listeners) listener(event);
        }
      },
      deliver: wiring.deliver,
    },
  );
}
