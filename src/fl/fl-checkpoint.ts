/**
 * The federated engine's state as a checkpoint holds it (swarm.ts, checkpoint-state.ts): the
 * streams and the compressors' residuals are saved as data and rebuilt on restore.
 */
import type { StepTableState } from '../sim/step-table.ts';
import { replaceArray, replaceMap } from '../sim/checkpoint-state.ts';
import { createCompressor } from './compression.ts';
import type { FlRun, FlStep } from './fl-run.ts';
import type { FlEngineState } from './swarm.ts';

export function checkpointFl(run: FlRun): FlEngineState {
  const { model, sessions } = run;
  return {
    rounds: run.rounds,
    numbers: [run.malformed, model.version],
    global: model.global,
    current: run.current,
    // A checkpoint is of one process (runs with workers are not checkpointed): what a worker would report is not held.
    news: { view: run.view, closing: run.closing, plannedMs: run.plannedMs, startDue: run.startDue, anchorMs: run.anchorMs, drops: run.drops, roundStarts: run.roundStarts, listen: run.listen.state, outgoing: run.outgoing },
    finished: run.finished,
    buffer: model.buffer,
    tasks: run.tasks.checkpoint(),
    clientSide: run.clientSide,
    residuals: new Map([...run.compressors].map(([node, compressor]) => [node, compressor.residual])),
    selection: run.selection.checkpoint(),
    jitter: run.jitter.checkpoint(),
    outbox: run.outbox.checkpoint(),
    roundBooks: run.roundBooks.state,
    ...(sessions && { sessions: sessions.checkpoint() }),
  };
}

export function restoreFl(run: FlRun, saved: FlEngineState): void {
  replaceArray(run.rounds, saved.rounds);
  const [savedMalformed, version] = saved.numbers as [number, number];
  run.malformed = savedMalformed;
  run.model.restore({ global: saved.global, version, buffer: saved.buffer });
  run.current = saved.current;
  run.view = saved.news.view;
  run.closing = saved.news.closing;
  run.plannedMs = saved.news.plannedMs;
  run.startDue = saved.news.startDue;
  run.anchorMs = saved.news.anchorMs;
  replaceArray(run.roundStarts, saved.news.roundStarts);
  run.listen.restore(saved.news.listen);
  replaceArray(run.outgoing, saved.news.outgoing);
  run.remoteEligible.clear();
  run.eligibilityAsked = false;
  run.toReport.listen.length = 0;
  run.toReport.table = false;
  run.toReport.malformedReported = run.malformed;
  replaceArray(run.drops, saved.news.drops.map(([node, round]) => [node, round] as [number, number]));
  run.finished = saved.finished;
  run.tasks.restore(saved.tasks as StepTableState<FlStep>);
  replaceMap(run.clientSide, saved.clientSide);
  run.compressors.clear();
  for (const [node, residual] of saved.residuals) {
    const compressor = createCompressor(run.setup.settings.compression);
    compressor.restoreResidual(residual);
    run.compressors.set(node, compressor);
  }
  run.selection.restore(saved.selection);
  run.jitter.restore(saved.jitter);
  run.outbox.restore(saved.outbox);
  run.roundBooks.restore(saved.roundBooks);
  if (run.sessions && saved.sessions) run.sessions.restore(saved.sessions);
}
