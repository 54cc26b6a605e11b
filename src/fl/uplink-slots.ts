/**
 * Slotted uplinks for scheduled rounds (issue 20, point 3): the j-th of the n clients named in a
 * round's announce sends its k-th frame at the round's start + k frame periods + j/n of one, by
 * its own drifting clock (fl/sessions.ts). A frame period is the longest frame's time on air
 * over its duty cycle, plus 1 %: a client's duty cycle allows one frame per period anyway, and
 * the n offsets keep the clients' frames apart, so uplinks do not overlap by construction (the
 * clients share a modulation; with several, the longest frame sets the period for all).
 */
import type { OutboxConfig } from './outbox.ts';
import type { FlHost, RoundView } from './round-types.ts';
import type { ClientSessions } from './sessions.ts';

export interface UplinkSlotsDeps {
  readonly clients: readonly number[];
  readonly coordinator: number;
  /** The application bytes of the longest message. */
  readonly messageBytes: number;
  readonly host: Pick<FlHost, 'frameGapMs'>;
  readonly clocks: Pick<ClientSessions, 'localMs' | 'trueMs'>;
  /** The round under way, as the clients' side knows it. */
  current(): RoundView | undefined;
}

export function uplinkSlots(deps: UplinkSlotsDeps): NonNullable<OutboxConfig['slots']> {
  const { clocks, coordinator } = deps;
  const periodMs = deps.clients.reduce((most, node) => Math.max(most, deps.host.frameGapMs(node, deps.messageBytes)), 0) * 1.01;
  return {
    periodMs,
    slotted: (node, message) => node !== coordinator && (message.kind === 'update' || message.kind === 'parity'),
    nextSlotMs(node, notBeforeMs) {
      const current = deps.current();
      const j = current ? current.selected.indexOf(node) : -1;
      if (!current || j < 0) return notBeforeMs;
      const offsetMs = current.startMs + (j * periodMs) / current.selected.length;
      // The slot that starts now counts (its time went through the clock and back: a rounding off).
      const k = Math.max(0, Math.ceil((clocks.localMs(node, notBeforeMs) - offsetMs) / periodMs - 1e-9));
      return Math.max(notBeforeMs, clocks.trueMs(node, offsetMs + k * periodMs));
    },
  };
}
