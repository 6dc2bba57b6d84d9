// The pull request comment: marker, summary table, banners, changes grouped in <details>, cut to fit GitHub's limit.
import type { Action, Change, Issue, Plan, SafetyVerdict, Violation } from '../model/index.js';
import { md, mdWithUrls, visible } from './escape.js';
import { fieldLine, type Style } from './fields.js';
import { count, isEmpty, personaLine, personaNote, readFooter, summaryLine, UNDECLARED_TITLE, UNMANAGED_TITLE, WAITING_TITLE, waitingHint } from './summary.js';
import type { ListedUser } from './summary.js';

/** The hidden first line a workflow finds its earlier comment by (to edit it rather than add another). */
export const PLAN_MARKER = '<!-- provision-plan -->';
/** GitHub refuses issue and pull request comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The default budget: the limit less room for whatever a workflow wraps around the comment. */
export const DEFAULT_MARKDOWN_MAX_LENGTH = GITHUB_COMMENT_LIMIT - 1_536;

/** Lists that cannot be cut as whole changes are capped instead, so the fixed part stays small. */
const MAX_WARNINGS = 50;
/** Users listed but not changed (undeclared, unmanaged): the saved plan and the JSON have them all. */
const MAX_USERS = 50;
const MAX_VIOLATIONS = 20;
/** Small plans open every group; large ones open only deactivations, the part a reviewer must not miss. */
const OPEN_ALL_UP_TO = 10;

const DISPLAY_ORDER: Action[] = ['create', 'restore', 'update', 'deactivate'];
/** When the comment must be cut, the riskiest changes keep their place first. */
const KEEP_ORDER: Action[] = ['deactivate', 'restore', 'update', 'create'];
const TITLE: Record<Action, string> = { create: 'Create', restore: 'Restore', update: 'Update', deactivate: 'Deactivate' };
/** In the <summary> line, which GitHub treats as raw HTML: no markdown escapes there. */
const SYMBOL: Record<Action, string> = { create: '+', restore: '↺', update: '~', deactivate: '-' };

export interface MarkdownOptions {
  maxLength?: number;
  fullPlanNote?: string;
  /** Trusted Markdown put right after the marker (a workflow's run link); counted in `maxLength`, so nothing cuts the comment again. */
  header?: string;
  /** When set, `file:line` references link to `${sourceUrl}${file}#L${line}` (e.g. the pull request's head commit). */
  sourceUrl?: string;
}

/** `file:line` as Markdown: a link under `sourceUrl` when it is an http(s) URL, else escaped text. */
export function sourceRef(file: string, line: number | undefined, sourceUrl: string | undefined, column?: number): string {
  const text = md(`${file}${line ? `:${line}` : ''}${line && column ? `:${column}` : ''}`);
  if (!sourceUrl || !/^https?:\/\/[^\s()<>]+$/.test(sourceUrl)) return text;
  const base = sourceUrl.endsWith('/') ? sourceUrl : `${sourceUrl}/`;
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `[${text}](${base.replace(/&/g, '&amp;')}${path}${line ? `#L${line}` : ''})`;
}

function note(change: Change): string {
  if (change.action === 'restore' && change.deletedAt) return ` (deleted ${md(change.deletedAt.slice(0, 10))})`;
  if (change.action === 'deactivate') return change.reason === 'pruned' ? ' (in a pruned scope, not in `users/`)' : ' (declared `state: inactive`)';
  return '';
}

/**
 * Inside a code block nothing is Markdown or HTML: values are shown as they are, with control
 * characters made visible so that a name cannot start a new line. Each item is tagged with the
 * mark its diff line starts with.
 */
const TAG = '\u0001';
/** Code is inert, but a workflow finds its comment by searching the text for the marker: no value may spell one. */
const code = (value: string): string => visible(value).replace(/<!--/g, '<!\u200b--');
const codeStyle: Style = {
  text: code,
  quote: (value) => `"${code(value)}"`,
  added: (piece) => `${TAG}+${piece}`,
  removed: (piece) => `${TAG}-${piece}`,
  changed: (piece) => `${TAG}~${piece}`,
  wordDiff: (parts) => `"${parts.map((part) => (part.op === 'same' ? code(part.value) : part.op === 'add' ? `{+${code(part.value)}+}` : `[-${code(part.value)}-]`)).join('')}"`,
  arrow: ' → ',
  none: '(none)',
};

/** The fields of a change as `diff` lines, one item a line: `+ queues: Support - Tier 1` cannot be misread, whatever the names hold. */
export function diffLines(change: Change): string[] {
  const lines: string[] = [];
  for (const field of change.fields) {
    const line = fieldLine(field, codeStyle, change.action);
    for (const item of line.items) {
      const tagged = item.startsWith(TAG);
      const mark = tagged ? item[1] : change.action === 'create' ? '+' : '~';
      lines.push(`${mark} ${line.label}: ${tagged ? item.slice(2) : item}`);
    }
    // A context line (no +/-/~): where the value came from.
    const from = personaNote(field);
    if (from) lines.push(`# ${line.label}: ${code(from)}`);
  }
  return lines;
}

/** A fence longer than any run of backticks in the block, so no value can close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** One change as a list item, its fields in a `diff` block under it. */
export function changeBlock(change: Change, sourceUrl?: string): string {
  const where = change.source ? ` · ${sourceRef(change.source.file, change.source.line, sourceUrl)}` : '';
  const head = `- **${md(change.email)}** "${md(change.name)}"${note(change)}${where}`;
  const lines = diffLines(change);
  if (lines.length === 0) return head;
  const fence = fenceFor(lines.join('\n'));
  return [head, `  ${fence}diff`, ...lines.map((l) => `  ${l}`), `  ${fence}`].join('\n');
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

function safetyBanner(safety: SafetyVerdict): string | undefined {
  if (!safety.blocked && safety.violations.length === 0) return undefined;
  const rules = plural(safety.violations.length, 'safety rule');
  const shown = safety.violations.slice(0, MAX_VIOLATIONS).map((v) => `> - **${v.rule}**: ${md(v.message)}`);
  const more = safety.violations.length > MAX_VIOLATIONS ? [`> - … and ${count(safety.violations.length - MAX_VIOLATIONS)} more`] : [];
  if (safety.overridden) {
    return ['> [!CAUTION]', `> **Safety override:** this plan breaks ${rules}; \`--allow-unsafe\` let it through.`, ...shown, ...more].join('\n');
  }
  if (!safety.blocked) return ['> [!CAUTION]', `> This plan breaks ${rules}.`, ...shown, ...more].join('\n');
  return [
    '> [!CAUTION]',
    `> **Blocked:** this plan breaks ${rules} and will not be applied.`,
    ...shown,
    ...more,
    '>',
    `> ${blockedAdvice(safety)}`,
  ].join('\n');
}

/** The provision.yaml key behind each rule: what to change when the plan is intended. */
const RULE_SETTING: Partial<Record<Violation['rule'], string>> = {
  'max-deactivations': 'safety.maxDeactivations',
  'max-deactivation-percent': 'safety.maxDeactivationPercent',
  'protected-user': 'safety.protectedUsers',
  'last-admin': 'safety.adminRoles',
};

/** What to change to unblock: the users files, or the named setting of provision.yaml in the same reviewed pull request. */
function blockedAdvice(safety: SafetyVerdict): string {
  const settings = [...new Set(safety.violations.map((v) => RULE_SETTING[v.rule]).filter((s) => s !== undefined))];
  const setting = settings.length > 0 ? settings.map((s) => `\`${s}\``).join(', ') : 'the `safety` settings';
  return `Change the users files, or, if these changes are intended, change ${setting} in \`provision.yaml\` in this pull request, where reviewers see it.`;
}

function deactivationBanner(plan: Plan): string | undefined {
  const n = plan.summary.deactivate;
  if (n === 0) return undefined;
  const pruned = plan.changes.filter((c) => c.action === 'deactivate' && c.reason === 'pruned').length;
  const declared = plan.changes.filter((c) => c.action === 'deactivate' && c.reason !== 'pruned').length;
  const why: string[] = [];
  if (declared > 0) why.push(`${count(declared)} declared \`state: inactive\``);
  if (pruned > 0) why.push(`${count(pruned)} in a pruned scope and not in \`users/\``);
  const reasons = why.length > 0 ? ` (${why.join(', ')})` : '';
  return ['> [!WARNING]', `> This plan **deactivates ${plural(n, 'user')}**${reasons}. Deactivated users can no longer sign in or take interactions.`].join('\n');
}

function summaryTable(plan: Plan): string {
  const s = plan.summary;
  // The column shows only when some users are in it: a plan without them reads as it always did.
  const waiting = s.waiting ? [' Waiting |', ' ---: |', ` ${count(s.waiting)} |`] : ['', '', ''];
  const undeclared = s.undeclared ? [' Not declared |', ' ---: |', ` ${count(s.undeclared)} |`] : ['', '', ''];
  return [
    `| Create | Update | Restore | Deactivate | Unchanged |${waiting[0]}${undeclared[0]} Unmanaged |`,
    `| ---: | ---: | ---: | ---: | ---: |${waiting[1]}${undeclared[1]} ---: |`,
    `| ${count(s.create)} | ${count(s.update)} | ${count(s.restore)} | ${count(s.deactivate)} | ${count(s.unchanged)} |${waiting[2]}${undeclared[2]} ${count(s.unmanaged)} |`,
  ].join('\n');
}

/** Users the plan names but leaves alone, in a collapsible list (open when short), capped like the warnings. */
function usersSection(title: string, users: readonly ListedUser[] | undefined, hint: string | undefined, sourceUrl?: string): string | undefined {
  if (!users || users.length === 0) return undefined;
  const line = (u: ListedUser): string => {
    const name = u.source && u.name === '' ? '' : ` "${md(u.name)}"`;
    return `- **${md(u.email)}**${name}${u.source ? ` ${sourceRef(u.source.file, u.source.line, sourceUrl)}` : ''}`;
  };
  const lines = users.slice(0, MAX_USERS).map(line);
  if (users.length > MAX_USERS) lines.push(`- … and ${count(users.length - MAX_USERS)} more (all of them are in the plan's JSON)`);
  if (hint) lines.push('', hint);
  return details(`${title} (${count(users.length)})`, lines.join('\n'), users.length <= OPEN_ALL_UP_TO);
}

/** What each persona changes, one line each, linked to where it is defined. */
function personasSection(plan: Plan, sourceUrl?: string): string | undefined {
  if (!plan.personas || plan.personas.length === 0) return undefined;
  const lines = plan.personas.map((p) => `- ${md(personaLine(p))} · ${sourceRef(p.file, p.line, sourceUrl)}`);
  return details(`Personas (${count(plan.personas.length)})`, lines.join('\n'), true);
}

function warningLine(issue: Issue, sourceUrl?: string): string {
  const where = issue.file ? `${sourceRef(issue.file, issue.line, sourceUrl, issue.column)} ` : '';
  const hint = issue.hint ? ` — ${md(issue.hint)}` : '';
  return `- ${where}**${md(issue.code)}**: ${md(issue.message)}${hint}`;
}

function warningsSection(warnings: Issue[], sourceUrl?: string): string | undefined {
  if (warnings.length === 0) return undefined;
  const lines = warnings.slice(0, MAX_WARNINGS).map((w) => warningLine(w, sourceUrl));
  if (warnings.length > MAX_WARNINGS) lines.push(`- … and ${count(warnings.length - MAX_WARNINGS)} more`);
  return details(`Warnings (${count(warnings.length)})`, lines.join('\n'), warnings.length <= 5);
}

function details(summary: string, body: string, open: boolean): string {
  return `<details${open ? ' open' : ''}>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

interface Group {
  action: Action;
  blocks: string[];
}

function groupSection(group: Group, shown: number, open: boolean): string {
  const total = group.blocks.length;
  const parts: string[] = [];
  if (shown > 0) parts.push(group.blocks.slice(0, shown).join('\n'));
  if (shown < total) parts.push(`*${plural(total - shown, 'change')} not shown.*`);
  return details(`<b>${SYMBOL[group.action]} ${TITLE[group.action]}</b> (${count(total)})`, parts.join('\n\n'), open);
}

function truncationNote(hidden: number, total: number, fullPlanNote: string | undefined): string {
  const where = fullPlanNote ? `The full plan is in ${mdWithUrls(fullPlanNote)}.` : 'Run `provision plan` to see the full plan.';
  return [
    '> [!NOTE]',
    `> ${count(hidden)} of ${plural(total, 'change')} ${hidden === 1 ? 'is' : 'are'} not shown, to keep this comment under GitHub's ${count(GITHUB_COMMENT_LIMIT)}-character limit. ${where}`,
  ].join('\n');
}

/**
 * The plan as a GitHub comment. Every plan string is escaped (see `md`). When the comment would pass
 * `maxLength`, whole changes are left out (deactivations kept longest) and a note says how many and
 * where the full plan is; the marker, summary, banners and footer are always kept.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const target = plan.target;
  const head = [
    PLAN_MARKER,
    ...(options.header ? [options.header, ''] : []),
    plan.org !== undefined ? `### provision plan for org ${md(plan.org)}: ${md(target.orgName)}` : `### provision plan for ${md(target.orgName)}`,
    `Genesys Cloud org ${md(target.orgId)} · ${md(target.environment)}`,
  ].join('\n');
  const banners = [safetyBanner(plan.safety), deactivationBanner(plan)].filter((b) => b !== undefined);
  const warnings = warningsSection(plan.warnings, options.sourceUrl);
  const personas = personasSection(plan, options.sourceUrl);
  const unchangedUsers = [
    usersSection(WAITING_TITLE, plan.waiting, waitingHint((s) => `\`${s}\``), options.sourceUrl),
    usersSection(UNDECLARED_TITLE, plan.undeclared, 'Declare them in `users/` (with `state: inactive` to offboard them), or turn `scope.prune` on to deactivate users left out.'),
    usersSection(UNMANAGED_TITLE, plan.unmanaged, undefined),
  ].filter((p) => p !== undefined);
  const footer = `<sub>${readFooter(plan)} · plan checksum ${md(plan.checksum)}</sub>`;
  const last = `**${summaryLine(plan)}**`;

  if (plan.changes.length === 0 && isEmpty(plan.summary)) {
    return `${[head, ...banners, ...unchangedUsers, warnings, footer, last].filter((p) => p !== undefined).join('\n\n')}\n`;
  }

  const groups: Group[] = DISPLAY_ORDER.map((action) => ({ action, blocks: plan.changes.filter((c) => c.action === action).map((c) => changeBlock(c, options.sourceUrl)) })).filter(
    (g) => g.blocks.length > 0,
  );
  const openAll = plan.changes.length <= OPEN_ALL_UP_TO;
  const total = plan.changes.length;

  const assemble = (shown: Map<Action, number>): string => {
    const hidden = total - [...shown.values()].reduce((a, b) => a + b, 0);
    const sections = groups.map((g) => groupSection(g, shown.get(g.action) ?? 0, openAll || g.action === 'deactivate'));
    const cut = hidden > 0 ? truncationNote(hidden, total, options.fullPlanNote) : undefined;
    return `${[head, ...banners, summaryTable(plan), personas, cut, ...sections, ...unchangedUsers, warnings, footer, last].filter((p) => p !== undefined).join('\n\n')}\n`;
  };

  const all = new Map(groups.map((g) => [g.action, g.blocks.length]));
  const full = assemble(all);
  if (full.length <= maxLength) return full;

  // Nothing shown is the largest the fixed part gets (every "not shown" line and the note present, counts
  // at their widest); what is left is the budget for whole changes, each costing its text and a separator.
  let budget = maxLength - assemble(new Map()).length;
  const shown = new Map<Action, number>();
  const kept: Action[] = [];
  for (const action of KEEP_ORDER) {
    const group = groups.find((g) => g.action === action);
    if (!group) continue;
    let n = 0;
    for (const block of group.blocks) {
      const cost = block.length + 2;
      if (cost > budget) break;
      budget -= cost;
      n += 1;
    }
    shown.set(action, n);
    kept.push(action);
    if (n < group.blocks.length) break;
  }
  let out = assemble(shown);
  // The estimate above is conservative; this only guards it, taking changes back from the least risky end.
  while (out.length > maxLength) {
    const action = [...kept].reverse().find((a) => (shown.get(a) ?? 0) > 0);
    if (!action) break;
    shown.set(action, (shown.get(action) ?? 0) - 1);
    out = assemble(shown);
  }
  return out;
}

/**
 * A plan that could not be made, for the same comment: what stopped it and every problem at its
 * `file:line` (a name the org does not know comes with its did-you-mean), never "see the run log".
 */
export function renderFailureMarkdown(message: string, issues: readonly Issue[], options: { header?: string; sourceUrl?: string; hint?: string; maxLength?: number; org?: string } = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const title = options.org !== undefined ? `### provision plan for org ${md(options.org)}: no plan was made` : '### provision plan: no plan was made';
  const head = [PLAN_MARKER, ...(options.header ? [options.header, ''] : []), title, '', md(message)].join('\n');
  const hint = options.hint ? `${md(options.hint)}` : undefined;
  const lines = issues.map((issue) => warningLine(issue, options.sourceUrl));
  const assemble = (n: number): string => {
    const more = n < lines.length ? [`- … and ${count(lines.length - n)} more: run \`provision plan\` to see them all.`] : [];
    const list = n > 0 || more.length > 0 ? [...lines.slice(0, n), ...more].join('\n') : undefined;
    return `${[head, list, hint].filter((p) => p !== undefined).join('\n\n')}\n`;
  };
  let n = lines.length;
  let out = assemble(n);
  while (out.length > maxLength && n > 0) {
    n = Math.max(0, n - Math.max(1, Math.ceil((out.length - maxLength) / 200)));
    out = assemble(n);
  }
  return out;
}
