/**
 * The checks a federated report or news passes before it is used (fl-report.ts): it crossed
 * the network. A report speaks only for the worker's own nodes, of rounds that have started,
 * with whole counts and finite figures, each node once; news tells rounds in their order.
 */
import { isCount, isTime } from '../sim/value-checks.ts';
import type { FlRun } from './fl-run.ts';
import { partFiguresProblem, roundPartLength } from './round-books.ts';

const isClientOf = (run: FlRun, node: unknown): node is number => isCount(node) && run.clientIndex.has(node);
const isRound = (run: FlRun, round: unknown): round is number => isCount(round) && round >= 1 && round <= run.setup.settings.rounds;
/** A round the coordinator has started (a report can only be about those). */
const isStarted = (run: FlRun, round: unknown): round is number => isCount(round) && round >= 1 && round <= run.rounds.length;
const isList = (value: unknown): value is unknown[] => Array.isArray(value);

/** What is wrong with a worker's report, or undefined. */
export function reportProblem(run: FlRun, value: unknown, owns: (node: number) => boolean): string | undefined {
  if (value === null || typeof value !== 'object') return 'expected a federated-learning report';
  const { drops, parts, eligible, listen, malformed, sessions } = value as Record<string, unknown>;
  if (!isList(drops) || !isList(parts) || !isList(listen) || (eligible !== undefined && !isList(eligible)) || (sessions !== undefined && !isList(sessions)) || !isCount(malformed)) {
    return 'expected drops, round parts, listening energy, a malformed count and, if any, eligibility and sessions as lists';
  }
  for (const drop of drops) if (!isList(drop) || drop.length !== 2 || !isClientOf(run, drop[0]) || !owns(drop[0]) || !isStarted(run, drop[1])) return 'expected drops as [client, round] of its own clients in a round under way';
  for (const row of parts) {
    const problem = partProblem(run, row, owns);
    if (problem) return problem;
  }
  return eligibilityProblem(run, eligible, owns) ?? sessionsProblem(run, sessions, owns) ?? listenProblem(run, listen, owns);
}

function partProblem(run: FlRun, row: unknown, owns: (node: number) => boolean): string | undefined {
  if (!isList(row) || row.length !== 2 + roundPartLength || !isStarted(run, row[0]) || !isCount(row[1]) || row[1] >= run.nodeCount || !owns(row[1])) return 'expected round parts as [round, node, figures…] of its own nodes in rounds under way';
  const problem = partFiguresProblem(row.slice(2));
  return problem && `node ${row[1]}'s part in round ${row[0]}: ${problem}`;
}

/** Eligibility comes only when the op asked, for each of the worker's clients once. */
function eligibilityProblem(run: FlRun, eligible: unknown[] | undefined, owns: (node: number) => boolean): string | undefined {
  if (eligible === undefined) return undefined;
  if (!run.eligibilityAsked) return 'eligibility of its clients, which no round start asked for';
  const seen = new Set<number>();
  for (const pair of eligible) {
    if (!isList(pair) || pair.length !== 2 || !isClientOf(run, pair[0]) || !owns(pair[0]) || (pair[1] !== 0 && pair[1] !== 1)) return 'expected eligibility as [client, 0 or 1] of its own clients';
    if (seen.has(pair[0])) return `client ${pair[0]}'s eligibility twice`;
    seen.add(pair[0]);
  }
  const missing = run.setup.clients.find((node) => owns(node) && !seen.has(node));
  return missing === undefined ? undefined : `no eligibility for its client ${missing}`;
}

function sessionsProblem(run: FlRun, sessions: unknown[] | undefined, owns: (node: number) => boolean): string | undefined {
  for (const row of sessions ?? []) {
    if (!isList(row) || row.length !== 2 || !isClientOf(run, row[0]) || !owns(row[0]) || run.specs[row[0]]!.wake.mode !== 'sessions') return 'expected sessions of its own scheduled clients';
    const times = row[1];
    if (!isList(times) || times.length % 2 !== 0 || !times.every((t, i) => (isTime(t) || t === Number.POSITIVE_INFINITY) && (i === 0 || (t as number) >= (times[i - 1] as number)))) return `expected client ${row[0]}'s sessions as ascending [start, end) times`;
  }
  return undefined;
}

/** Listening energy for an open snapshot, of each of the worker's nodes once, none already in. */
function listenProblem(run: FlRun, listen: unknown[], owns: (node: number) => boolean): string | undefined {
  let ownedNodes: number | undefined;
  for (const entry of listen) {
    if (!isList(entry) || entry.length !== 3 || !isRound(run, entry[0]) || (entry[1] !== 1 && entry[1] !== -1) || !isList(entry[2])) return 'expected listening energy as [round, ±1, rows]';
    const [round, sign, rows] = entry as [number, 1 | -1, unknown[]];
    const what = `round ${round}'s ${sign === 1 ? 'close' : 'start'}`;
    if (!run.listen.isOpen(round, sign)) return `listening energy of ${what}, which is not being read`;
    const seen = new Set<number>();
    for (const row of rows) {
      if (!isList(row) || row.length !== 2 || !isCount(row[0]) || row[0] >= run.nodeCount || !owns(row[0]) || !isTime(row[1])) return 'expected listening energy as [node, µJ] of its own nodes';
      if (seen.has(row[0]) || run.listen.has(round, sign, row[0])) return `node ${row[0]}'s listening energy at ${what} twice`;
      seen.add(row[0]);
    }
    ownedNodes ??= countOwned(run.nodeCount, owns);
    if (seen.size !== ownedNodes) return `listening energy at ${what} for ${seen.size} of its ${ownedNodes} nodes`;
  }
  return undefined;
}

function countOwned(nodes: number, owns: (node: number) => boolean): number {
  let count = 0;
  for (let node = 0; node < nodes; node++) if (owns(node)) count++;
  return count;
}

/** What is wrong with the coordinator's news as a worker takes it: rounds start one after the other, and the one under way closes. */
export function newsProblem(run: FlRun, value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'expected federated-learning news';
  const { news, table } = value as Record<string, unknown>;
  if (!isList(news) || typeof table !== 'boolean') return 'expected news and a table flag';
  let round = run.view?.round ?? 0;
  let open = run.view !== undefined && !run.view.closed;
  for (const item of news as Record<string, unknown>[]) {
    if (item === null || typeof item !== 'object' || !isRound(run, item.round)) return 'expected news of a round';
    if (item.kind === 'close') {
      if (!open || item.round !== round) return `expected the close of the round under way, found round ${item.round}'s`;
      open = false;
      continue;
    }
    if (item.kind !== 'start' || !isTime(item.startMs) || !isList(item.selected) || !item.selected.every((node, i) => isClientOf(run, node) && (i === 0 || node > (item.selected as number[])[i - 1]!))) return 'expected a round\'s start with its clients, ascending';
    if (open || item.round !== round + 1) return `expected the start of round ${round + 1} after the close of round ${round}, found round ${item.round}'s`;
    const next = item.next as unknown;
    if (next !== undefined && (!isList(next) || next.length !== 2 || next[0] !== item.round + 1 || !isRound(run, next[0]) || !isTime(next[1]))) return 'expected the next round\'s plan as [round, atMs]';
    round = item.round;
    open = true;
  }
  return undefined;
}
