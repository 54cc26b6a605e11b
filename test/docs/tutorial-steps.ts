/**
 * A tutorial's steps, read from its Markdown, and what its quoted output asks of a command's.
 *
 * The conventions (each tutorial says so in a comment at its top):
 * - every ```sh block is run, in order, its lines one command each (a line ending in `\`
 *   goes on in the next; lines starting with `#` are comments);
 * - a ```text block quotes what the ```sh block before it prints: each of its lines must be
 *   found in one line of that output (stdout and stderr), `…` standing for any text and runs of
 *   spaces for any run of spaces;
 * - `<!-- file: NAME -->` on the line before a block writes the block to NAME first;
 * - `<!-- not run -->` on the line before a ```sh block leaves it out;
 * - a command's trailing comment may say `# until Ctrl-C` (it serves until interrupted) or
 *   `# exits with status N` (it fails on purpose).
 */

/** A command of a ```sh block. */
export interface TutorialCommand {
  /** The command as the reader types it, without its trailing comment. */
  readonly line: string;
  /** It serves until Ctrl-C. */
  readonly untilCtrlC: boolean;
  /** The exit status it ends with. */
  readonly status: number;
}

export type TutorialStep =
  | { readonly kind: 'file'; readonly name: string; readonly content: string; readonly line: number }
  | { readonly kind: 'commands'; readonly commands: TutorialCommand[]; readonly expected: string[]; readonly line: number };

interface Block {
  readonly language: string;
  readonly content: string;
  readonly marker: string | undefined;
  readonly line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith(fence)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[before]!.trim())?.[1] : undefined;
    blocks.push({ language: open[2]!, content: lines.slice(i + 1, end).join('\n'), marker, line: i + 1 });
    i = end;
  }
  return blocks;
}

/** The command and its trailing comment: the first `#` after a space, outside quotes. */
function splitComment(line: string): { command: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return { command: line.slice(0, i).trim(), comment: line.slice(i + 1).trim() };
  }
  return { command: line.trim(), comment: '' };
}

function commandsOf(block: string): TutorialCommand[] {
  // A backslash before the newline continues the command on the next line.
  const joined = block.replace(/\s*\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((raw) => raw.trim())
    .filter((raw) => raw !== '' && !raw.startsWith('#'))
    .map((raw) => {
      const { command, comment } = splitComment(raw);
      const status = /exits with status (\d+)/.exec(comment);
      return { line: command, untilCtrlC: /until Ctrl-C/i.test(comment), status: status ? Number(status[1]) : 0 };
    });
}

/** The steps of a tutorial, in the order a reader takes them. */
export function tutorialSteps(markdown: string): TutorialStep[] {
  const steps: TutorialStep[] = [];
  let last: { commands: TutorialCommand[]; expected: string[] } | undefined;
  for (const block of fencedBlocks(markdown)) {
    const file = block.marker === undefined ? undefined : /^file:\s*(\S+)$/.exec(block.marker)?.[1];
    if (file !== undefined) steps.push({ kind: 'file', name: file, content: `${block.content}\n`, line: block.line });
    if (block.language === 'sh' && block.marker !== 'not run' && file === undefined) {
      last = { commands: commandsOf(block.content), expected: [] };
      steps.push({ kind: 'commands', ...last, line: block.line });
    } else if (block.language === 'text' && last && file === undefined) {
      last.expected.push(...block.content.split('\n').filter((line) => line.trim() !== ''));
    }
  }
  return steps;
}

const normalise = (text: string): string => text.trim().replace(/\s+/g, ' ');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The quoted lines that no line of `output` shows (`…` stands for any text). */
export function missingLines(expected: readonly string[], output: string): string[] {
  const lines = output.split('\n').map(normalise);
  return expected.filter((quoted) => {
    const pattern = new RegExp(normalise(quoted).split('…').map(escape).join('.*'));
    return !lines.some((line) => pattern.test(line));
  });
}

/** Splits a command line into words as a POSIX shell would for simple quoting ('…' and "…"). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (quote) throw new SyntaxError(`unclosed ${quote} in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}
