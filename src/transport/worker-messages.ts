/**
 * What the coordinator does with the messages workers publish under `ctl/workers/<id>/`
 * (worker-protocol.ts): a hello is answered with a partition, a join, a failure and a report
 * are taken, and a worker whose last will came has a while to come back.
 */
import type { CoordinatorContext } from './coordinator-context.ts';
import { createControlAssembler, decodeControlValue, MalformedControlError, type ControlAssembler } from './control-codec.ts';
import { assignWorker, loseWorker, type AssignmentReplies, type Worker } from './partition-assignment.ts';
import { takeReport } from './worker-reports.ts';
import { helloProblem, workerIdPattern, workerProtocolVersion, type AssignMessage } from './worker-protocol.ts';

/** The chunk assemblers of the workers' messages. */
export interface WorkerInbox {
  readonly assemblers: Map<string, ControlAssembler>;
  readonly singleChunk: ControlAssembler;
}

export function createWorkerInbox(): WorkerInbox {
  return { assemblers: new Map(), singleChunk: createControlAssembler(0, 1) };
}

/** Takes a message published under `ctl/workers/`. */
export function handleWorkerMessage(ctx: CoordinatorContext, inbox: WorkerInbox, path: string, payload: Uint8Array): void {
  const { roster, state } = ctx;
  const [head, id, kind, ...rest] = path.split('/');
  if (head !== 'workers' || id === undefined || !workerIdPattern.test(id) || kind === undefined || rest.length > 0) {
    state.malformed++;
    return;
  }
  if (kind === 'gone') {
    const worker = roster.byId.get(id);
    if (worker) workerGone(ctx, worker);
    return;
  }
  const decoded = decodeWorkerMessage(ctx, inbox, id, payload);
  if (decoded === undefined) return;
  const known = roster.byId.get(id);
  if (known) heard(ctx, known);
  if (kind === 'resync' || kind === 'here') {
    // A worker back from a broker blip asks for what it may have missed; `here` answers a probe.
    if (!known) state.malformed++;
    else if (kind === 'resync') ctx.control.replaySoon();
    return;
  }
  takeWorkerMessage(ctx, id, kind, decoded.value);
  ctx.barrier.poke();
}

/** The whole message, once its last chunk came (undefined before, or when it is malformed: counted). */
function decodeWorkerMessage(ctx: CoordinatorContext, inbox: WorkerInbox, id: string, payload: Uint8Array): { value: unknown } | undefined {
  try {
    // Only a worker the run knows may send messages in chunks (an assembler each): a hello
    // from a new id is one chunk, so ids a sender makes up cost no memory.
    let assembler = ctx.roster.byId.has(id) ? inbox.assemblers.get(id) : inbox.singleChunk;
    if (!assembler) inbox.assemblers.set(id, (assembler = createControlAssembler(4)));
    const whole = assembler.add(payload);
    if (whole === undefined) return undefined;
    return { value: decodeControlValue(whole) };
  } catch (error) {
    if (!(error instanceof MalformedControlError)) throw error;
    ctx.state.malformed++;
    return undefined;
  }
}

/** A hello, a join, a failure or a report. */
function takeWorkerMessage(ctx: CoordinatorContext, id: string, kind: string, value: unknown): void {
  const { roster, state } = ctx;
  if (kind === 'hello') {
    if (helloProblem(value) !== undefined) {
      state.malformed++;
      return refuse(ctx, id, `expected worker protocol ${workerProtocolVersion}: update loraswarm on the worker's machine`);
    }
    assignWorker(roster, ctx.nodes, id, (value as { nodes: string }).nodes, replies(ctx));
  } else if (kind === 'join') {
    const worker = roster.byId.get(id);
    if (worker) worker.joined = true;
  } else if (kind === 'failed') {
    const worker = roster.byId.get(id);
    const reason = (value as { reason?: unknown } | null)?.reason;
    if (worker) loseWorker(roster, ctx.barrier, worker, `worker ${id} (nodes ${worker.label}) failed: ${typeof reason === 'string' ? reason : 'no reason given'}`);
  } else if (kind === 'report') {
    const worker = roster.byId.get(id);
    if (worker) takeReport(roster, ctx.barrier, worker, value);
    else state.malformed++;
  } else state.malformed++;
}

/** A worker's last will came. */
function workerGone(ctx: CoordinatorContext, worker: Worker): void {
  const { roster, barrier, reconnectWindowMs } = ctx;
  const { id } = worker;
  if (!worker.joined) return loseWorker(roster, barrier, worker, `worker ${id} (nodes ${worker.label}) disconnected from the broker mid-run`);
  // The broker may have dropped it (a restart, a blip): it has a while to come back (and a worker
  // that never left answers the probe), then the run cannot go on without it.
  if (worker.grace !== undefined) return;
  barrier.suspend();
  worker.grace = setTimeout(() => {
    worker.grace = undefined;
    barrier.resume();
    loseWorker(roster, barrier, worker, `worker ${id} (nodes ${worker.label}) disconnected from the broker mid-run and did not come back within ${reconnectWindowMs / 1000} s`);
  }, reconnectWindowMs);
  worker.grace.unref();
  ctx.control.send('run/all/resync', {});
}

/** A worker whose last will came is heard from again: it is back. */
function heard(ctx: CoordinatorContext, worker: Worker): void {
  if (worker.grace === undefined) return;
  clearTimeout(worker.grace);
  worker.grace = undefined;
  ctx.barrier.resume();
}

function replies(ctx: CoordinatorContext): AssignmentReplies {
  return {
    assign: (worker) => ctx.control.send(`run/${worker.id}/assign`, ctx.assignment(worker)),
    refuse: (id, reason) => refuse(ctx, id, reason),
  };
}

function refuse(ctx: CoordinatorContext, id: string, reason: string): void {
  ctx.control.send(`run/${id}/assign`, { protocol: workerProtocolVersion, refused: reason } satisfies AssignMessage);
}
