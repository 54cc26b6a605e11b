/**
 * The `peerMac` key: the swarm's peer-to-peer MAC (node/peer-links.ts, and listen before talk
 * in node/macs.ts), for the frames nodes address to one another (the model's traffic, federated
 * learning, peer traffic). Left out, frames are sent once, without listening first, as before.
 */
import * as z from 'zod';
import { withDefault } from './described.ts';

export const peerMacSchema = z
  .strictObject({
    ack: withDefault(z.boolean().describe('Link-layer acknowledgements: the receiver of a frame addressed to it answers at once with a short ACK frame (within its duty cycle); without one the sender sends the frame again after a random back-off, up to maxTransmissions.'), false),
    maxTransmissions: withDefault(z.int().min(1).max(15).describe('Transmissions of a frame at most, the first included, when ack is on.'), 3),
    ackMarginMs: withDefault(z.number().min(0).max(10000).describe("Milliseconds the sender waits for an ACK beyond its earliest end (the frame's end, two processing delays and the ACK's airtime)."), 10),
    lbt: withDefault(z.boolean().describe("Listen before talk: a channel activity detection (CAD) on the chosen channel at the node's SF before each frame, for (2^SF + 32)/BW as the SX1276 datasheet gives, booked as receive; a busy channel defers the frame by a random back-off."), false),
    maxBackoffs: withDefault(z.int().min(0).max(100).describe('Back-offs of a frame at most for a busy channel; then it goes anyway.'), 8),
    backoffMinMs: withDefault(z.number().min(0).max(600000).describe('Shortest random back-off, in milliseconds (after a busy CAD or a missing ACK).'), 10),
    backoffMaxMs: withDefault(z.number().min(0).max(600000).describe('Longest random back-off, in milliseconds.'), 500),
  })
  .describe('The swarm\'s peer-to-peer MAC, for frames nodes address to one another (not LoRaWAN devices\' uplinks): link-layer ACKs with retransmission, and listen before talk by channel activity detection with random back-off. Runs in one process (no --remote or --workers). Left out: frames are sent once without listening first.');

export type PeerMacScenarioSettings = z.output<typeof peerMacSchema>;
