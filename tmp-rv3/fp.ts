import { scheduledListenMs } from '../src/radio/wake-schedule.ts';
let bad = 0, n = 0, worst = 0;
for (const periodMs of [1000, 997.3, 333.33, 500]) for (const phaseMs of [0, 123.456789, 0.1, 777.777]) for (let i = 0; i < 200000; i++) {
  const w = { mode: 'rendezvous' as const, periodMs, windowMs: 5 + (i % 7) * 0.1, phaseMs };
  const k = Math.floor(Math.random() * 1e7);
  const ws = phaseMs + k * periodMs;
  const from = ws + Math.random() * w.windowMs;
  const to = from + Math.random() * (ws + w.windowMs - from);
  if (!(to > from)) continue;
  n++;
  const l = scheduledListenMs(w, from, to);
  if (to - l < from) { bad++; worst = Math.max(worst, from - (to - l)); }
}
console.log({ n, bad, worst });
