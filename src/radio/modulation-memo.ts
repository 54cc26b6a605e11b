import type { Transmission } from './transmission.ts';

/**
 * Per sender, the modulation and power its cached candidates were found for (ether-reach.ts):
 * numbers in columns, compared in place (a string key would be built for every frame).
 */
export interface ModulationMemo {
  same(tx: Transmission): boolean;
  remember(tx: Transmission): void;
}

export function modulationMemo(count: number): ModulationMemo {
  const sf = new Float64Array(count).fill(Number.NaN);
  const bandwidthHz = new Float64Array(count);
  const txPowerDbm = new Float64Array(count);
  return {
    same: (tx) => sf[tx.sender] === tx.sf && bandwidthHz[tx.sender] === tx.bandwidthHz && txPowerDbm[tx.sender] === tx.txPowerDbm,
    remember(tx) {
      sf[tx.sender] = tx.sf;
      bandwidthHz[tx.sender] = tx.bandwidthHz;
      txPowerDbm[tx.sender] = tx.txPowerDbm;
    },
  };
}
