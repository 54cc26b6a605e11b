/**
 * The head at the entry (entry.ts): a pass's residuals came back, the head runs on the entry's
 * MCU, and the request reads its prompt on or samples (keeping the draft tokens the model
 * confirms, speculation.ts), each generated pass checked against the single-node reference.
 */
import type { SamplingOptions } from '../model/sample.ts';
import { boundary } from '../data/dataset.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import { copyComponents, type Components } from './components.ts';
import type { EntryRun, Pass } from './entry-run.ts';
import type { TokenRecord } from './records.ts';
import type { Reference } from './reference.ts';
import { end } from './request-slots.ts';
import { recordingDraws, replayingDraws, verifyDraft } from './speculation.ts';
import { startPass } from './token-pass.ts';
import type { ModelMessage } from './wire.ts';

/** The residuals of the request's pass under way came back to the entry: the head runs, unless the pass is stale. */
export function onResult(run: EntryRun, at: number, message: Extract<ModelMessage, { kind: 'forward' }>, token: TokenRecord, acc: Components, x: Int8Tensor): void {
  const { ops, node } = run;
  const state = run.running.get(message.request);
  if (at !== node || !state || state.current !== token || state.position !== message.position || message.positions !== token.positions || token.attempts !== message.attempt || token.status !== 'running') return;
  // The head at the last known position and each guess (a prompt's pass: once, as a plain pass).
  ops.compute(node, ops.headWork(node, token.kind === 'generated' ? token.drafted + 1 : 1), token, acc, { type: 'headed', request: message.request, token, message, acc, x });
}

/**
 * The head ran on the residuals that came back: a prompt's pass goes on to the next unread
 * position; a generating pass samples (keeping the draft tokens the model confirms), is
 * checked against the reference, and emits its tokens.
 */
export function headed(run: EntryRun, request: number, token: TokenRecord, x: Int8Tensor, acc: Components): void {
  const { context, ops, sampling } = run;
  const { model, settings } = context;
  const { scheduler } = run.host;
  const d = model.config.dim;
  const state = run.running.get(request);
  if (!state || state.current !== token || token.status !== 'running') return;
  const pass = state.pass!;
  // The candidates the gates allowed, for the reference.
  ops.settle(token);
  // The head runs where logits are needed: the last known position and each guess.
  const logitsAt = (i: number): Float64Array => ops.head({ ...x, data: x.data.subarray(i * d, (i + 1) * d) });
  const p = state.position;
  token.status = 'ok';
  token.endMs = scheduler.nowMs;
  token.components = copyComponents(acc);
  state.current = undefined;
  if (token.kind === 'prompt') {
    pass.inputs.forEach((id, i) => state.reference.step(id, token.candidates[i]!));
    token.output = state.ids[p + pass.inputs.length]!;
    state.position = p + pass.inputs.length;
    state.guesser?.confirmed(p, pass.inputs.length, x);
    return startPass(run, state);
  }
  const draws = recordingDraws(() => state.rng.next());
  const verdict = verifyDraft(pass.draft, (j) => logitsAt(pass.known - 1 + j), sampling, draws.draw)!;
  token.accepted = verdict.accepted;
  token.matchesReference = matchesReference(state.reference, pass, token, sampling, verdict.tokens, draws.draws);
  const { record } = state;
  if (Number.isNaN(record.firstTokenMs)) record.firstTokenMs = scheduler.nowMs;
  for (const output of verdict.tokens) {
    token.emitted++;
    token.output = output;
    if (output === boundary) return end(run, state, 'complete');
    state.ids.push(output);
    record.generated.push(output);
    if (record.generated.length >= (settings.maxTokens ?? Number.POSITIVE_INFINITY) || state.ids.length > model.config.context) return end(run, state, 'complete');
  }
  state.position = p + pass.known + verdict.accepted;
  state.guesser?.confirmed(p, pass.known + verdict.accepted, x);
  startPass(run, state);
}

/**
 * The single-node reference reads the positions the pass made part of the text (with the
 * candidates the swarm's gates allowed there) and verifies the draft with the same draws: it
 * matches when it emits the same tokens.
 */
function matchesReference(reference: Reference, pass: Pass, token: TokenRecord, sampling: SamplingOptions, emitted: readonly number[], draws: readonly number[]): boolean {
  const logits = pass.inputs.slice(0, pass.known + token.accepted).map((id, i) => reference.step(id, token.candidates[i]!));
  const replay = replayingDraws(draws);
  const verdict = verifyDraft(pass.draft, (j) => logits[pass.known - 1 + j], sampling, replay.draw);
  return verdict !== undefined && replay.exact() && verdict.tokens.length === emitted.length && verdict.tokens.every((t, i) => t === emitted[i]);
}
