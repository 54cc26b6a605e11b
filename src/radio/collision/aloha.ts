import type { CollisionModel } from './signal.ts';

/**
 * Pure ALOHA: any overlap with a transmission on the same channel and SF destroys the frame;
 * other SFs are perfectly orthogonal and there is no capture (LoRaSim `full_collision = 0`;
 * the ns-3 `collisionSnirAloha` matrix; shared/reference/lora.md §2.1). Throughput follows
 * S = G·e^(−2G).
 */
export const alohaCollision: CollisionModel = (wanted, interferers) =>
  interferers.some((other) => other.sf === wanted.sf);
