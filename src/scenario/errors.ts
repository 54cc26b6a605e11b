/**
 * User-input errors: each names where (file, line and column when known, and the key path),
 * what was expected and what was found. The CLI prints them and exits with status 2.
 */

export interface InputIssue {
  /** Dotted key path with array indices in brackets, e.g. `groups[0].radio.sf`; empty for the root. */
  readonly path: string;
  readonly message: string;
  /** Where in the source, when the issue comes from a file. */
  readonly source?: SourcePosition | undefined;
}

export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export class InputError extends Error {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InputError';
    this.issues = issues;
  }
}

export function formatIssue(issue: InputIssue): string {
  const where = issue.source ? `${issue.source.file}:${issue.source.line}:${issue.source.column}: ` : '';
  const path = issue.path ? `${issue.path}: ` : '';
  return `${where}${path}${issue.message}`;
}

/** Formats a key path: ['groups', 0, 'radio'] → "groups[0].radio". */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

/** Describes a found value for a message: numbers and strings as JSON, others by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
