/** A node as the ether sees it, for the radio's tests: an SX1276 sensor at (xM, 0) that is always listening, unless `overrides` say otherwise. */
import type { EtherNode } from '../../src/radio/ether-config.ts';

export const etherNode = (xM: number, overrides: Partial<EtherNode> = {}): EtherNode => ({
  key: Math.round(xM) + 1,
  xM,
  yM: 0,
  antennaGainDbi: 0,
  sensitivityTable: 'sx1276',
  noiseFigureDb: 6,
  receivePaths: Number.POSITIVE_INFINITY,
  wake: { mode: 'always' },
  notifiesRxStart: true,
  ...overrides,
});

/** A gateway: an SX1301 concentrator with `receivePaths` demodulators that wants no rxStart. */
export const etherGateway = (xM: number, receivePaths: number, overrides: Partial<EtherNode> = {}): EtherNode =>
  etherNode(xM, { gateway: true, sensitivityTable: 'sx1301', receivePaths, notifiesRxStart: false, ...overrides });
