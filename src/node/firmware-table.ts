/**
 * The firmware machine (firmware.machine.ts) compiled into a transition table, for the hot
 * path: states and events become small integers and a transition is one array read
 * (`next[state × eventCount + event]`), where an xstate `actor.send` costs microseconds and
 * allocates a snapshot. The machine stays the definition: the table is derived from it at
 * start-up by exploring every state reachable from the initial one with the machine's own pure
 * `transition`, and a property test drives both with the same random event sequences.
 */
import { createActor, initialTransition, type ActorScope } from 'xstate';
import { firmwareMachine, type FirmwareEvent, type McuState, type RadioState } from './firmware.machine.ts';

export type FirmwareEventType = FirmwareEvent['type'];

export interface FirmwareTable {
  /** Event types, by event number. */
  readonly events: readonly FirmwareEventType[];
  /** Each state's xstate value as JSON, by state number (the initial state is 0). */
  readonly stateValues: readonly string[];
  /** The MCU region's state while alive, by state number (undefined once dead). */
  readonly mcuOf: readonly (McuState | undefined)[];
  /** The radio region's state while alive, by state number (undefined once dead). */
  readonly radioOf: readonly (RadioState | undefined)[];
  /** Whether the state is final (the node is dead). */
  readonly final: readonly boolean[];
  /** Next state by `state × events.length + event`; the same state when the event changes nothing. */
  readonly next: Uint8Array;
  /** Event number of a type. */
  event(type: FirmwareEventType): number;
  /** State number of an alive state. */
  stateOf(mcu: McuState, radio: RadioState): number;
}

type Snapshot = ReturnType<typeof initialTransition<typeof firmwareMachine>>[0];

/**
 * Explores the machine breadth first from its initial state over every event it knows.
 *
 * @example
 * const table = compileFirmware();
 * table.next[table.stateOf('asleep', 'scheduled') * table.events.length + table.event('TX_START')]; // stateOf('asleep', 'transmitting')
 */
export function compileFirmware(): FirmwareTable {
  const events = [...firmwareMachine.events] as FirmwareEventType[];
  const [initial] = initialTransition(firmwareMachine);
  const scope = inertScope();
  const snapshots: Snapshot[] = [initial];
  const index = new Map<string, number>([[JSON.stringify(initial.value), 0]]);
  const edges: number[][] = [];
  for (let s = 0; s < snapshots.length; s++) {
    edges.push(
      events.map((type) => {
        const next = firmwareMachine.transition(snapshots[s]!, { type } as FirmwareEvent, scope);
        const key = JSON.stringify(next.value);
        let target = index.get(key);
        if (target === undefined) {
          target = snapshots.length;
          index.set(key, target);
          snapshots.push(next);
        }
        return target;
      }),
    );
  }
  if (snapshots.length > 255) throw new RangeError(`the firmware has ${snapshots.length} states; the table holds 255`);
  const next = Uint8Array.from(edges.flat());
  const regions = snapshots.map((snapshot) => (typeof snapshot.value === 'object' ? (snapshot.value as { alive?: { mcu: McuState; radio: RadioState } }).alive : undefined));
  const mcuOf = regions.map((r) => r?.mcu);
  const radioOf = regions.map((r) => r?.radio);
  const eventIndex = new Map(events.map((type, i) => [type, i]));
  return {
    events,
    stateValues: snapshots.map((snapshot) => JSON.stringify(snapshot.value)),
    mcuOf,
    radioOf,
    final: snapshots.map((snapshot) => snapshot.status === 'done'),
    next,
    event(type) {
      const i = eventIndex.get(type);
      if (i === undefined) throw new RangeError(`the firmware knows no event ${type}`);
      return i;
    },
    stateOf(mcu, radio) {
      const i = regions.findIndex((r) => r?.mcu === mcu && r.radio === radio);
      if (i < 0) throw new RangeError(`the firmware has no reachable state ${mcu}/${radio}`);
      return i;
    },
  };
}

/**
 * The scope the machine's transitions run in, as xstate's `transition(logic, snapshot, event)`
 * makes it (its `createInertActorScope`): an actor that is never started, and no effects (the
 * actions are not run; the table needs only where each event leads). xstate's function builds a
 * new one, with the machine's initial snapshot, at every call: 0.3 ms each, ~30 ms of every
 * process that loads the firmware; the firmware spawns no children, so one serves them all.
 */
function inertScope(): ActorScope<Snapshot, FirmwareEvent> {
  const self = createActor(firmwareMachine);
  const nothing = (): void => undefined;
  return { self, id: '', sessionId: '', logger: nothing, defer: nothing, emit: nothing, system: self.system, stopChild: nothing, actionExecutor: nothing };
}
