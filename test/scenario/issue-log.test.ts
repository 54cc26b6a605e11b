/** Gathering the problems of a scenario into one InputError (issue-log.ts). */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { createIssueLog } from '../../src/scenario/issue-log.ts';

describe('issue log', () => {
  it('reports each problem once per key path, marks those set by --set, and throws them all at flush', () => {
    const { fail, flush } = createIssueLog(() => undefined, (path) => path[0] === 'radio');
    flush();
    fail(['groups', 0, 'radio', 'sf'], 'expected SF7–12, found SF13');
    fail(['groups', 0, 'radio', 'sf'], 'expected SF7–12, found SF13');
    fail(['groups', 1, 'radio', 'sf'], 'expected SF7–12, found SF13');
    fail(['radio', 'chip'], 'expected a built-in radio');
    let thrown: unknown;
    try {
      flush();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'groups[0].radio.sf: expected SF7–12, found SF13',
      'groups[1].radio.sf: expected SF7–12, found SF13',
      'radio.chip: expected a built-in radio (set by --set)',
    ]);
  });
});
