/**
 * Server strategies (issue 7): how the global model moves given the clients' updates. Each
 * update is a delta (client model − the global model it started from), its weight (samples
 * trained on) and, for partial models, the mask of entries it trained; every entry is averaged
 * over the clients that trained it (with FedAvg and FedProx an entry nobody trained stays).
 * - FedAvg (McMahan et al. 2017, https://arxiv.org/abs/1602.05629): w ← w + Σ n_k δ_k / Σ n_k.
 * - FedProx (Li et al. 2020, https://arxiv.org/abs/1812.06127): FedAvg on the server; the
 *   proximal term μ/2 ‖w − w_g‖² is the clients' (fl/local.ts).
 * - FedAvgM (Hsu et al. 2019, https://arxiv.org/abs/1909.06335): v ← β v + Δ, w ← w + η v.
 * - FedAdagrad, FedAdam, FedYogi (Reddi et al. 2021, "Adaptive Federated Optimization",
 *   https://arxiv.org/abs/2003.00295, Algorithm 2): with Δ the averaged delta,
 *   m ← β1 m + (1 − β1) Δ; v ← v + Δ² (Adagrad), β2 v + (1 − β2) Δ² (Adam),
 *   v − (1 − β2) Δ² sign(v − Δ²) (Yogi); w ← w + η m / (√v + τ).
 * - FedBuff (Nguyen et al. 2022, https://arxiv.org/abs/2106.06639): asynchronous; the server
 *   applies every K buffered updates, w ← w + η Σ n_k s(τ_k) δ_k / Σ n_k with the staleness
 *   discount s(τ) = 1/√(1 + τ), so that a stale buffer takes a smaller step.
 * The adaptive strategies keep their momentum: an entry nobody trained this round still moves
 * by what its momentum carries, as in the server optimisers they are.
 */
import { mapValues } from '../model/map-values.ts';

export interface ClientUpdate {
  readonly delta: Float64Array;
  /** Samples it trained on (n_k). */
  readonly weight: number;
  /** Entries it trained (1) and left (0); all when absent. */
  readonly mask?: Uint8Array;
  /** Global versions since the one it started from (FedBuff). */
  readonly staleness?: number;
}

export type StrategySpec =
  | { readonly kind: 'fedavg' }
  | { readonly kind: 'fedprox'; readonly mu: number }
  | { readonly kind: 'fedavgm'; readonly momentum: number; readonly serverLearningRate: number }
  | { readonly kind: 'fedadagrad' | 'fedadam' | 'fedyogi'; readonly serverLearningRate: number; readonly beta1?: number | undefined; readonly beta2?: number | undefined; readonly tau?: number | undefined }
  | { readonly kind: 'fedbuff'; readonly bufferSize: number; readonly serverLearningRate: number };

export interface ServerStrategy {
  readonly spec: StrategySpec;
  /** The new global model from the old one and a round's (or a buffer's) updates. */
  apply(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array;
}

/** The weighted average of the deltas, entry by entry over the clients that trained it. */
export function averageDelta(size: number, updates: readonly ClientUpdate[], weightOf: (u: ClientUpdate) => number = (u) => u.weight): Float64Array {
  const sum = new Float64Array(size);
  const weights = new Float64Array(size);
  for (const update of updates) {
    const w = weightOf(update);
    if (!(w > 0)) continue;
    const { delta, mask } = update;
    for (let i = 0; i < size; i++) {
      if (mask && mask[i] === 0) continue;
      sum[i]! += w * delta[i]!;
      weights[i]! += w;
    }
  }
  for (let i = 0; i < size; i++) if (weights[i]! > 0) sum[i]! /= weights[i]!;
  return sum;
}

export function createStrategy(spec: StrategySpec): ServerStrategy {
  let m: Float64Array | undefined;
  let v: Float64Array | undefined;
  return {
    spec,
    apply(global, updates) {
      const n = global.length;
      if (spec.kind === 'fedbuff') {
        // The discount scales each delta; the average divides by the undiscounted weights.
        const discounted = updates.map((u) => ({ ...u, delta: u.delta.map((d) => d / Math.sqrt(1 + Math.max(0, u.staleness ?? 0))) }));
        const delta = averageDelta(n, discounted);
        return mapValues(global, (w, i) => w + spec.serverLearningRate * delta[i]!);
      }
      const delta = averageDelta(n, updates);
      if (spec.kind === 'fedavg' || spec.kind === 'fedprox') return mapValues(global, (w, i) => w + delta[i]!);
      if (spec.kind === 'fedavgm') {
        m ??= new Float64Array(n);
        for (let i = 0; i < n; i++) m[i] = spec.momentum * m[i]! + delta[i]!;
        return mapValues(global, (w, i) => w + spec.serverLearningRate * m![i]!);
      }
      const beta1 = spec.beta1 ?? 0.9;
      const beta2 = spec.beta2 ?? 0.99;
      const tau = spec.tau ?? 1e-3;
      m ??= new Float64Array(n);
      // Reddi et al. start v at τ².
      v ??= new Float64Array(n).fill(tau * tau);
      for (let i = 0; i < n; i++) {
        const d = delta[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * d;
        const d2 = d * d;
        if (spec.kind === 'fedadagrad') v[i]! += d2;
        else if (spec.kind === 'fedadam') v[i] = beta2 * v[i]! + (1 - beta2) * d2;
        else v[i] = v[i]! - (1 - beta2) * d2 * Math.sign(v[i]! - d2);
      }
      return mapValues(global, (w, i) => w + (spec.serverLearningRate * m![i]!) / (Math.sqrt(v![i]!) + tau));
    },
  };
}
