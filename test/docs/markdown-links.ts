/**
 * The links of Markdown files as GitHub renders them: relative links must reach a file, and an
 * `#anchor` must be the slug GitHub gives one of the target's headings.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The anchor GitHub gives a heading (github-slugger's rule): lower-cased, every character that
 * is not a letter, a digit, a space, `-` or `_` dropped, spaces turned into `-`.
 *
 * @example
 * githubSlug('`compat: lorasim`'); // 'compat-lorasim'
 */
export function githubSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Markdown with its fenced code blocks and inline code spans blanked, so their text holds no links or headings. */
function withoutCode(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s{0,3}(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length));
    })
    .join('\n');
}

/** The heading text as rendered: links reduced to their text, emphasis and code marks dropped. */
function headingText(raw: string): string {
  return raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim();
}

/** The anchors of a Markdown file's ATX headings, with GitHub's -1, -2 … for repeats. */
export function headingSlugs(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const match = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const base = githubSlug(headingText(match[1]!));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

/** The inline links and images of a Markdown file (outside code), with their line numbers. */
export function linksIn(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutCode(markdown)
    .split('\n')
    .forEach((text, index) => {
      for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: match[1]!, line: index + 1 });
    });
  return links;
}

/** A link that leads nowhere: where it is, and why. */
export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly reason: string;
}

/**
 * The broken relative links of `files` (paths under `root`): a target that is no file or
 * folder, or an anchor that is no heading of its Markdown target. External links (a scheme such
 * as https: or mailto:) are not followed.
 */
export function brokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  const problems: BrokenLink[] = [];
  const slugsOf = new Map<string, Set<string>>();
  const slugs = (path: string): Set<string> => {
    let found = slugsOf.get(path);
    if (!found) slugsOf.set(path, (found = headingSlugs(readFileSync(path, 'utf8'))));
    return found;
  };
  for (const file of files) {
    const path = join(root, file);
    for (const { target, line } of linksIn(readFileSync(path, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const hash = target.indexOf('#');
      const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash));
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const targetPath = pathPart === '' ? path : join(dirname(path), pathPart);
      const report = (reason: string): void => void problems.push({ file, line, target, reason });
      if (pathPart.startsWith('/')) {
        report('an absolute path: GitHub resolves it from the site, not the repository');
      } else if (relative(root, targetPath).startsWith('..')) {
        report('outside the repository');
      } else if (!existsSync(targetPath)) {
        report(`no such file: ${relative(root, targetPath)}`);
      } else if (anchor !== undefined) {
        if (statSync(targetPath).isDirectory() || !targetPath.endsWith('.md')) report('an anchor into a file that is not Markdown');
        else if (!slugs(targetPath).has(anchor)) report(`no heading #${anchor} in ${relative(root, targetPath)}`);
      }
    }
  }
  return problems;
}
