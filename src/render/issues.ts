// Renders validation issues for people (grouped per file), for machines (JSON) and for GitHub Actions annotations.
import type { Issue } from '../model/index.js';

export type IssueFormat = 'human' | 'json' | 'github';

export const ISSUE_FORMATS: readonly IssueFormat[] = ['human', 'json', 'github'];

/** The few colour functions the human format uses (picocolors' `createColors()` fits). */
export interface IssueColors {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  underline(text: string): string;
}

/** What was checked, for the closing line. */
export interface CheckedSummary {
  users: number;
  files: number;
}

const plain: IssueColors = { red: String, yellow: String, green: String, bold: String, dim: String, underline: String };

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** `✖ 3 problems (2 errors, 1 warning) · 25 users in 3 files` or `✔ no problems · …`. */
export function summaryLine(issues: readonly Issue[], checked: CheckedSummary, c: IssueColors = plain): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const scope = `${plural(checked.users, 'valid user')} in ${plural(checked.files, 'file')}`;
  if (issues.length === 0) return `${c.green('✔')} No problems: ${scope}.`;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const mark = errors > 0 ? c.red('✖') : c.yellow('⚠');
  return `${mark} ${c.bold(counts)}; ${scope}.`;
}

/** Grouped per file, compiler style, ending with the summary line. */
export function renderIssuesHuman(issues: readonly Issue[], checked: CheckedSummary, c: IssueColors = plain): string {
  const groups = new Map<string, Issue[]>();
  for (const issue of issues) {
    const key = issue.file ?? '';
    const list = groups.get(key) ?? [];
    list.push(issue);
    groups.set(key, list);
  }
  const lines: string[] = [];
  for (const [file, list] of groups) {
    lines.push(file ? c.underline(visible(file)) : c.underline('(general)'));
    const width = Math.max(...list.map((i) => position(i).length));
    for (const issue of list) {
      const sev = issue.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      lines.push(`  ${c.dim(position(issue).padEnd(width))}  ${sev}  ${visible(issue.message)}  ${c.dim(issue.code)}`);
      if (issue.hint) lines.push(`  ${' '.repeat(width)}  ${c.dim(`hint: ${visible(issue.hint)}`)}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(issues, checked, c));
  return `${lines.join('\n')}\n`;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Messages quote what users wrote: show control and bidi characters as `\uXXXX` so they cannot drive the terminal. */
function visible(text: string): string {
  return text.replace(HIDDEN, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

function position(issue: Issue): string {
  if (!issue.line) return '';
  return issue.column ? `${issue.line}:${issue.column}` : String(issue.line);
}

/** An array of `{file, line, column, severity, code, message, hint}`; absent values are null. */
export function renderIssuesJson(issues: readonly Issue[]): string {
  const rows = issues.map((i) => ({
    file: i.file ?? null,
    line: i.line ?? null,
    column: i.column ?? null,
    severity: i.severity,
    code: i.code,
    message: i.message,
    hint: i.hint ?? null,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Workflow-command data escaping: `%`, CR and LF. */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property escaping: data escaping plus `:` and `,`. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error file=…,line=…,col=…,title=code::message` line per issue. */
export function renderIssuesGithub(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const props: string[] = [];
      if (i.file) props.push(`file=${escapeGithubProperty(i.file)}`);
      if (i.line) props.push(`line=${i.line}`);
      if (i.line && i.column) props.push(`col=${i.column}`);
      props.push(`title=${escapeGithubProperty(i.code)}`);
      const message = i.hint ? `${i.message}\nhint: ${i.hint}` : i.message;
      return `::${i.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeGithubData(message)}\n`;
    })
    .join('');
}

/** The chosen format. */
export function renderIssues(format: IssueFormat, issues: readonly Issue[], checked: CheckedSummary, c: IssueColors = plain): string {
  if (format === 'json') return renderIssuesJson(issues);
  if (format === 'github') return renderIssuesGithub(issues);
  return renderIssuesHuman(issues, checked, c);
}
