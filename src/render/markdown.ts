// The pull request comment: marker, summary table, banners, changes grouped in <details>, cut to fit GitHub's limit.
import type { Action, Change, Issue, Plan, SafetyVerdict } from '../model/index.js';
import { md, mdWithUrls } from './escape.js';
import { fieldLine, type Style } from './fields.js';
import { count, isEmpty, readFooter, summaryLine } from './summary.js';

/** The hidden first line a workflow finds its earlier comment by (to edit it rather than add another). */
export const PLAN_MARKER = '<!-- provision-plan -->';
/** GitHub refuses issue and pull request comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The default budget: the limit less room for whatever a workflow wraps around the comment. */
export const DEFAULT_MARKDOWN_MAX_LENGTH = GITHUB_COMMENT_LIMIT - 1_536;

/** Lists that cannot be cut as whole changes are capped instead, so the fixed part stays small. */
const MAX_WARNINGS = 50;
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
}

const style: Style = {
  text: md,
  quote: (value) => `"${md(value)}"`,
  added: (piece) => `+ ${piece}`,
  removed: (piece) => `- ${piece}`,
  changed: (piece) => `\\~ ${piece}`,
  wordDiff: (parts) =>
    `"${parts
      .map((part) => {
        // Escape each run on its own: a run is never at the start of a line, so this is as safe as whole-string escaping.
        const value = md(part.value);
        if (part.op === 'same') return value;
        return part.op === 'add' ? `<ins>${value}</ins>` : `<del>${value}</del>`;
      })
      .join('')}"`,
  arrow: ' → ',
  none: '*(none)*',
};

function note(change: Change): string {
  if (change.action === 'restore' && change.deletedAt) return ` (deleted ${md(change.deletedAt.slice(0, 10))})`;
  if (change.action === 'deactivate') return change.reason === 'pruned' ? ' (in a pruned scope, not in `users/`)' : ' (declared `state: inactive`)';
  return '';
}

/** One change as a list item with its fields nested under it. */
function changeBlock(change: Change): string {
  const where = change.source ? ` · ${md(`${change.source.file}:${change.source.line}`)}` : '';
  const lines = [`- **${md(change.email)}** "${md(change.name)}"${note(change)}${where}`];
  for (const field of change.fields) {
    const line = fieldLine(field, style, change.action);
    lines.push(`  - \`${line.label}\`: ${line.items.join(', ')}`);
  }
  return lines.join('\n');
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
    '> Fix `users/` or the thresholds in `provision.yaml`, or rerun with `--allow-unsafe` to apply it anyway.',
  ].join('\n');
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
  return [
    '| Create | Update | Restore | Deactivate | Unchanged | Unmanaged |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${count(s.create)} | ${count(s.update)} | ${count(s.restore)} | ${count(s.deactivate)} | ${count(s.unchanged)} | ${count(s.unmanaged)} |`,
  ].join('\n');
}

function warningLine(issue: Issue): string {
  const at = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}${issue.line && issue.column ? `:${issue.column}` : ''}` : '';
  const where = at ? `${md(at)} ` : '';
  const hint = issue.hint ? ` — ${md(issue.hint)}` : '';
  return `- ${where}**${md(issue.code)}**: ${md(issue.message)}${hint}`;
}

function warningsSection(warnings: Issue[]): string | undefined {
  if (warnings.length === 0) return undefined;
  const lines = warnings.slice(0, MAX_WARNINGS).map(warningLine);
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
    `### provision plan for ${md(target.orgName)}`,
    `Genesys Cloud org ${md(target.orgId)} · ${md(target.environment)}`,
  ].join('\n');
  const banners = [safetyBanner(plan.safety), deactivationBanner(plan)].filter((b) => b !== undefined);
  const warnings = warningsSection(plan.warnings);
  const footer = `<sub>${readFooter(plan)} · plan checksum ${md(plan.checksum)}</sub>`;
  const last = `**${summaryLine(plan)}**`;

  if (plan.changes.length === 0 && isEmpty(plan.summary)) {
    return `${[head, ...banners, warnings, footer, last].filter((p) => p !== undefined).join('\n\n')}\n`;
  }

  const groups: Group[] = DISPLAY_ORDER.map((action) => ({ action, blocks: plan.changes.filter((c) => c.action === action).map(changeBlock) })).filter(
    (g) => g.blocks.length > 0,
  );
  const openAll = plan.changes.length <= OPEN_ALL_UP_TO;
  const total = plan.changes.length;

  const assemble = (shown: Map<Action, number>): string => {
    const hidden = total - [...shown.values()].reduce((a, b) => a + b, 0);
    const sections = groups.map((g) => groupSection(g, shown.get(g.action) ?? 0, openAll || g.action === 'deactivate'));
    const cut = hidden > 0 ? truncationNote(hidden, total, options.fullPlanNote) : undefined;
    return `${[head, ...banners, summaryTable(plan), cut, ...sections, warnings, footer, last].filter((p) => p !== undefined).join('\n\n')}\n`;
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
