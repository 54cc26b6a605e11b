import type { CollisionModel } from './signal.ts';

/**
 * Pure ALOHA: any overlap with a transmission on the same channel and SF destroys the frame;
 * other SFs are perfectly orthogonal and there is no capture (LoRaSim `full_collision = 0`,
 * https://github.com/EduLima7/LoRaSim/tree/e67917f809621df19a27e480238e15de6ec72a88; the ns-3
 * `collisionSnirAloha` matrix in model/lora-interference-helper.cc,
 * https://github.com/signetlabdei/lorawan/tree/82ea58a95c03ab158edfd81860ad614d1bf70ec6).
 * Throughput follows S = G·e^(−2G).
 */
export const alohaCollision: CollisionModel = (wanted, interferers) =>
  interferers.some((other) => other.sf === wanted.sf);
