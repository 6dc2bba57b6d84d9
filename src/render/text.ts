// The terminal plan: Terraform-like `+`/`~`/`↺`/`-` lines, field before → after, colour only when asked.
import pc from 'picocolors';
import type { Action, Change, Issue, Plan, SafetyVerdict } from '../model/index.js';
import { displayWidth as width, padEnd as pad } from '../rules/width.js';
import { quoted, visible } from './escape.js';
import { fieldLine, type Style, type WordPart } from './fields.js';
import { count, personaLine, personaNote, readFooter, summaryLine, UNDECLARED_TITLE, UNMANAGED_TITLE, WAITING_TITLE, waitingHint } from './summary.js';
import type { ListedUser } from './summary.js';

type Colors = ReturnType<typeof pc.createColors>;

const SYMBOL: Record<Action, string> = { create: '+', update: '~', restore: '↺', deactivate: '-' };
/** Field lines sit under the change they belong to. */
const FIELD_INDENT = ' '.repeat(8);
/** Past this width the source column is not aligned any further (one long name must not push every line). */
const MAX_ALIGN = 72;
/** Lists wrap before this width. */
const WRAP = 100;

function colorFor(action: Action, c: Colors): (s: string) => string {
  switch (action) {
    case 'create':
      return c.green;
    case 'update':
      return c.yellow;
    case 'restore':
      return c.cyan;
    case 'deactivate':
      return c.red;
  }
}

function textStyle(c: Colors): Style {
  const inner = (value: string): string => quoted(value).slice(1, -1);
  return {
    text: visible,
    quote: quoted,
    added: (piece) => c.green(`+ ${piece}`),
    removed: (piece) => c.red(`- ${piece}`),
    changed: (piece) => c.yellow(`~ ${piece}`),
    wordDiff: (parts: WordPart[]) => {
      const body = parts
        .map((part) => {
          const value = inner(part.value);
          if (part.op === 'same') return value;
          // Without colour the edit is marked like `git diff --word-diff=plain`.
          if (!c.isColorSupported) return part.op === 'add' ? `{+${value}+}` : `[-${value}-]`;
          return part.op === 'add' ? c.green(value) : c.red(c.strikethrough(value));
        })
        .join('');
      return `"${body}"`;
    },
    arrow: ' → ',
    none: '(none)',
  };
}

/** What the header says after the name: why a user is restored or deactivated. */
function note(change: Change): string {
  if (change.action === 'restore' && change.deletedAt) return `(deleted ${visible(change.deletedAt.slice(0, 10))})`;
  if (change.action === 'deactivate') return change.reason === 'pruned' ? '(in scope, not in git)' : '(declared state: inactive)';
  return '';
}

function source(change: Change): string {
  return change.source ? visible(`${change.source.file}:${change.source.line}`) : '';
}

/** Items joined with ", ", wrapped under the value column when the line grows past WRAP. */
function wrapItems(prefix: string, items: string[]): string[] {
  const lines: string[] = [];
  const indent = ' '.repeat(width(prefix));
  let line = prefix;
  let first = true;
  for (const [i, item] of items.entries()) {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (!first && width(line) + 1 + width(piece) > WRAP) {
      lines.push(line);
      line = indent + piece;
      continue;
    }
    line = first ? line + piece : `${line} ${piece}`;
    first = false;
  }
  lines.push(line);
  return lines;
}

function renderChange(change: Change, actionWidth: number, leftWidth: number, style: Style, c: Colors): string[] {
  const left = headerLeft(change, actionWidth, c);
  const where = source(change);
  const header = where ? `${pad(left, leftWidth)}  ${c.dim(where)}` : left;
  const fields = change.fields.map((f) => fieldLine(f, style, change.action));
  const labelWidth = Math.max(0, ...fields.map((f) => width(f.label) + 1));
  const lines = [header.trimEnd()];
  fields.forEach((field, i) => {
    const prefix = `${FIELD_INDENT}${pad(`${field.label}:`, labelWidth)}  `;
    lines.push(...wrapItems(prefix, field.items));
    const from = personaNote(change.fields[i]!);
    if (from) lines.push(`${' '.repeat(width(prefix))}${c.dim(visible(from))}`);
  });
  return lines;
}

function headerLeft(change: Change, actionWidth: number, c: Colors): string {
  const paint = colorFor(change.action, c);
  const parts = [`  ${paint(`${SYMBOL[change.action]} ${change.action.padEnd(actionWidth)}`)}`, c.bold(visible(change.email)), quoted(change.name)];
  const why = note(change);
  if (why) parts.push(c.dim(why));
  return parts.join('  ');
}

/** Users the plan names but leaves alone, one a line (with where they are declared, if they are), under a title with their number. */
function renderUsers(title: string, users: readonly ListedUser[] | undefined, hint: string | undefined, c: Colors): string[] {
  if (!users || users.length === 0) return [];
  const lines = [c.bold(`${title}: ${count(users.length)} ${users.length === 1 ? 'user' : 'users'}`)];
  const emailWidth = Math.min(MAX_ALIGN, Math.max(...users.map((u) => width(visible(u.email)))));
  for (const user of users) {
    // A declared user may leave the name out: then there is none to show.
    const name = user.source && user.name === '' ? [] : [quoted(user.name)];
    const at = user.source ? [c.dim(visible(`${user.source.file}:${user.source.line}`))] : [];
    lines.push(`  ${[pad(visible(user.email), emailWidth), ...name, ...at].join('  ')}`);
  }
  if (hint) lines.push(c.dim(hint));
  return lines;
}

/** One line per persona whose values the plan changes, with where it is defined. */
function renderPersonas(plan: Plan, c: Colors): string[] {
  if (!plan.personas || plan.personas.length === 0) return [];
  return [c.bold('Personas:'), ...plan.personas.map((p) => `  ${visible(personaLine(p))}  ${c.dim(visible(`${p.file}:${p.line}`))}`)];
}

function renderWarnings(warnings: Issue[], c: Colors): string[] {
  if (warnings.length === 0) return [];
  const lines = [c.yellow(c.bold(`Warnings (${warnings.length}):`))];
  for (const issue of warnings) {
    const at = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}${issue.line && issue.column ? `:${issue.column}` : ''} ` : '';
    lines.push(`  ${visible(at)}${c.yellow('warning')} ${c.bold(visible(issue.code))}  ${visible(issue.message)}`);
    if (issue.hint) lines.push(`      ${c.dim(`hint: ${visible(issue.hint)}`)}`);
  }
  return lines;
}

function renderSafety(safety: SafetyVerdict, c: Colors): string[] {
  if (!safety.blocked && safety.violations.length === 0) return [];
  const count = safety.violations.length;
  const rules = `${count} safety rule${count === 1 ? '' : 's'}`;
  const list = safety.violations.map((v) => `  - ${c.bold(v.rule)}: ${visible(v.message)}`);
  if (safety.overridden) {
    return [c.yellow(c.bold(`Safety override: this plan breaks ${rules}; --allow-unsafe let it through.`)), ...list];
  }
  if (!safety.blocked) return [c.yellow(c.bold(`This plan breaks ${rules}:`)), ...list];
  return [
    c.red(c.bold(`Blocked: this plan breaks ${rules} and will not be applied.`)),
    ...list,
    c.dim('Fix users/ or the thresholds in provision.yaml, or rerun with --allow-unsafe to apply it anyway.'),
  ];
}

/** The whole plan for a terminal; `color` adds ANSI colour (the caller decides: TTY, NO_COLOR). */
export function renderText(plan: Plan, color = false): string {
  const c = pc.createColors(color);
  const style = textStyle(c);
  const sections: string[][] = [];
  if (plan.changes.length > 0) {
    const actionWidth = Math.max(...plan.changes.map((ch) => ch.action.length));
    const leftWidth = Math.min(MAX_ALIGN, Math.max(...plan.changes.map((ch) => width(headerLeft(ch, actionWidth, c)))));
    const target = `${plan.org !== undefined ? `org ${visible(plan.org)}, ` : ''}${quoted(plan.target.orgName)} (${visible(plan.target.environment)})`;
    const lines = [`provision will make these changes to ${target}:`, ''];
    for (const change of plan.changes) lines.push(...renderChange(change, actionWidth, leftWidth, style, c));
    sections.push(lines);
  }
  sections.push(renderUsers(WAITING_TITLE, plan.waiting, waitingHint(), c));
  sections.push(renderUsers(UNDECLARED_TITLE, plan.undeclared, 'Declare them in users/ (with state: inactive to offboard them), or turn scope.prune on to deactivate users left out.', c));
  sections.push(renderUsers(UNMANAGED_TITLE, plan.unmanaged, undefined, c));
  sections.push(renderPersonas(plan, c));
  sections.push(renderWarnings(plan.warnings, c));
  sections.push(renderSafety(plan.safety, c));
  sections.push([c.dim(readFooter(plan)), c.bold(summaryLine(plan))]);
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
