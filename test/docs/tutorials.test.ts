/**
 * Every tutorial's commands run, and print what the tutorial quotes.
 *
 * A page is run when it carries the comment `<!-- This page is run by
 * test/docs/tutorials.test.ts … -->` (every tutorial does). Its conventions, from
 * tutorial-steps.ts:
 * - every ```sh block is run, in order, one command a line (`\` continues a line, `#` starts
 *   a comment), from a scratch directory that holds a copy of the repository's scenarios/ and
 *   models/, as the repository root does for a reader; `npx loraswarm` is the repository's CLI;
 * - a ```text block quotes what the ```sh block before it prints: each of its lines must be
 *   found in one line of the output (stdout and stderr together), `…` standing for any text;
 * - `<!-- file: NAME -->` before a block writes it to NAME in the scratch directory;
 * - `<!-- not run -->` before a ```sh block leaves it out;
 * - a trailing `# until Ctrl-C` marks a command that serves until interrupted (alone in its
 *   block): the test fetches the URL it prints (HTTP 200), waits for the quoted lines (or for
 *   the command to end on its own) and sends it SIGINT; `# exits with status N` marks a command
 *   that fails on purpose.
 * The scratch directory and every process started are removed at the end.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';
import { runningChildren, runTutorialCommand } from './run-tutorial-command.ts';
import { missingLines, shellWords, tutorialSteps, type TutorialStep } from './tutorial-steps.ts';

const marker = '<!-- This page is run by test/docs/tutorials.test.ts';
const stepTimeoutMs = 180_000;

function markdownFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const pages = markdownFiles(join(repoRoot, 'docs'))
  .filter((path) => readFileSync(path, 'utf8').includes(marker))
  .map((path) => ({ name: relative(repoRoot, path), steps: tutorialSteps(readFileSync(path, 'utf8')) }));

function title(step: Exclude<TutorialStep, { kind: 'file' }>): string {
  const commands = step.commands.map((c) => c.line).join('; ');
  return `line ${step.line}: ${commands.length > 110 ? `${commands.slice(0, 110)}…` : commands}`;
}

describe('the tutorials', () => {
  it('are found, and each has commands that quote their output', () => {
    const tutorials = pages.filter((page) => page.name.startsWith('docs/tutorials/'));
    expect(tutorials.map((page) => page.name).sort()).toEqual(
      markdownFiles(join(repoRoot, 'docs', 'tutorials'))
        .map((path) => relative(repoRoot, path))
        .filter((name) => !name.endsWith('README.md'))
        .sort(),
    );
    for (const page of pages) expect(page.steps.some((step) => step.kind === 'commands' && step.expected.length > 0), page.name).toBe(true);
  });
});

for (const page of pages) {
  describe(page.name, () => {
    let scratch = '';
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'loraswarm-tutorial-'));
      cpSync(join(repoRoot, 'scenarios'), join(scratch, 'scenarios'), { recursive: true });
      cpSync(join(repoRoot, 'models'), join(scratch, 'models'), { recursive: true });
    });
    afterAll(() => {
      for (const child of runningChildren) child.kill('SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
    });

    for (const step of page.steps) {
      if (step.kind === 'file') {
        it(`line ${step.line}: writes ${step.name}`, () => writeFileSync(join(scratch, step.name), step.content));
        continue;
      }
      it(
        `${title(step)} prints what the page quotes`,
        async () => {
          const serving = step.commands.filter((command) => command.untilCtrlC);
          expect(serving.length === 0 || step.commands.length === 1, 'a command that serves until Ctrl-C stands alone in its block').toBe(true);
          let output = '';
          for (const command of step.commands) {
            const result = await runTutorialCommand(command, scratch, step.expected, stepTimeoutMs - 10_000);
            output += result.output;
            const ended = command.untilCtrlC
              ? result.pageStatus === 200 && (result.status === 0 || result.status === 130 || result.signal === 'SIGINT')
              : result.status === command.status;
            expect(ended, `${command.line} ended with ${result.status ?? result.signal} (page: ${result.pageStatus ?? '-'}):\n${result.output}`).toBe(true);
          }
          expect(missingLines(step.expected, output), `quoted lines not printed; the output was:\n${output}`).toEqual([]);
        },
        stepTimeoutMs,
      );
    }
  });
}

describe('the tutorial runner', () => {
  it('reads commands, quoted output, files to write and the markers of a page', () => {
    const steps = tutorialSteps(
      [
        '<!-- file: a.yaml -->',
        '```yaml',
        'x: 1',
        '```',
        '```sh',
        '# a comment',
        'npx loraswarm run a.yaml \\',
        '  --quiet',
        "npx loraswarm dashboard 'runs/a b'   # serves until Ctrl-C",
        'npx loraswarm validate b.yaml  # exits with status 2',
        '```',
        '```text',
        'run a … 3 nodes',
        '```',
        '<!-- not run -->',
        '```sh',
        'rm -rf /',
        '```',
      ].join('\n'),
    );
    expect(steps).toEqual([
      { kind: 'file', name: 'a.yaml', content: 'x: 1\n', line: 2 },
      {
        kind: 'commands',
        line: 5,
        commands: [
          { line: 'npx loraswarm run a.yaml --quiet', untilCtrlC: false, status: 0 },
          { line: "npx loraswarm dashboard 'runs/a b'", untilCtrlC: true, status: 0 },
          { line: 'npx loraswarm validate b.yaml', untilCtrlC: false, status: 2 },
        ],
        expected: ['run a … 3 nodes'],
      },
    ]);
    expect(shellWords("npx loraswarm dashboard 'runs/a b' --set \"x=[1, 2]\"")).toEqual(['npx', 'loraswarm', 'dashboard', 'runs/a b', '--set', 'x=[1, 2]']);
  });

  it('finds each quoted line in one line of the output, … standing for any text, and names those it misses', () => {
    const output = 'run aloha (seed 1): 101 nodes, 1.0 h simulated in 0.3 s\n  DER 0.6120,   airtime 10 s\n';
    expect(missingLines(['run aloha (seed 1): 101 nodes, 1.0 h simulated in …', 'DER 0.6120, airtime 10 s'], output)).toEqual([]);
    expect(missingLines(['DER 0.6121', 'run aloha … 102 nodes'], output)).toEqual(['DER 0.6121', 'run aloha … 102 nodes']);
  });
});
