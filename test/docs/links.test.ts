/**
 * Every relative link of the README and docs/ reaches a file, and every #anchor a heading of
 * its target, by GitHub's slug rule: the documentation is read on GitHub, where a broken link
 * is a dead end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';
import { brokenLinks, githubSlug, headingSlugs, linksIn } from './markdown-links.ts';

function markdownFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [relative(repoRoot, path)] : [];
  });
}

const files = ['README.md', ...markdownFiles(join(repoRoot, 'docs'))];

describe('the documentation links', () => {
  it('every relative link of README.md and docs/**/*.md reaches a file, and every anchor a heading', () => {
    const problems = brokenLinks(repoRoot, files).map((p) => `${p.file}:${p.line}: ${p.target}: ${p.reason}`);
    expect(problems).toEqual([]);
  });

  it('reaches every page of docs/ from the README, through the docs index', () => {
    const linked = new Set<string>();
    const visit = (file: string): void => {
      if (linked.has(file)) return;
      linked.add(file);
      for (const { target } of linksIn(readFileSync(join(repoRoot, file), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const path = relative(repoRoot, join(repoRoot, file, '..', target.split('#')[0]!));
        if (path.endsWith('.md') && files.includes(path)) visit(path);
      }
    };
    visit('README.md');
    expect(files.filter((file) => !linked.has(file))).toEqual([]);
  });
});

describe('the link checker', () => {
  it('githubSlug drops punctuation and code marks and joins words with hyphens, as GitHub does', () => {
    expect(githubSlug('summary.json keys')).toBe('summaryjson-keys');
    expect(githubSlug("A token's pass")).toBe('a-tokens-pass');
    expect(githubSlug('Time, windows and transports')).toBe('time-windows-and-transports');
    expect([...headingSlugs('# `compat: lorasim`\n## Runs\n## Runs\n```\n# not a heading\n```')]).toEqual(['compat-lorasim', 'runs', 'runs-1']);
  });

  it('reports a link to a missing file and an anchor no heading has, and ignores links in code', () => {
    const problems = brokenLinks(repoRoot, ['test/docs/fixtures/broken-links.md']).map((p) => `${p.line}: ${p.reason}`);
    expect(problems).toEqual(['3: no such file: test/docs/fixtures/missing.md', '4: no heading #no-such-heading in test/docs/fixtures/broken-links.md']);
  });
});

