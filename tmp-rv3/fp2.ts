import { scheduledListenMs } from '../src/radio/wake-schedule.ts';
let bad = 0, n = 0, neg = 0;
for (let i = 0; i < 3000000; i++) {
  const periodMs = [1000, 997.3, 333.33, 64.1][i % 4]!;
  const phaseMs = Math.random() * periodMs;
  const w = { mode: 'rendezvous' as const, periodMs, windowMs: 5.123, phaseMs };
  const k = Math.floor(Math.random() * 1e7);
  const from = phaseMs + k * periodMs + (Math.random() < 0.3 ? w.windowMs : Math.random() * periodMs);
  const to = from + (Math.random() < 0.3 ? periodMs - w.windowMs : Math.random() * 3 * periodMs);
  if (!(to > from)) continue;
  n++;
  const l = scheduledListenMs(w, from, to);
  if (l < 0) neg++;
  if (to - l < from) bad++;
}
console.log({ n, bad, neg });
