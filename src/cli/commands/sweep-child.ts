/**
 * `loraswarm sweep-child`, hidden: the child process of `sweep --jobs N`, started by the sweep
 * through the same bin script as the CLI (cli/launcher.ts). It serves the runs the sweep hands
 * it over IPC (run/sweep-child.ts) and ends when the sweep disconnects.
 */
import { serveSweepChild, type SweepChannel } from '../../run/sweep-child.ts';
import { UsageError } from '../exit.ts';
import { sweepChildCommandName } from './sweep-program.ts';
import { sweepRunSummary } from './sweep-run.ts';

/**
 * Serves the parent sweep's run requests until it disconnects.
 *
 * @example
 * await sweepChildCommand(); // in a process forked by runSweepInChildren
 */
export async function sweepChildCommand(channel: NodeJS.Process = process): Promise<void> {
  if (!channel.send || !channel.connected) {
    throw new UsageError(`${sweepChildCommandName}: expected to be started by \`loraswarm sweep --jobs N\` (over an IPC channel), found no channel; it is not for use by hand`);
  }
  await serveSweepChild((request, onFraction) => sweepRunSummary(request.file, request.run, request.runDir, onFraction), channel as SweepChannel);
}
