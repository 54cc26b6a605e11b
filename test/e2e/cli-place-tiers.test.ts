/** `loraswarm place` says where each unit's weights live and whether they stream (issue 18), and refuses a tier too small by name. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('loraswarm place: memory tiers', () => {
  it('shows the STM32N6 reading every unit from its external flash, streamed, per unit in --json', async () => {
    const text = await runCli(['place', 'scenarios/quickstart.yaml', '--set', 'node.mcu=stm32n6']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('  weights: flash (stored in flash and read in place); streamed: read from off-chip flash at every use');
    // One board, no radio: no duty-cycle floor to speak of.
    expect(text.stdout).toContain('  no duty-cycle floor (no sub-band limits the time on air)');
    expect(text.stdout).toMatch(/\nboard-0 +stm32n6 +2,006,560 +33,476,608 +2,048 +1,280 +4,194,304 +2,006,560 +external flash, streamed: io L0\.attention L0\.shared0 L0\.expert0 /);
    const json = JSON.parse((await runCli(['place', 'scenarios/quickstart.yaml', '--set', 'node.mcu=stm32n6', '--set', 'model.placement.weights=sram', '--json'])).stdout) as {
      weights: string;
      units: { id: string; tiers: { tier: string; memory: string; streams: boolean }[] }[];
      nodes: { sramWeightBytes: number; streamedBytes: number }[];
    };
    expect(json.weights).toBe('sram');
    expect(json.units[0]).toMatchObject({ id: 'io', tiers: [{ tier: 'sram', memory: 'SRAM', streams: false }] });
    expect(json.nodes[0]).toMatchObject({ sramWeightBytes: 2_006_560, streamedBytes: 0 });
  });

  it('refuses weights: sram on six nRF52840 boards, naming SRAM, the request and the shortfall (exit 2)', async () => {
    const result = await runCli(['place', 'scenarios/quickstart.yaml', '--set', 'groups.0.count=6', '--set', 'model.placement.weights=sram']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^loraswarm: the model does not fit the swarm: \d+ units \(.*\) found no node with room\n {2}the units need 2,006,560 B of SRAM; the 6 eligible nodes' placement budgets total 1,327,104 B, of which [\d,]+ B stayed free/);
    expect(result.stderr).toMatch(/shortfall [\d,]+ B beyond all free SRAM; \d+ more nodes like board-0 \(nrf52840, 221,184 B placement budget each\) would hold the rest\n$/);
  });

  it("gives the quickstart's duty-cycle floor per token: board-0's airtime per token within its 1 % (issue 19, point 9)", async () => {
    const result = await runCli(['place', 'scenarios/quickstart.yaml']);
    expect(result.stdout).toContain('  duty-cycle floor 70.6 s per token: board-0 sends 706.5 ms of airtime per token within 1 % of the time');
    const json = JSON.parse((await runCli(['place', 'scenarios/quickstart.yaml', '--json'])).stdout) as { dutyCycleFloorMsPerToken: number; dutyCycleFloorNode: string };
    expect(json.dutyCycleFloorNode).toBe('board-0');
    expect(json.dutyCycleFloorMsPerToken).toBeCloseTo(70_650, -1);
  });
});
