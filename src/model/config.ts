/**
 * TinySeek's configuration: a small DeepSeek-style decoder (where a trained model's
 * configuration lives: docs/explanation/design-notes.md, "TinySeek").
 */
import type { Affinity } from './layers/gate.ts';

export interface TinySeekConfig {
  readonly vocab: number;
  readonly dim: number;
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  /** MLA latent size d_c: the KV cache holds this many numbers per token and layer. */
  readonly latentDim: number;
  readonly context: number;
  /** 'learned' (the default): a learned table added to the token embedding; 'rotary': decoupled RoPE in attention. */
  readonly positions?: 'learned' | 'rotary';
  /** Rotary dimensions per head with 'rotary' positions (even). */
  readonly ropeDim?: number;
  readonly experts: number;
  readonly sharedExperts: number;
  readonly expertHidden: number;
  readonly topK: number;
  readonly affinity: Affinity;
  /** Undefined: no token dropping. */
  readonly capacityFactor?: number;
  /** Bias update speed γ of the load-balancing rule; 0 turns the rule off. */
  readonly biasUpdate: number;
  /** A multi-token prediction module of depth 1 (layers/mtp.ts), with this SwiGLU hidden width; absent: none. */
  readonly mtp?: { readonly hidden: number };
}
