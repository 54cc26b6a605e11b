/**
 * Speculative decoding against the plain decoder (issue 21; printed, never asserted), run in its
 * own process by bench/run.ts: for each scenario, temperature and draft length k (0: plain),
 * three seeds added up: generated tokens, passes, tokens per pass, draft tokens confirmed, and
 * per token the simulated time (the passes' latencies), frames, PHY bytes and joules; tokens
 * per simulated second and their ratio to the plain decoder's. The draft is the shipped
 * models/tinyseek-names-draft; then the MTP module of models/tinyseek-names-mtp as the guesser
 * (draft: mtp, one guess per pass) against the same checkpoint's plain decoder.
 */
import { readScenario } from '../src/scenario/read-scenario.ts';
import { inferenceFor } from '../src/inference/load-model.ts';
import { createSimulation } from '../src/run/simulate.ts';
import { tokenJoules } from '../src/inference/records.ts';

interface Totals {
  tokens: number;
  passes: number;
  drafted: number;
  accepted: number;
  ms: number;
  frames: number;
  bytes: number;
  joules: number;
  failed: number;
}

function run(file: string, sets: readonly string[]): Totals {
  const { scenario, swarm } = readScenario(file, { sets });
  const simulation = createSimulation(scenario, swarm, { inference: inferenceFor(scenario, swarm)! });
  simulation.finish();
  const engine = simulation.inference!;
  const generated = engine.tokens.filter((t) => t.kind === 'generated' && t.status === 'ok');
  const sum = (f: (t: (typeof generated)[number]) => number): number => generated.reduce((s, t) => s + f(t), 0);
  return {
    tokens: sum((t) => t.emitted),
    passes: generated.length,
    drafted: sum((t) => t.drafted),
    accepted: sum((t) => t.accepted),
    ms: sum((t) => t.endMs - t.startMs),
    frames: sum((t) => t.frames),
    bytes: sum((t) => t.phyBytes),
    joules: sum(tokenJoules),
    failed: engine.requests.filter((r) => r.status === 'failed').length,
  };
}

const cases = [
  { name: 'inference-2g4 (SX1280, 2.4 GHz, always listening)', file: 'scenarios/inference-2g4.yaml', sets: [] },
  { name: 'quickstart (SX1276, EU868, 1 % duty cycle)', file: 'scenarios/quickstart.yaml', sets: [] },
  { name: 'inference-2g4, receivers listening 20 ms every second', file: 'scenarios/inference-2g4.yaml', sets: ['node.wake={mode: rendezvous, period: 1s, window: 20ms}'] },
  { name: 'inference-2g4 on RP2040 boards (weights read from QSPI flash)', file: 'scenarios/inference-2g4.yaml', sets: ['node.mcu=rp2040'] },
];
const seeds = [1, 2, 3];

const guessers = [
  ...[0, 1, 2, 3].map((k) => ({ label: k === 0 ? 'plain   ' : `k = ${k}   `, sets: k === 0 ? [] : ['inference.speculative.draft=tinyseek-names-draft', `inference.speculative.tokens=${k}`] })),
];
const mtpGuessers = [
  { label: 'plain   ', sets: ['model.checkpoint=tinyseek-names-mtp'] },
  { label: 'MTP     ', sets: ['model.checkpoint=tinyseek-names-mtp', 'inference.speculative.draft=mtp'] },
];
const runs = [
  ...cases.map((c) => ({ ...c, guessers })),
  { name: 'inference-2g4, tinyseek-names-mtp guessing with its MTP module', file: 'scenarios/inference-2g4.yaml', sets: [], guessers: mtpGuessers },
  { name: 'quickstart, tinyseek-names-mtp guessing with its MTP module', file: 'scenarios/quickstart.yaml', sets: [], guessers: mtpGuessers },
];

for (const { name, file, sets, guessers: tried } of runs) {
  for (const temperature of [0, 0.8]) {
    console.log(`speculative ${name}, temperature ${temperature}, seeds ${seeds.join(', ')}:`);
    let plainRate = 0;
    for (const [k, { label, sets: draft }] of tried.entries()) {
      const totals = seeds.map((seed) => run(file, [...sets, `seed=${seed}`, `inference.temperature=${temperature}`, ...draft]));
      const t = totals.reduce((a, b) => Object.fromEntries(Object.keys(a).map((key) => [key, a[key as keyof Totals] + b[key as keyof Totals]])) as unknown as Totals);
      const rate = t.tokens / (t.ms / 1000);
      if (k === 0) plainRate = rate;
      const confirmed = k === 0 ? '' : `, ${t.accepted}/${t.drafted} draft tokens confirmed (${((100 * t.accepted) / t.drafted).toFixed(1)} %)`;
      console.log(
        `  ${label}${t.tokens} tokens in ${t.passes} passes (${(t.tokens / t.passes).toFixed(2)} per pass${confirmed}); per token ${(t.ms / t.tokens).toFixed(1)} ms, ` +
          `${(t.frames / t.tokens).toFixed(2)} frames, ${(t.bytes / t.tokens).toFixed(0)} B, ${((1000 * t.joules) / t.tokens).toFixed(2)} mJ; ${rate.toFixed(3)} tokens/s (${(rate / plainRate).toFixed(2)}× plain)` +
          (t.failed > 0 ? `; ${t.failed} requests failed` : ''),
      );
    }
  }
}
