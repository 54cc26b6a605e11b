/**
 * How long a window of the conservative protocol may be (docs/explanation/design-notes.md,
 * "Wider windows"). A window [s, W) ends in an exchange: the transmissions that started in it
 * reach the ether, the ether decides the frames that ended by W, and their deliveries are
 * scheduled. W is safe when nothing that exchange carries is due before W:
 *
 * - a delivery of a frame that ends at e is due at e + d (d: the processing delay). Frames on
 *   the air at s end at the ether's first undecided end or later: W ≤ first undecided end + d.
 * - a frame that starts in the window ends at least one shortest airtime A after s: with
 *   W ≤ s + A, it is still on the air when the ether takes it (the event at its end, its
 *   sender's radio end or the ether's marker, is not in the past)
 *   and its fate is decided in a later window, under the rule above.
 * - an `rxStart` is due at the catch time + d, which can be the frame's start: while any frame
 *   can be caught by a receiver that acts on a caught preamble (every node but a concentrator),
 *   W ≤ s + d, as before.
 * - listen-before-talk reads, one processing delay after a detection, the preambles on the air
 *   during it: it needs every frame that started before the detection ended, so W ≤ s + d.
 *
 * When neither of the last two can happen, windows are wide: up to A long instead of
 * min(A, d), and never shorter than before. Which scenarios qualify is decided from the
 * scenario alone (`narrowBecause`): frames go only to sinks that are concentrators, and no
 * node application, LoRaWAN MAC or peer MAC addresses nodes.
 */
import type { Scenario } from '../scenario/schema.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import { isConcentrator } from './swarm-node-specs.ts';

export interface WindowLength {
  /** min(shortest airtime, processing delay): the window of the short protocol. */
  readonly shortMs: number;
  /** The longest a window may be: the shortest airtime when wide, else `shortMs`. */
  readonly longestMs: number;
  readonly processingDelayMs: number;
  /** Why windows stay short, or undefined when they are wide. */
  readonly narrowBecause: string | undefined;
}

/** `shortestAirtimeMs`: the shortest frame any node can send (its framing's header alone). */
export function windowLength(scenario: Scenario, specs: readonly NodeSpec[], shortestAirtimeMs: number, short = false): WindowLength {
  const processingDelayMs = scenario.processingDelayMs;
  const shortMs = Math.min(shortestAirtimeMs, processingDelayMs);
  const narrowBecause = short ? 'short windows were asked for' : narrowReason(scenario, specs);
  return { shortMs, longestMs: narrowBecause === undefined ? shortestAirtimeMs : shortMs, processingDelayMs, narrowBecause };
}

/** Why a frame could be caught by a node that acts on its preamble, or carrier sense read the air; undefined when neither can happen. */
function narrowReason(scenario: Scenario, specs: readonly NodeSpec[]): string | undefined {
  if (scenario.lorawan) return 'LoRaWAN devices receive downlinks';
  if (scenario.peerMac) return 'the peer MAC acknowledges frames and may listen before talking';
  if (scenario.inference || scenario.federated) return 'node applications address nodes';
  for (const spec of specs) {
    const to = spec.traffic?.to;
    if (to === 'peer' || to === 'broadcast') return `${spec.id} sends to ${to === 'peer' ? 'peers' : 'every node in range'}`;
    if (spec.role === 'sink' && !isConcentrator(spec)) return `${spec.id} is a sink that acts on caught preambles (not a concentrator)`;
  }
  return undefined;
}

/** The end of the window that starts at `nextMs`, given the earliest end among undecided frames. */
export function windowEndMs(length: WindowLength, nextMs: number, firstUndecidedEndMs: number): number {
  return Math.max(nextMs + length.shortMs, Math.min(nextMs + length.longestMs, firstUndecidedEndMs + length.processingDelayMs));
}
