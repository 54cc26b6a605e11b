/**
 * A token pass that does not come back to the entry in time (entry.ts): it runs again from the
 * entry after a seeded backoff, up to `retries` times, then its request fails.
 */
import { zeroComponents } from './components.ts';
import type { EntryRun } from './entry-run.ts';
import type { TokenRecord } from './records.ts';
import { end } from './request-slots.ts';
import { runPass } from './token-pass.ts';

/** The pass did not come back in time: it runs again after a backoff, or its request fails. */
export function tokenTimeout(run: EntryRun, request: number, token: TokenRecord, attempt: number): void {
  const { context, host, ops, node } = run;
  const { scheduler } = host;
  const state = run.running.get(request);
  if (!state || state.current !== token || token.status !== 'running' || token.attempts !== attempt) return;
  if (token.attempts > context.settings.retries) {
    token.status = 'failed';
    token.endMs = scheduler.nowMs;
    token.components = { ...zeroComponents(), timeoutMs: scheduler.nowMs - token.startMs };
    end(run, state, 'failed');
    return;
  }
  token.attempts++;
  // A random backoff, so that a frame lost to a neighbour paced by the same duty cycle is not lost again in lockstep.
  ops.later({ type: 'retryToken', request, token }, scheduler.nowMs + ops.backoffMs(node));
}

/** The backoff is over: the pass runs again, unless its request has moved on; the time since the token started counts as timeout. */
export function retryToken(run: EntryRun, request: number, token: TokenRecord): void {
  const state = run.running.get(request);
  if (!state || state.current !== token || token.status !== 'running') return;
  return runPass(run, state, token, { ...zeroComponents(), timeoutMs: run.host.scheduler.nowMs - token.startMs });
}
