// Small helpers to build Issues and did-you-mean hints for the desired-state checks.
import type { Issue, Severity, Source } from '../model/index.js';
import { didYouMean } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';

/** An issue at a source position. */
export function issueAt(
  where: Source | undefined,
  severity: Severity,
  code: string,
  message: string,
  hint?: string,
): Issue {
  const issue: Issue = { severity, code, message };
  if (hint) issue.hint = hint;
  if (where) {
    issue.file = where.file;
    if (where.line > 0) issue.line = where.line;
    if (where.column !== undefined) issue.column = where.column;
  }
  return issue;
}

/** `Did you mean "x"?` or undefined. */
export function didYouMeanHint(word: string, candidates: readonly string[]): string | undefined {
  const match = didYouMean(word, candidates);
  return match === undefined ? undefined : `Did you mean "${match}"?`;
}

/** Stable order, the same on every machine: file, line, column, then code. */
export function sortIssues(issues: Issue[]): Issue[] {
  return issues.sort(
    (a, b) =>
      compareStrings(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compareStrings(a.code, b.code),
  );
}

export const PASSWORD_HINT =
  'Git is not a secret store: anyone who can read the repository (and its history) would see it. ' +
  'Leave passwords out: Genesys Cloud emails new users an invitation to set their own, ' +
  'or set one in the admin UI, or sign users in with SSO.';

/** Keys that could pollute prototypes when copied into plain objects. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Offset → 1-based line and column. */
export function lineIndex(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}
