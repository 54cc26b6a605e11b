/**
 * A token pass from the entry (entry.ts): its inputs composed (with the draft's guesses in
 * speculative decoding), its token record opened, the draft and the embedding run on the
 * entry's MCU, the residual sent into layer 0, and a timeout armed for its return.
 */
import { sumWork, type McuWork } from './unit-work.ts';
import type { Components } from './components.ts';
import { zeroComponents } from './components.ts';
import type { EntryRun, Pass, Running } from './entry-run.ts';
import type { Guesser } from './guessers.ts';
import { newTokenRecord, type TokenRecord } from './records.ts';
import { maxPassPositions, type ModelMessage } from './wire.ts';

/** The request's next pass, from its position: a new token record, then the draft and the embedding. */
export function startPass(run: EntryRun, state: Running): void {
  const { context, ops, host } = run;
  const { model, settings } = context;
  const p = state.position;
  const { ids } = state;
  const drafting: McuWork[] = [];
  const room = Math.min(run.draftTokens + 1, model.config.context - p, maxPassPositions);
  const left = settings.maxTokens === undefined ? Number.POSITIVE_INFINITY : settings.maxTokens - state.record.generated.length - 1;
  const pass = composePass(ids, p, state.guesser, room, left, drafting);
  state.pass = pass;
  const token = newTokenRecord(run.serial++, state.record.request, p, ids[p]!, p + pass.known < ids.length ? 'prompt' : 'generated', host.scheduler.nowMs, model.config.layers, { positions: pass.inputs.length, drafted: pass.draft.tokens.length });
  ops.register(token);
  run.tokens.push(token);
  state.record.tokens.push(token);
  state.current = token;
  runPass(run, state, token, zeroComponents(), drafting);
}

/** The first pass of a position runs the draft before embedding; a retry embeds again. */
export function runPass(run: EntryRun, state: Running, token: TokenRecord, acc: Components, drafting: readonly McuWork[] = []): void {
  const { context, ops, node, host } = run;
  const attempt = token.attempts;
  const p = state.position;
  const request = state.record.request;
  const inputs = state.pass!.inputs;
  const work = sumWork([...drafting, ...inputs.map(() => ops.embedWork(node))]);
  ops.compute(node, work, token, acc, { type: 'embedded', request, slot: state.slot, token, acc, attempt, position: p, inputs });
  ops.later({ type: 'tokenTimeout', request, token, attempt }, host.scheduler.nowMs + context.tokenTimeoutMs(inputs.length));
}

/** The pass's inputs are embedded: the residuals go to layer 0's attention node of the slot's pipeline. */
export function embedded(run: EntryRun, step: { readonly request: number; readonly slot: number; readonly token: TokenRecord; readonly acc: Components; readonly attempt: number; readonly position: number; readonly inputs: readonly number[] }): void {
  const { context, ops, node } = run;
  const d = context.model.config.dim;
  const x = new Int8Array(step.inputs.length * d);
  step.inputs.forEach((id, i) => x.set(ops.embed(id, step.position + i), i * d));
  const message: ModelMessage = { kind: 'forward', request: step.request, slot: step.slot, position: step.position, layer: 0, attempt: step.attempt, positions: step.inputs.length, x };
  ops.send(node, context.plan.pipelines[ops.pipelineOf(step.slot)]![0]!, message, step.token, step.acc);
}

/**
 * A pass at position p: plainly its token; with a guesser, the known tokens from p on (up to
 * `room` positions), then guesses where it reaches the end of them, no more than `left` (what
 * maxTokens still allows beside the model's own token). The guesser's work is added to `work`.
 */
function composePass(ids: readonly number[], p: number, guesser: Guesser | undefined, room: number, left: number, work: McuWork[]): Pass {
  if (!guesser) return { inputs: [ids[p]!], known: 1, draft: { tokens: [], probabilities: [] } };
  const inputs = ids.slice(p, p + room);
  const count = p + inputs.length === ids.length ? Math.max(0, Math.min(room - inputs.length, left)) : 0;
  const draft = guesser.guess(ids, count, work);
  return { inputs: [...inputs, ...draft.tokens], known: inputs.length, draft };
}
