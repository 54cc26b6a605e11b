/**
 * The problems resolving a scenario finds, gathered so that one message names them all: each
 * is reported once, at the key where it is written, however many nodes share it.
 */
import { issueAt } from './loader.ts';
import { formatPath, InputError, type InputIssue } from './errors.ts';
import type { Fail } from './resolve-checks.ts';
import type { Locate } from './resolve.ts';

export interface IssueLog {
  /** Records a problem at a key path (once per path and message). */
  readonly fail: Fail;
  /** Throws the InputError of every problem recorded, if any. */
  readonly flush: () => void;
}

/**
 * An empty log; `locate` and `fromSet` say where a key path is written (the file, or --set).
 *
 * @example
 * const { fail, flush } = createIssueLog(locate, fromSet);
 * fail(['groups', 0, 'radio', 'sf'], 'expected SF7–12, found SF13');
 * flush(); // throws InputError
 */
export function createIssueLog(locate: Locate, fromSet: (path: readonly PropertyKey[]) => boolean): IssueLog {
  const issues: InputIssue[] = [];
  const reported = new Set<string>();
  return {
    fail: (path, message) => {
      const text = formatPath(path);
      if (reported.has(`${text}\n${message}`)) return;
      reported.add(`${text}\n${message}`);
      issues.push(issueAt(path, message, locate, fromSet));
    },
    flush: () => {
      if (issues.length > 0) throw new InputError(issues);
    },
  };
}
