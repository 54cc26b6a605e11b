/**
 * The federated-learning view's data (issue 8): per round the validation accuracy and loss
 * against the joules and airtime spent so far, and who took part. Pure.
 */
import type { RoundCsvRow } from './run-model.ts';

/** A round as rounds.csv gives it (the columns this view reads). */
export type RoundRow = RoundCsvRow;

export interface FederatedPoint {
  readonly round: number;
  readonly hours: number;
  readonly accuracy: number;
  readonly loss: number;
  /** Joules and airtime of this round and every round before it. */
  readonly cumulativeJ: number;
  readonly cumulativeAirtimeS: number;
  readonly participants: number;
  readonly dropouts: number;
  readonly abandoned: number;
}

export function federatedView(rounds: readonly RoundRow[]): FederatedPoint[] {
  let joules = 0;
  let airtimeMs = 0;
  return rounds.map((r) => {
    joules += r.energyJ;
    airtimeMs += r.airtimeMs;
    return {
      round: r.round,
      hours: r.endMs / 3_600_000,
      accuracy: r.validationAccuracy,
      loss: r.validationLoss,
      cumulativeJ: joules,
      cumulativeAirtimeS: airtimeMs / 1000,
      participants: r.participants,
      dropouts: r.dropouts,
      abandoned: r.abandoned,
    };
  });
}
