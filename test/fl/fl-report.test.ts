/**
 * A worker's federated report and the coordinator's news crossed the network: each is checked
 * before it is used (fl/fl-report-checks.ts), and what is wrong is said.
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { roundPartLength } from '../../src/fl/round-books.ts';

/** fl-mnist-iid's engine, run to `untilMs` (round 1 starts at 1 ms, the exchange after its planned time). */
function engine(untilMs: number, file = 'scenarios/fl-mnist-iid.yaml') {
  const loaded = readScenario(file, { sets: ['federated.rounds=2'] });
  const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: prepareFederated(loaded.scenario, loaded.swarm) });
  if (untilMs > 0) simulation.advance(untilMs);
  return simulation.federated!;
}

/** The worker runs the odd boards (nodes 1, 3, …, 19: clients). */
const owns = (node: number): boolean => node % 2 === 1;
const empty = { drops: [], parts: [], listen: [], malformed: 0 };
const part = (round: number, node: number, value = 0): number[] => [round, node, ...new Array<number>(roundPartLength).fill(value)];

describe('a worker\'s federated report', () => {
  it('is taken when well formed', () => {
    const fl = engine(5);
    expect(fl.receive!({ ...empty, drops: [[3, 1]], parts: [part(1, 3, 2)], malformed: 2 }, owns)).toBeUndefined();
    expect(fl.malformed).toBe(2);
  });

  it('is refused, saying why, when malformed, speaking for a node the worker does not run, or about a round not under way', () => {
    const fl = engine(5);
    const withFigure = (f: number, value: number): number[] => {
      const row = part(1, 3);
      row[2 + f] = value;
      return row;
    };
    const cases: [unknown, string][] = [
      [null, 'expected a federated-learning report'],
      [{ ...empty, malformed: -1 }, 'expected drops, round parts, listening energy, a malformed count and, if any, eligibility and sessions as lists'],
      [{ ...empty, drops: [[2, 1]] }, 'expected drops as [client, round] of its own clients in a round under way'],
      [{ ...empty, drops: [[0, 1]] }, 'expected drops as [client, round] of its own clients in a round under way'],
      [{ ...empty, drops: [[3, 2]] }, 'expected drops as [client, round] of its own clients in a round under way'],
      [{ ...empty, parts: [part(1, 2)] }, 'expected round parts as [round, node, figures…] of its own nodes in rounds under way'],
      [{ ...empty, parts: [part(2, 3)] }, 'expected round parts as [round, node, figures…] of its own nodes in rounds under way'],
      [{ ...empty, parts: [[1, 3, 0]] }, 'expected round parts as [round, node, figures…] of its own nodes in rounds under way'],
      [{ ...empty, parts: [part(1, 3, Number.NaN)] }, "node 3's part in round 1: figure 0 is not a finite number"],
      [{ ...empty, parts: [withFigure(0, 1.5)] }, "node 3's part in round 1: figure 0 is not a whole number"],
      [{ ...empty, parts: [withFigure(1, -2)] }, "node 3's part in round 1: figure 1 is negative"],
      [{ ...empty, eligible: [[3, 1]] }, 'eligibility of its clients, which no round start asked for'],
      [{ ...empty, listen: [[1, -1, [[3, 5]]]] }, "node 3's listening energy at round 1's start twice"],
      [{ ...empty, listen: [[1, 1, [[3, 5]]]] }, "listening energy of round 1's close, which is not being read"],
      [{ ...empty, listen: [[1, 2, []]] }, 'expected listening energy as [round, ±1, rows]'],
      // fl-mnist-iid's clients always listen: they have no sessions.
      [{ ...empty, sessions: [[3, [0, 10]]] }, 'expected sessions of its own scheduled clients'],
    ];
    for (const [report, problem] of cases) expect(fl.receive!(report, owns), JSON.stringify(report)).toBe(problem);
    const scheduled = engine(0, 'scenarios/fl-scheduled.yaml');
    expect(scheduled.receive!({ ...empty, sessions: [[3, [5, 1]]] }, owns)).toBe("expected client 3's sessions as ascending [start, end) times");
    expect(scheduled.receive!({ ...empty, sessions: [[3, [0, 10, 20, Number.POSITIVE_INFINITY]]] }, owns)).toBeUndefined();
  });

  it('gives the eligibility of each of its clients once when a round start asked for it', () => {
    const fl = engine(0);
    // The op of the window that holds round 1's planned time (0) asks for it.
    expect(fl.newsFor!(1)).toEqual({ news: [], table: true });
    const odd = Array.from({ length: 10 }, (_, k) => [2 * k + 1, 1]);
    expect(fl.receive!({ ...empty, eligible: odd.slice(1) }, owns)).toBe('no eligibility for its client 1');
    expect(fl.receive!({ ...empty, eligible: [...odd, [3, 0]] }, owns)).toBe("client 3's eligibility twice");
    expect(fl.receive!({ ...empty, eligible: odd }, owns)).toBeUndefined();
  });
});

describe('the coordinator\'s news, as a worker takes it', () => {
  it('is refused, saying why, when malformed or out of order', () => {
    const fl = engine(0);
    const start = (round: number, selected = [3, 5]) => ({ kind: 'start', round, startMs: 1, selected });
    const cases: [unknown, string][] = [
      [[], 'expected news and a table flag'],
      [{ news: [], table: 1 }, 'expected news and a table flag'],
      [{ news: [{ kind: 'close', round: 0 }], table: false }, 'expected news of a round'],
      [{ news: [{ kind: 'close', round: 1 }], table: false }, "expected the close of the round under way, found round 1's"],
      [{ news: [start(2)], table: false }, "expected the start of round 1 after the close of round 0, found round 2's"],
      [{ news: [start(1), start(2)], table: false }, "expected the start of round 2 after the close of round 1, found round 2's"],
      [{ news: [start(1, [0])], table: false }, "expected a round's start with its clients, ascending"],
      [{ news: [start(1, [5, 3])], table: false }, "expected a round's start with its clients, ascending"],
      [{ news: [{ ...start(1), next: [3, 10] }], table: false }, "expected the next round's plan as [round, atMs]"],
      [{ news: [{ kind: 'begin', round: 1 }], table: false }, "expected a round's start with its clients, ascending"],
    ];
    for (const [news, problem] of cases) expect(fl.takeNews!(news), JSON.stringify(news)).toBe(problem);
    expect(fl.takeNews!({ news: [start(1), { kind: 'close', round: 1 }, start(2)], table: true })).toBeUndefined();
  });
});
