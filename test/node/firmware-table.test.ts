import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { compileFirmware } from '../../src/node/firmware-table.ts';
import { firmwareMachine, type FirmwareEvent } from '../../src/node/firmware.machine.ts';

const table = compileFirmware();

describe('compileFirmware', () => {
  it('finds the nine alive states (3 MCU × 3 radio) and the final dead state, over the nine events', () => {
    expect(table.stateValues).toHaveLength(10);
    expect(table.events).toHaveLength(9);
    expect(table.stateValues[0]).toBe('{"alive":{"mcu":"asleep","radio":"scheduled"}}');
    expect(table.final.filter(Boolean)).toHaveLength(1);
    const alive = table.mcuOf.flatMap((mcu, s) => (mcu === undefined ? [] : [`${mcu}/${table.radioOf[s]}`])).sort();
    expect(alive).toEqual(['asleep/receiving', 'asleep/scheduled', 'asleep/transmitting', 'computing/receiving', 'computing/scheduled', 'computing/transmitting', 'processing/receiving', 'processing/scheduled', 'processing/transmitting']);
  });

  it('steps as the machine does: TX_START from receiving aborts the reception; DIE is final', () => {
    const at = (s: number, type: FirmwareEvent['type']): number => table.next[s * table.events.length + table.event(type)]!;
    const receiving = table.stateOf('asleep', 'receiving');
    expect(at(receiving, 'TX_START')).toBe(table.stateOf('asleep', 'transmitting'));
    expect(at(table.stateOf('processing', 'scheduled'), 'COMPUTE')).toBe(table.stateOf('computing', 'scheduled'));
    expect(at(table.stateOf('computing', 'scheduled'), 'PROCESS')).toBe(table.stateOf('computing', 'scheduled'));
    const dead = at(0, 'DIE');
    expect(table.final[dead]).toBe(true);
    for (const type of table.events) expect(at(dead, type)).toBe(dead);
  });

  it('agrees with the xstate actor after every event of 5,000 random sequences', () => {
    let sequences = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...table.events), { minLength: 1, maxLength: 60 }), (types) => {
        sequences++;
        const actor = createActor(firmwareMachine);
        actor.start();
        let state = 0;
        for (const type of types) {
          // A dead node's actor is stopped (xstate warns at any event); the table stays dead.
          if (actor.getSnapshot().status !== 'done') actor.send({ type } as FirmwareEvent);
          state = table.next[state * table.events.length + table.event(type)]!;
          expect(table.stateValues[state]).toBe(JSON.stringify(actor.getSnapshot().value));
          expect(table.final[state]).toBe(actor.getSnapshot().status === 'done');
        }
        actor.stop();
      }),
      { numRuns: 5000, seed: 14 },
    );
    expect(sequences).toBe(5000);
  });
});
