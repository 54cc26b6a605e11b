/**
 * A worker's federated report and the coordinator's news crossed the network: each is checked
 * before it is used (fl/fl-report.ts), and what is wrong is said.
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { roundPartLength } from '../../src/fl/round-books.ts';

function engine(file = 'scenarios/fl-mnist-iid.yaml') {
  const loaded = readScenario(file, { sets: ['federated.rounds=2'] });
  return createSimulation(loaded.scenario, loaded.swarm, { federated: prepareFederated(loaded.scenario, loaded.swarm) }).federated!;
}

/** The worker runs the odd boards (nodes 1, 3, …, 19). */
const owns = (node: number): boolean => node % 2 === 1;
const empty = { drops: [], parts: [], listen: [], malformed: 0 };

describe('a worker\'s federated report', () => {
  it('is taken when well formed', () => {
    const fl = engine();
    const part = [1, 3, ...new Array<number>(roundPartLength).fill(0)];
    expect(fl.receive!({ ...empty, drops: [[3, 1]], parts: [part], eligible: [[5, 1]], malformed: 2 }, owns)).toBeUndefined();
    expect(fl.malformed).toBe(2);
  });

  it('is refused, saying why, when malformed or speaking for a node the worker does not run', () => {
    const fl = engine();
    const part = (round: number, node: number, value = 0): number[] => [round, node, ...new Array<number>(roundPartLength).fill(value)];
    const cases: [unknown, string][] = [
      [null, 'expected a federated-learning report'],
      [{ ...empty, malformed: -1 }, 'expected drops, round parts, listening energy and a malformed count'],
      [{ ...empty, drops: [[2, 1]] }, 'expected drops as [client, round] of its own clients'],
      [{ ...empty, drops: [[0, 1]] }, 'expected drops as [client, round] of its own clients'],
      [{ ...empty, drops: [[3, 3]] }, 'expected drops as [client, round] of its own clients'],
      [{ ...empty, parts: [part(1, 2)] }, 'expected round parts as [round, node, figures…] of its own nodes'],
      [{ ...empty, parts: [[1, 3, 0]] }, 'expected round parts as [round, node, figures…] of its own nodes'],
      [{ ...empty, parts: [part(1, 3, Number.NaN)] }, 'expected finite figures in the part of node 3 in round 1'],
      [{ ...empty, eligible: [[3, 2]] }, 'expected eligibility as [client, 0 or 1] of its own clients'],
      [{ ...empty, listen: [[1, -1, [[3, 5]]]] }, "listening energy of round 1's start, which is not being read"],
      [{ ...empty, listen: [[1, 2, []]] }, 'expected listening energy as [round, ±1, rows]'],
      // fl-mnist-iid's clients always listen: they have no sessions.
      [{ ...empty, sessions: [[3, [0, 10]]] }, 'expected sessions of its own scheduled clients'],
    ];
    for (const [report, problem] of cases) expect(fl.receive!(report, owns), JSON.stringify(report)).toBe(problem);
    const scheduled = engine('scenarios/fl-scheduled.yaml');
    expect(scheduled.receive!({ ...empty, sessions: [[3, [5, 1]]] }, owns)).toBe("expected client 3's sessions as ascending [start, end) times");
    expect(scheduled.receive!({ ...empty, sessions: [[3, [0, 10, 20, Number.POSITIVE_INFINITY]]] }, owns)).toBeUndefined();
  });
});

describe('the coordinator\'s news, as a worker takes it', () => {
  it('is refused, saying why, when malformed', () => {
    const fl = engine();
    const cases: [unknown, string][] = [
      [[], 'expected news and a table flag'],
      [{ news: [], table: 1 }, 'expected news and a table flag'],
      [{ news: [{ kind: 'close', round: 0 }], table: false }, 'expected news of a round'],
      [{ news: [{ kind: 'start', round: 1, startMs: 1, selected: [0] }], table: false }, "expected a round's start with its clients"],
      [{ news: [{ kind: 'start', round: 1, startMs: 1, selected: [3], next: [5, 10] }], table: false }, "expected the next round's plan as [round, atMs]"],
      [{ news: [{ kind: 'begin', round: 1 }], table: false }, "expected a round's start with its clients"],
    ];
    for (const [news, problem] of cases) expect(fl.takeNews!(news), JSON.stringify(news)).toBe(problem);
    expect(fl.takeNews!({ news: [{ kind: 'start', round: 1, startMs: 1, selected: [3, 5] }, { kind: 'close', round: 1 }], table: true })).toBeUndefined();
  });
});
