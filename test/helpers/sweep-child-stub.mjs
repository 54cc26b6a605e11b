// A stand-in for `loraswarm sweep-child` in tests of run/sweep-pool.ts: the real child loop
// (run/sweep-child.ts, through tsx) with a summary made of the request instead of a
// simulation, so that the pool's order, progress and failures are tested without simulating.
//   STUB_PID_DIR=dir   write this process's pid into dir, one file each
//   STUB_CRASH_RUN=i   say why on stderr and exit with status 3 when handed run i
//   STUB_FAIL_RUN=i    throw an InputError for run i
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { serveSweepChild } = await import('../../src/run/sweep-child.ts');
const { InputError } = await import('../../src/scenario/errors.ts');
if (process.env.STUB_PID_DIR) writeFileSync(join(process.env.STUB_PID_DIR, String(process.pid)), '');
await serveSweepChild(async (request, onFraction) => {
  const { index, sets, seed } = request.run;
  if (String(index) === process.env.STUB_CRASH_RUN) {
    process.stderr.write('FATAL ERROR: out of stub memory\n');
    process.exit(3);
  }
  if (String(index) === process.env.STUB_FAIL_RUN) throw new InputError([{ path: 'radio.sf', message: 'expected a number ≤ 12, found 13' }]);
  await onFraction(0.5);
  // Later runs answer sooner, so that children finish out of plan order.
  await new Promise((resolve) => setTimeout(resolve, 5 * (10 - index)));
  await onFraction(1);
  return { file: request.file, sets: sets.join(' '), seed, runDir: request.runDir ?? null, pid: process.pid };
}, process);
