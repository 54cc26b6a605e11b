/**
 * A token's latency, split into what the time was spent on, each part recorded when it
 * happens (issue 6, "Records"): a message's frames report their queueing behind other frames,
 * their wait for the sub-band's duty-cycle budget and for the receiver's wake window, and their
 * time on air (MAC, `txStarted`); the receiver's radio interrupt and read-out after the last
 * frame is `processing`; a unit's wait for the MCU behind other work is `queueing`, its run
 * is `compute`; waiting for a reply that never came is `timeout`.
 *
 * The parts of a message add up to its creation-to-delivery time exactly: its fragments are
 * queued together, and each one after the first becomes head of the queue when the previous
 * one ends, so their queue waits are the previous fragments' time and are not counted again.
 */
import type { FrameTiming } from '../node/mac-types.ts';

export interface Components {
  airtimeMs: number;
  queueingMs: number;
  dutyCycleWaitMs: number;
  wakeWaitMs: number;
  computeMs: number;
  processingMs: number;
  timeoutMs: number;
}

export const componentKeys = ['airtimeMs', 'queueingMs', 'dutyCycleWaitMs', 'wakeWaitMs', 'computeMs', 'processingMs', 'timeoutMs'] as const;

export const zeroComponents = (): Components => ({ airtimeMs: 0, queueingMs: 0, dutyCycleWaitMs: 0, wakeWaitMs: 0, computeMs: 0, processingMs: 0, timeoutMs: 0 });

export const copyComponents = (c: Components): Components => ({ ...c });

export const totalMs = (c: Components): number => componentKeys.reduce((sum, key) => sum + c[key], 0);

/**
 * Adds one frame of a message to `into` as it goes on the air (frames in order; the first with
 * `previousEndMs` −∞) and returns its end, the next frame's `previousEndMs`. A message's
 * frames added so, then {@link addProcessing} at its delivery, give its parts.
 */
export function addFrame(into: Components, frame: FrameTiming, previousEndMs: number): number {
  const headMs = frame.queuedAtMs + frame.queueWaitMs;
  into.queueingMs += Math.max(0, headMs - Math.max(frame.queuedAtMs, previousEndMs));
  into.dutyCycleWaitMs += frame.dutyCycleWaitMs;
  into.wakeWaitMs += frame.wakeWaitMs;
  into.airtimeMs += frame.airtimeMs;
  return frame.endMs;
}

/** A message delivered at `deliveredAtMs` whose last frame ended at `lastEndMs`: the receiver's interrupt and read-out. */
export function addProcessing(into: Components, lastEndMs: number, deliveredAtMs: number): void {
  into.processingMs += deliveredAtMs - lastEndMs;
}
