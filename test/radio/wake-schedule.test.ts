import { describe, expect, it } from 'vitest';
import { catchTimeMs, closeSession, nextReceiveStartMs, openSession, samplingPreambleSymbols, scheduledListenMs, type WakeSchedule } from '../../src/radio/wake-schedule.ts';

const rendezvous: WakeSchedule = { mode: 'rendezvous', periodMs: 1000, windowMs: 5, phaseMs: 200 };
const sampling: WakeSchedule = { mode: 'preamble-sampling', periodMs: 100, cadMs: 2, phaseMs: 30 };

describe('wake schedules', () => {
  it('catches a frame that starts inside a rendezvous window, not one that starts after it', () => {
    expect(catchTimeMs(rendezvous, 1200, 12.5)).toBe(1200);
    expect(catchTimeMs(rendezvous, 1204.9, 12.5)).toBe(1204.9);
    expect(catchTimeMs(rendezvous, 1205, 12.5)).toBeUndefined();
    expect(catchTimeMs(rendezvous, 199, 12.5)).toBeUndefined();
  });

  it('sends to a rendezvous receiver now inside a window, else at the next window', () => {
    expect(nextReceiveStartMs(rendezvous, 1202)).toBe(1202);
    expect(nextReceiveStartMs(rendezvous, 1205)).toBe(2200);
    expect(nextReceiveStartMs(rendezvous, 0)).toBe(200);
    expect(nextReceiveStartMs({ mode: 'always' }, 17)).toBe(17);
  });

  it('catches a frame at the first channel sample that fits inside its preamble', () => {
    // samples at 30, 130, 230, …; a frame starting at 131 with a 102 ms preamble is caught at 230
    expect(catchTimeMs(sampling, 131, 102)).toBe(230);
    expect(catchTimeMs(sampling, 131, 100)).toBeUndefined();
    expect(catchTimeMs(sampling, 130, 2)).toBe(130);
  });

  it('stretches the preamble to cover one sampling period plus the CAD', () => {
    // SF7/125: 1.024 ms symbols; (100 + 2) / 1.024 − 4.25 = 95.36 → 96 symbols
    expect(samplingPreambleSymbols(sampling, 1.024, 8)).toBe(96);
    expect(samplingPreambleSymbols(rendezvous, 1.024, 8)).toBe(8);
  });

  it('counts listening time exactly over any interval', () => {
    expect(scheduledListenMs(rendezvous, 0, 3600_000)).toBe(3600 * 5);
    expect(scheduledListenMs(rendezvous, 1202, 2203)).toBe(3 + 3);
    expect(scheduledListenMs(sampling, 0, 1000)).toBe(10 * 2);
    expect(scheduledListenMs({ mode: 'always' }, 5, 12)).toBe(7);
    expect(scheduledListenMs({ mode: 'off' }, 5, 12)).toBe(0);
  });
});

describe('sessions (scheduled federated rounds: fl/sessions.ts)', () => {
  it('opens, extends and closes sessions, and the radio catches, waits and books by them', () => {
    const wake: Extract<WakeSchedule, { mode: 'sessions' }> = { mode: 'sessions', sessions: [] };
    openSession(wake, 100, 200);
    openSession(wake, 150, 250); // overlapping: extended
    openSession(wake, 1000, Number.POSITIVE_INFINITY);
    expect(wake.sessions).toEqual([100, 250, 1000, Number.POSITIVE_INFINITY]);
    closeSession(wake, 1300);
    expect(wake.sessions).toEqual([100, 250, 1000, 1300]);
    expect([catchTimeMs(wake, 99, 12.5), catchTimeMs(wake, 100, 12.5), catchTimeMs(wake, 249, 12.5), catchTimeMs(wake, 250, 12.5), catchTimeMs(wake, 1299, 12.5)]).toEqual([undefined, 100, 249, undefined, 1299]);
    expect([nextReceiveStartMs(wake, 50), nextReceiveStartMs(wake, 120), nextReceiveStartMs(wake, 300), nextReceiveStartMs(wake, 1400)]).toEqual([100, 120, 1000, 1400]);
    expect(scheduledListenMs(wake, 0, 2000)).toBe(150 + 300);
    expect(scheduledListenMs(wake, 200, 1100)).toBe(50 + 100);
    // A session that has not begun is taken back whole; one cannot open before the last one's start.
    openSession(wake, 1500, 1600);
    closeSession(wake, 1400);
    expect(wake.sessions).toEqual([100, 250, 1000, 1300]);
    expect(() => openSession(wake, 900, 950)).toThrow(/before the last one's start/);
  });
});
