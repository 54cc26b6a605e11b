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

/** One frame of a message, as the MAC reported it. */
export interface FrameTiming {
  readonly queuedAtMs: number;
  readonly queueWaitMs: number;
  readonly dutyCycleWaitMs: number;
  readonly wakeWaitMs: number;
  readonly startMs: number;
  readonly airtimeMs: number;
  readonly endMs: number;
}

/** Adds a delivered message's parts to `into`: its frames (in order), then the processing until `deliveredAtMs`. */
export function addMessage(into: Components, frames: readonly FrameTiming[], deliveredAtMs: number): void {
  let previousEndMs = Number.NEGATIVE_INFINITY;
  for (const frame of frames) {
    const headMs = frame.queuedAtMs + frame.queueWaitMs;
    into.queueingMs += Math.max(0, headMs - Math.max(frame.queuedAtMs, previousEndMs));
    into.dutyCycleWaitMs += frame.dutyCycleWaitMs;
    into.wakeWaitMs += frame.wakeWaitMs;
    into.airtimeMs += frame.airtimeMs;
    previousEndMs = frame.endMs;
  }
  into.processingMs += deliveredAtMs - previousEndMs;
}
