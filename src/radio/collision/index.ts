import { alohaCollision } from './aloha.ts';
import { croceCollision } from './croce.ts';
import { energySirCollision } from './energy-sir.ts';
import { lorasimCaptureCollision } from './lorasim-capture.ts';
import type { CollisionModel } from './signal.ts';

export type CollisionModelId = 'aloha' | 'lorasim' | 'energy-sir' | 'croce';

export const collisionModels: Readonly<Record<CollisionModelId, CollisionModel>> = {
  aloha: alohaCollision,
  lorasim: lorasimCaptureCollision,
  'energy-sir': energySirCollision,
  croce: croceCollision,
};

/** SF range each model defines; the scenario loader refuses SFs outside it. */
export const collisionSfRange: Readonly<Record<CollisionModelId, readonly [number, number]>> = {
  aloha: [5, 12],
  lorasim: [5, 12],
  'energy-sir': [7, 12],
  croce: [7, 12],
};

export type { CollisionModel, Signal } from './signal.ts';
export { overlapMs } from './signal.ts';
